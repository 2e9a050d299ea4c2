#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A job of one process: rank 0 of 1. Sums and broadcasts leave the buffers as they are, and
/// ``abort(status:)`` exits. What a plain run (not under `mpirun`) uses; it never touches MPI.
public final class SingleProcessCommunicator: Communicator {
    /// Always 0.
    public let rank = 0
    /// Always 1.
    public let size = 1

    /// Creates the communicator.
    public init() {}

    /// Leaves `buffer` as it is (the sum over one rank).
    public func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws {}

    /// Leaves `buffer` as it is (the sum over one rank).
    public func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) throws {}

    /// Leaves `buffer` as it is.
    /// - Throws: ``DistributedError/invalidArgument(operation:reason:)`` unless `root` is 0.
    public func broadcast(_ buffer: UnsafeMutableRawBufferPointer, root: Int) throws {
        try checkRoot(root, operation: "broadcast")
    }

    /// Returns at once.
    public func barrier() throws {}

    /// Exits with `status`.
    public func abort(status: Int32) -> Never { exit(status) }

    /// Does nothing.
    public func finish() throws {}
}
