/// The errors of the model registry, ``ImageClassifier``, ``PreprocessingPipeline``,
/// ``NetworkVisualization`` and ``FeatureMapGrid``. Each description names the file or
/// architecture and what is wrong.
public enum ImageClassifierError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A model file names an architecture that ``ModelRegistry`` does not know.
    case unknownArchitecture(name: String, known: [String])
    /// A model file's architecture configuration does not decode (a field of the wrong type).
    case invalidConfiguration(architecture: String, reason: String)
    /// A model file's weights or description do not fit the network it describes (its output
    /// has another number of classes than the class names, say).
    case incompatibleModel(path: String, reason: String)
    /// A model's preprocessing method (an open key in model files) is not one that
    /// ``PreprocessingPipeline`` implements; ``ImageClassifier`` reports it as
    /// ``incompatibleModel(path:reason:)`` naming the model file.
    case unknownPreprocessingMethod(method: String, known: [String])
    /// A caller-supplied argument is invalid; names the operation.
    case invalidArgument(operation: String, reason: String)
    /// An output file or folder (of ``NetworkVisualization``) cannot be written or created;
    /// `message` is the whole sentence, naming `path`.
    case cannotWrite(path: String, message: String)

    public var description: String {
        switch self {
        case let .unknownArchitecture(name, known):
            return "unknown architecture \"\(name)\" (this build knows "
                + known.joined(separator: ", ") + ")"
        case let .invalidConfiguration(architecture, reason):
            return "invalid configuration of \(architecture): \(reason)"
        case let .unknownPreprocessingMethod(method, known):
            return "unknown preprocessing method \"\(method)\" (this build knows "
                + known.joined(separator: ", ") + ")"
        case let .incompatibleModel(path, reason):
            return "\(path): \(reason)"
        case let .invalidArgument(operation, reason):
            return "\(operation): \(reason)"
        case let .cannotWrite(_, message):
            return message
        }
    }
}
