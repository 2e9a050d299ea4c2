import ImageModels
import NeuralNet

/// An architecture the model registry can build: a name stored in model files, a configuration
/// type stored beside it, its default configuration, and a builder.
///
/// Every network of the model zoo (`ImageModels`) conforms below. A new architecture conforms
/// when its builder has this shape and its configuration a default, then takes one line in
/// ``ModelRegistry/architectures``.
public protocol RegisteredArchitecture {
    /// The configuration the builder takes, stored as JSON in model files. Its synthesized
    /// `Codable` is the file format; the registry gives missing fields their defaults.
    associatedtype Configuration: Codable

    /// The architecture's name in model files (matched without regard to case).
    static var architecture: String { get }

    /// The configuration built with no arguments, `Configuration()`: a stored configuration's
    /// missing fields take their values from it.
    static var defaultConfiguration: Configuration { get }

    /// Builds the network with its initialization drawn from `generator`.
    static func makeModel<G: RandomNumberGenerator>(
        _ configuration: Configuration, generator: inout G
    ) throws -> Sequential

    /// The network as a layer specification (`--print-layers`), or `nil` if it cannot be
    /// written as one. Default `nil`.
    static func layerSpecification(_ configuration: Configuration) throws -> LayerSpecification?
}

extension RegisteredArchitecture {
    /// `nil`: an architecture cannot be written as layers unless it says how.
    public static func layerSpecification(_ configuration: Configuration) throws
        -> LayerSpecification?
    { nil }
}

extension LeNet5: RegisteredArchitecture {
    public static var defaultConfiguration: Configuration { Configuration() }

    public static func layerSpecification(_ configuration: Configuration) -> LayerSpecification? {
        configuration.layerSpecification
    }
}

extension MLP: RegisteredArchitecture {
    public static var defaultConfiguration: Configuration { Configuration() }

    public static func layerSpecification(_ configuration: Configuration) -> LayerSpecification? {
        configuration.layerSpecification
    }
}

extension MNISTNet: RegisteredArchitecture {
    public static var defaultConfiguration: Configuration { Configuration() }

    public static func layerSpecification(_ configuration: Configuration) -> LayerSpecification? {
        configuration.layerSpecification
    }
}

extension FourClassNet: RegisteredArchitecture {
    public static var defaultConfiguration: Configuration { Configuration() }

    public static func layerSpecification(_ configuration: Configuration) -> LayerSpecification? {
        configuration.layerSpecification
    }
}

extension CIFARResNet: RegisteredArchitecture {
    public static var defaultConfiguration: Configuration { Configuration() }

    public static func layerSpecification(_ configuration: Configuration) -> LayerSpecification? {
        configuration.layerSpecification
    }
}

extension Layers: RegisteredArchitecture {
    public static var defaultConfiguration: Configuration { Configuration() }

    public static func layerSpecification(_ configuration: Configuration) throws
        -> LayerSpecification?
    {
        try LayerSpecification(parsing: configuration.layers)
    }
}
