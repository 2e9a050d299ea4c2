/// A failed run with a message for the user (a missing data set, a checkpoint that does not
/// fit): ``CommandRunner`` prints it on standard error and exits with status 1.
public struct AppError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The message, one or more sentences without the program's name.
    public let description: String

    /// Creates an error with `message`.
    public init(_ message: String) {
        description = message
    }
}
