import TensorMath

/// Errors from building, running and training networks.
///
/// Errors raised inside a container are wrapped in ``layer(path:type:underlying:)`` with the
/// failing layer's dotted name, so a mistake reads like
/// `layer features.3 (Conv2D): input has 6 channels, weight expects 16 (input [8, 6, 14, 14])`.
public indirect enum NeuralNetError: Error, CustomStringConvertible {
    /// A tensor's shape differs from the one an operation needs.
    case shapeMismatch(operation: String, expected: [Int], actual: [Int])
    /// An input a layer cannot take; `reason` says why and names the shapes.
    case invalidInput(layer: String, reason: String)
    /// A configuration value out of range (a negative rate, a zero kernel).
    case invalidConfiguration(String)
    /// `backward` was called without a preceding training-mode `forward`.
    case backwardWithoutForward(layer: String)
    /// An error raised by the layer at a dotted `path` (such as `features.3`) of type `type`.
    case layer(path: String, type: String, underlying: Error)

    public var description: String {
        switch self {
        case let .shapeMismatch(operation, expected, actual):
            return "\(operation): expected shape \(expected), got \(actual)"
        case let .invalidInput(layer, reason):
            return "\(layer): \(reason)"
        case let .invalidConfiguration(reason):
            return "invalid configuration: \(reason)"
        case let .backwardWithoutForward(layer):
            return "\(layer): backward called without a forward pass in training mode"
        case let .layer(path, type, underlying):
            let inner: String
            switch underlying {
            case let error as NeuralNetError:
                if case let .invalidInput(_, reason) = error {
                    inner = reason
                } else {
                    inner = error.description
                }
            case let error as TensorError: inner = error.description
            default: inner = String(describing: underlying)
            }
            return "layer \(path) (\(type)): \(inner)"
        }
    }

    /// Wraps `error` raised by the child named `name` of a container, extending the dotted
    /// path of an error that a nested container already wrapped.
    public static func wrapping(_ error: Error, child name: String, layer: Layer) -> NeuralNetError
    {
        if case let .layer(path, type, underlying)? = error as? NeuralNetError {
            return .layer(path: "\(name).\(path)", type: type, underlying: underlying)
        }
        return .layer(
            path: name, type: String(describing: Swift.type(of: layer)), underlying: error)
    }
}
