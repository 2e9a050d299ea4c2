/// A training checkpoint that cannot be restored into a trainer: its state is not a trainer's,
/// or the trainer is not configured as the saved one was.
public struct ResumeError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The checkpoint file, when known.
    public var path: String?
    /// What does not fit (names the tensor, the optimizer or the setting).
    public var reason: String

    /// Creates an error.
    public init(path: String? = nil, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String {
        "cannot resume from \(path ?? "the checkpoint"): \(reason)"
    }
}
