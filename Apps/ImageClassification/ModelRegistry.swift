import Checkpoints
import ImageModels
import NeuralNet
import TensorMath

/// The architectures the apps know by name: from a model file's
/// ``Checkpoints/ModelDescription/Architecture`` (a name and a JSON configuration) to a freshly
/// built network, ready for its weights.
///
/// ```swift
/// let description = try file.modelDescription()
/// let network = try ModelRegistry.makeModel(description.architecture)   // random weights
/// let shapes = network.stateDictionary.mapValues(\.shape)
/// try network.loadStateDictionary(file.tensors(matching: shapes))
/// ```
public enum ModelRegistry {
    /// One registered architecture.
    public struct Entry: Sendable {
        /// The name stored in model files (`LeNet5`); lookups ignore case.
        public let name: String
        /// Decodes a JSON configuration (missing fields take their defaults) and builds the
        /// network with its initialization drawn from the generator.
        public let build: @Sendable (JSONValue, inout Xoshiro256) throws -> Layer
        /// Decodes a JSON configuration and writes the network as a layer specification, or
        /// gives `nil` when it cannot be written as one.
        public let specification: @Sendable (JSONValue) throws -> LayerSpecification?

        /// Registers an architecture under `name` with a builder of its JSON configuration
        /// (and, optionally, its layer specification).
        public init(
            name: String, build: @escaping @Sendable (JSONValue, inout Xoshiro256) throws -> Layer,
            specification: @escaping @Sendable (JSONValue) throws -> LayerSpecification? = { _ in
                nil
            }
        ) {
            self.name = name
            self.build = build
            self.specification = specification
        }

        /// Registers a ``RegisteredArchitecture`` under its own name; its stored configuration
        /// is read by ``ModelRegistry/configuration(_:of:)``.
        public init<A: RegisteredArchitecture>(_ architecture: A.Type) {
            self.init(
                name: A.architecture,
                build: { json, generator in
                    try A.makeModel(
                        ModelRegistry.configuration(A.self, from: json), generator: &generator)
                },
                specification: { json in
                    try A.layerSpecification(ModelRegistry.configuration(A.self, from: json))
                })
        }
    }

    /// Every registered architecture, one line each.
    public static let architectures: [Entry] = [
        Entry(LeNet5.self),
        Entry(MLP.self),
        Entry(MNISTNet.self),
        Entry(FourClassNet.self),
        Entry(CIFARResNet.self),
        Entry(Layers.self),
    ]

    /// The registered names, in registration order.
    public static var names: [String] { architectures.map(\.name) }

    /// The entry registered as `name` (case-insensitive), or `nil`.
    public static func entry(named name: String) -> Entry? {
        let key = name.lowercased()
        return architectures.first { $0.name.lowercased() == key }
    }

    /// Builds the network that `architecture` names, with its initialization drawn from a
    /// generator seeded with `seed` (default 0; the weights are usually replaced by a model
    /// file's at once).
    /// - Throws: ``ImageClassifierError/unknownArchitecture(name:known:)`` for an
    ///   unregistered name; ``ImageClassifierError/invalidConfiguration(architecture:reason:)``
    ///   for a configuration that does not decode; the builder's own errors (such as
    ///   ``NeuralNet/NeuralNetError/invalidConfiguration(_:)``) for values out of range.
    public static func makeModel(_ architecture: ModelDescription.Architecture, seed: UInt64 = 0)
        throws -> Layer
    {
        guard let entry = entry(named: architecture.name) else {
            throw ImageClassifierError.unknownArchitecture(name: architecture.name, known: names)
        }
        var generator = Xoshiro256(seed: seed)
        return try entry.build(architecture.configuration, &generator)
    }

    /// The network `architecture` names written as a layer specification (`--print-layers`),
    /// or `nil` for an architecture that cannot be written as one.
    /// - Throws: as ``makeModel(_:seed:)`` for an unknown name or a configuration that does
    ///   not decode.
    public static func layerSpecification(of architecture: ModelDescription.Architecture)
        throws -> LayerSpecification?
    {
        guard let entry = entry(named: architecture.name) else {
            throw ImageClassifierError.unknownArchitecture(name: architecture.name, known: names)
        }
        return try entry.specification(architecture.configuration)
    }

    /// The architecture description for a registered type and configuration, as a model file
    /// stores it.
    /// - Throws: ``Checkpoints/CheckpointError/invalidArgument(operation:reason:)`` if the
    ///   configuration does not encode.
    public static func architecture<A: RegisteredArchitecture>(
        _ type: A.Type, configuration: A.Configuration
    ) throws -> ModelDescription.Architecture {
        try ModelDescription.Architecture(name: A.architecture, configuration: configuration)
    }
}
