import NeuralNet
import TensorMath

/// A network written as a ``LayerSpecification`` (`--layers`), the architecture `Layers` of
/// model files: its configuration keeps the specification's text, the input shape and the
/// class count, so a file rebuilds the network from its metadata alone.
///
/// Input `[N] + inputShape`; output `[N, classCount]` (the specification must end in it,
/// typically with `dense classCount`).
public enum Layers {
    /// The architecture's name in model files.
    public static let architecture = "Layers"

    /// The specification and the shapes it is built for, stored in model files as JSON.
    public struct Configuration: Codable, Hashable, Sendable {
        /// The specification's text (canonical, as ``LayerSpecification/description``
        /// writes it). Default `flatten, dense 10` (multinomial logistic regression).
        public var layers: String
        /// The shape of one input sample, `[C, H, W]` or `[F]`; default `[1, 28, 28]`.
        public var inputShape: [Int]
        /// The number of classes, the network's output size; default 10.
        public var classCount: Int

        /// Creates a configuration.
        public init(
            layers: String = "flatten, dense 10", inputShape: [Int] = [1, 28, 28],
            classCount: Int = 10
        ) {
            self.layers = layers
            self.inputShape = inputShape
            self.classCount = classCount
        }

        /// A configuration of `specification` in canonical text.
        public init(_ specification: LayerSpecification, inputShape: [Int], classCount: Int) {
            self.init(
                layers: specification.description, inputShape: inputShape,
                classCount: classCount)
        }

        /// The JSON keys of model files.
        private enum CodingKeys: String, CodingKey {
            case layers, inputShape, classCount
        }
    }

    /// Parses and checks the configuration's specification without allocating the network.
    /// - Throws: ``LayerSpecificationError`` for a text that does not parse or layers that do
    ///   not fit the input shape, or an output other than `[classCount]` (naming the last
    ///   layer); ``NeuralNet/NeuralNetError/invalidConfiguration(_:)`` beyond ``ModelLimits``.
    public static func plan(_ configuration: Configuration) throws -> LayerSpecification.Plan {
        let specification = try LayerSpecification(parsing: configuration.layers)
        let plan = try specification.plan(inputShape: configuration.inputShape)
        guard plan.outputShape == [configuration.classCount] else {
            let last = plan.layers.last
            throw LayerSpecificationError.shape(
                layer: last?.path ?? "0",
                text: last.map { LayerSpecification.text($0.element) } ?? "",
                reason: "the network ends in \(plan.outputShape) per sample, and the data has "
                    + "\(configuration.classCount) classes; end the specification with "
                    + "'dense \(configuration.classCount)'"
                    + (plan.outputShape.count == 3
                        ? " after flatten or globalavgpool" : ""))
        }
        return plan
    }

    /// Builds the network with its initialization drawn from `generator` (see
    /// ``LayerSpecification/makeModel(inputShape:generator:)``).
    /// - Throws: the errors of ``plan(_:)``, before anything is allocated.
    public static func makeModel<G: RandomNumberGenerator>(
        _ configuration: Configuration = Configuration(), generator: inout G
    ) throws -> Sequential {
        try LayerSpecification.build(plan(configuration), generator: &generator)
    }
}
