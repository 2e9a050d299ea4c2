import Distributed
import Foundation
import TensorMath

#if canImport(Glibc)
import Glibc
#endif

/// The processes a command runs on: alone, or as one rank of `mpirun -np N` (data-parallel
/// training). The one place the apps get their ``Distributed/Communicator`` and thread count.
///
/// ``CommandRunner`` calls ``start()`` before parsing, and ends the job after the command:
/// ``Distributed/Communicator/finish()`` on success, ``Distributed/Communicator/abort(status:)``
/// on a failure (so that no rank waits forever for one that failed). On ranks other than 0,
/// standard output is discarded: only rank 0 prints progress and results.
public enum Processes {
    /// The job's communicator (a single-process one until ``start()``, and for a plain run).
    nonisolated(unsafe) public private(set) static var communicator: any Communicator =
        SingleProcessCommunicator()

    /// Starts MPI when `mpirun` launched the process, silences standard output on ranks other
    /// than 0, and gives each rank its share of the cores: `SWIFTCNN_THREADS`, unless set,
    /// becomes cores / ranks on this machine.
    /// - Throws: ``AppError`` if MPI cannot start.
    public static func start() throws {
        do {
            communicator = try DistributedEnvironment.communicator()
        } catch {
            throw AppError("\(error)")
        }
        guard communicator.size > 1 else { return }
        if !communicator.isRoot, let null = fopen("/dev/null", "w") {
            fflush(stdout)
            dup2(fileno(null), STDOUT_FILENO)
        }
        if getenv("SWIFTCNN_THREADS") == nil {
            let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
            setenv("SWIFTCNN_THREADS", "\(max(1, cores / DistributedEnvironment.localSize))", 1)
        }
    }

    /// Uses `threads` threads for the tensor kernels (`--threads`), or leaves the default
    /// (`SWIFTCNN_THREADS`, else the cores, divided among the ranks on this machine). Call it
    /// before any tensor work.
    /// - Throws: ``AppError`` if the kernels had already chosen another count.
    public static func useThreads(_ threads: Int?) throws {
        guard let threads else { return }
        setenv("SWIFTCNN_THREADS", "\(threads)", 1)
        guard Parallel.threadCount == threads else {
            throw AppError(
                "--threads \(threads) came too late: the kernels already run on "
                    + "\(Parallel.threadCount) threads (set SWIFTCNN_THREADS=\(threads) instead)")
        }
        BLAS.threadCount = threads
    }

    /// `, 2 processes × 1 thread` for a data-parallel run, nothing alone.
    public static var summary: String {
        communicator.size > 1
            ? ", \(communicator.size) processes × \(Parallel.threadCount) "
                + (Parallel.threadCount == 1 ? "thread" : "threads")
            : ""
    }
}
