import Foundation

/// How this process was launched: alone, or as one rank of an Open MPI job.
///
/// ```swift
/// let communicator = try DistributedEnvironment.communicator()
/// if communicator.isRoot { print("training on \(communicator.size) processes") }
/// ```
public enum DistributedEnvironment {
    /// The number of processes `mpirun` started (`OMPI_COMM_WORLD_SIZE`), or `nil` when the
    /// process was not launched by Open MPI's `mpirun`.
    public static var launchedSize: Int? {
        ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"].flatMap { Int($0) }
    }

    /// The number of ranks on this machine (`OMPI_COMM_WORLD_LOCAL_SIZE`), 1 for a plain run:
    /// what shares this machine's cores.
    public static var localSize: Int {
        ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap { Int($0) }
            .map { max(1, $0) } ?? 1
    }

    /// The job's communicator: ``MPICommunicator/world()`` when `mpirun` launched the process
    /// (``launchedSize`` is set), else a ``SingleProcessCommunicator``, so a plain run never
    /// starts MPI. The same object on every call.
    /// - Throws: ``DistributedError/initialization(reason:)`` if MPI cannot start.
    public static func communicator() throws -> any Communicator {
        guard launchedSize != nil else { return single }
        return try MPICommunicator.world()
    }

    private static let single = SingleProcessCommunicator()
}
