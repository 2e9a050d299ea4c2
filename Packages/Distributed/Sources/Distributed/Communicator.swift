/// The processes of a data-parallel job, seen from one of them: its rank, their number, and the
/// collective operations data-parallel training needs. Every process must make the same calls
/// in the same order, with buffers of the same size (a collective waits for all of them).
///
/// Two implementations: ``SingleProcessCommunicator`` (one process; every operation is the
/// identity) and ``MPICommunicator`` (Open MPI, for `mpirun -np N`).
/// ``DistributedEnvironment/communicator()`` picks the one the process was launched for.
///
/// ```swift
/// let communicator = try DistributedEnvironment.communicator()
/// var gradient: [Float] = [1, 2, 3]          // this rank's part, [n]
/// try communicator.allReduceSum(&gradient)   // [n]: the sum over ranks, the same on all
/// ```
///
/// Sums are deterministic: element `i` of the result is `((x₀ + x₁) + x₂) + …` in rank order,
/// whatever the network delivers first, and every rank gets the same bits.
public protocol Communicator: AnyObject {
    /// This process's number, `0..<size`; rank 0 is the one that prints and writes files.
    var rank: Int { get }
    /// The number of processes in the job (at least 1).
    var size: Int { get }

    /// Replaces `buffer` (`[n]`, the same `n` on every rank) by its element-wise sum over the
    /// ranks, added in rank order.
    /// - Throws: ``DistributedError`` if the transport fails.
    func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws

    /// The `Double` form of ``allReduceSum(_:)-(UnsafeMutableBufferPointer<Float>)``, for
    /// metrics (summed losses, counts).
    /// - Throws: ``DistributedError`` if the transport fails.
    func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) throws

    /// Copies rank `root`'s bytes into `buffer` on every other rank (the same byte count on
    /// every rank).
    /// - Throws: ``DistributedError`` for a root outside `0..<size` or a transport failure.
    func broadcast(_ buffer: UnsafeMutableRawBufferPointer, root: Int) throws

    /// Returns once every rank has called it.
    /// - Throws: ``DistributedError`` if the transport fails.
    func barrier() throws

    /// Ends this process and every other process of the job with `status` (for a failure on
    /// one rank, which the others would otherwise wait for forever).
    func abort(status: Int32) -> Never

    /// Ends the job's communication after a successful run; call it once, on every rank,
    /// before exiting with status 0. A process that exits without it, or calls ``abort(status:)``,
    /// makes `mpirun` end the whole job with a non-zero status.
    /// - Throws: ``DistributedError`` if the transport fails.
    func finish() throws
}

extension Communicator {
    /// Whether this is rank 0, the rank that prints, logs and writes files.
    public var isRoot: Bool { rank == 0 }

    /// Replaces `values` (`[n]`, the same `n` on every rank) by the element-wise sum over the
    /// ranks, added in rank order.
    /// - Throws: ``DistributedError`` if the transport fails.
    public func allReduceSum(_ values: inout [Float]) throws {
        try values.withUnsafeMutableBufferPointer { try allReduceSum($0) }
    }

    /// Replaces `values` (`[n]`) by the element-wise sum over the ranks, added in rank order.
    /// - Throws: ``DistributedError`` if the transport fails.
    public func allReduceSum(_ values: inout [Double]) throws {
        try values.withUnsafeMutableBufferPointer { try allReduceSum($0) }
    }

    /// Replaces `values` (`[n]`, the same `n` on every rank) by rank `root`'s.
    /// - Throws: ``DistributedError`` for a root outside `0..<size` or a transport failure.
    public func broadcast(_ values: inout [Float], root: Int = 0) throws {
        try values.withUnsafeMutableBytes { try broadcast($0, root: root) }
    }

    /// Replaces `values` (`[n]`, the same `n` on every rank) by rank `root`'s.
    /// - Throws: ``DistributedError`` for a root outside `0..<size` or a transport failure.
    public func broadcast(_ values: inout [Double], root: Int = 0) throws {
        try values.withUnsafeMutableBytes { try broadcast($0, root: root) }
    }

    /// Throws unless `root` is a rank.
    func checkRoot(_ root: Int, operation: String) throws {
        guard (0..<size).contains(root) else {
            throw DistributedError.invalidArgument(
                operation: operation, reason: "root \(root) is not a rank of 0..<\(size)")
        }
    }
}
