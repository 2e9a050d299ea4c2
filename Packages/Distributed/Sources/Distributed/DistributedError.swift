/// What can go wrong between the processes of a job.
public enum DistributedError: Error, Equatable, CustomStringConvertible {
    /// The MPI library reported `code` (explained by `message`) during `operation`.
    case mpi(operation: String, code: Int32, message: String)
    /// A call's argument does not fit (a root outside the ranks, a buffer too large).
    case invalidArgument(operation: String, reason: String)
    /// The environment says the process was launched by `mpirun`, but MPI could not start.
    case initialization(reason: String)

    public var description: String {
        switch self {
        case .mpi(let operation, let code, let message):
            return "\(operation) failed (MPI error \(code)): \(message)"
        case .invalidArgument(let operation, let reason):
            return "\(operation): \(reason)"
        case .initialization(let reason):
            return "cannot start MPI: \(reason)"
        }
    }
}
