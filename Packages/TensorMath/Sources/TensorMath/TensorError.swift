/// The errors TensorMath throws for shapes and arguments that callers supply.
///
/// Every case renders a message that names the operation and the shapes involved, so a
/// mistake in a model definition reads like `add: shapes [2, 3] and [4] cannot be broadcast`.
public enum TensorError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Two shapes that an operation needs to agree (or broadcast) do not.
    case shapeMismatch(operation: String, lhs: [Int], rhs: [Int])
    /// A shape that is invalid on its own (a negative dimension, a wrong rank, a wrong
    /// element count).
    case invalidShape(operation: String, shape: [Int], reason: String)
    /// An argument outside its valid range (an axis, a stride, an index).
    case invalidArgument(operation: String, reason: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(operation, lhs, rhs):
            return "\(operation): shapes \(lhs) and \(rhs) are incompatible"
        case let .invalidShape(operation, shape, reason):
            return "\(operation): invalid shape \(shape): \(reason)"
        case let .invalidArgument(operation, reason):
            return "\(operation): \(reason)"
        }
    }
}
