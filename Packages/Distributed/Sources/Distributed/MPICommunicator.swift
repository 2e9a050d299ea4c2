import CMPI

#if canImport(Glibc)
import Glibc
#endif

/// The processes started by Open MPI's `mpirun -np N`, over `MPI_COMM_WORLD`.
///
/// MPI is started once per process, by ``world()`` (``DistributedEnvironment/communicator()``
/// calls it when `mpirun` launched the process); MPI errors come back as
/// ``DistributedError/mpi(operation:code:message:)`` instead of ending the process. Only the
/// thread that started MPI may call it (`MPI_THREAD_FUNNELED`).
///
/// Sums never use `MPI_Allreduce` (whose order of additions depends on the library's algorithm
/// and so on the network): ``allReduceSum(_:)-(UnsafeMutableBufferPointer<Float>)`` splits the
/// buffer into `size` contiguous chunks, sends chunk `r` of every rank to rank `r`
/// (`MPI_Alltoallv`), where it is added in rank order 0, 1, …, N−1, and gathers the summed
/// chunks back on every rank (`MPI_Allgatherv`): a reduce-scatter and an all-gather, moving
/// `2 (N−1)/N` of the buffer per rank, like a ring all-reduce.
public final class MPICommunicator: Communicator {
    public let rank: Int
    public let size: Int
    private let comm: MPI_Comm

    private init(rank: Int, size: Int, comm: MPI_Comm) {
        self.rank = rank
        self.size = size
        self.comm = comm
    }

    /// The communicator of every process of the job, starting MPI on the first call
    /// (`MPI_Init_thread`, funneled) and making MPI return errors instead of aborting.
    /// - Throws: ``DistributedError/initialization(reason:)`` if MPI cannot start, or was
    ///   finished already.
    public static func world() throws -> MPICommunicator {
        try shared.withLock { shared in
            if let shared { return shared }
            var finalized: Int32 = 0
            MPI_Finalized(&finalized)
            guard finalized == 0 else {
                throw DistributedError.initialization(reason: "MPI was already finished")
            }
            var initialized: Int32 = 0
            MPI_Initialized(&initialized)
            if initialized == 0 {
                var provided: Int32 = 0
                let code = MPI_Init_thread(nil, nil, cmpi_thread_funneled(), &provided)
                guard code == cmpi_success() else {
                    throw DistributedError.initialization(
                        reason: "MPI_Init_thread returned \(code): \(errorString(code))")
                }
            }
            let comm = cmpi_comm_world()!
            try check(
                MPI_Comm_set_errhandler(comm, cmpi_errors_return()), "MPI_Comm_set_errhandler")
            var rank: Int32 = 0, size: Int32 = 0
            try check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank")
            try check(MPI_Comm_size(comm, &size), "MPI_Comm_size")
            let world = MPICommunicator(rank: Int(rank), size: Int(size), comm: comm)
            shared = world
            return world
        }
    }

    private static let shared = Locked<MPICommunicator?>(nil)

    public func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws {
        try deterministicSum(buffer, type: cmpi_float())
    }

    public func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) throws {
        try deterministicSum(buffer, type: cmpi_double())
    }

    public func broadcast(_ buffer: UnsafeMutableRawBufferPointer, root: Int) throws {
        try checkRoot(root, operation: "broadcast")
        guard buffer.count > 0, let base = buffer.baseAddress else { return }
        var offset = 0
        while offset < buffer.count {
            let count = min(buffer.count - offset, Self.maximumCount)
            try Self.check(
                MPI_Bcast(base + offset, Int32(count), cmpi_byte(), Int32(root), comm),
                "MPI_Bcast of \(buffer.count) bytes from rank \(root)")
            offset += count
        }
    }

    public func barrier() throws {
        try Self.check(MPI_Barrier(comm), "MPI_Barrier")
    }

    public func abort(status: Int32) -> Never {
        MPI_Abort(comm, status)
        exit(status)
    }

    public func finish() throws {
        var finalized: Int32 = 0
        MPI_Finalized(&finalized)
        guard finalized == 0 else { return }
        try Self.check(MPI_Finalize(), "MPI_Finalize")
    }

    /// The most elements one MPI call moves (its counts are 32-bit); longer buffers go in parts.
    static let maximumCount = 1 << 30

    /// The reduce-scatter and all-gather described above, in parts of at most
    /// ``maximumCount`` elements.
    private func deterministicSum<T: BinaryFloatingPoint>(
        _ buffer: UnsafeMutableBufferPointer<T>, type: MPI_Datatype
    ) throws {
        guard size > 1, let base = buffer.baseAddress else { return }
        var offset = 0
        while offset < buffer.count {
            let count = min(buffer.count - offset, Self.maximumCount)
            try sumPart(UnsafeMutableBufferPointer(start: base + offset, count: count), type: type)
            offset += count
        }
    }

    private func sumPart<T: BinaryFloatingPoint>(
        _ buffer: UnsafeMutableBufferPointer<T>, type: MPI_Datatype
    ) throws {
        let n = buffer.count, ranks = size
        let starts = (0...ranks).map { n * $0 / ranks }
        let counts = (0..<ranks).map { Int32(starts[$0 + 1] - starts[$0]) }
        let displacements = (0..<ranks).map { Int32(starts[$0]) }
        let mine = starts[rank]..<starts[rank + 1]
        let length = mine.count
        var received = [T](repeating: 0, count: length * ranks)
        try received.withUnsafeMutableBufferPointer { received in
            try Self.check(
                MPI_Alltoallv(
                    buffer.baseAddress, counts, displacements, type, received.baseAddress,
                    [Int32](repeating: Int32(length), count: ranks),
                    (0..<ranks).map { Int32($0 * length) }, type, comm),
                "MPI_Alltoallv (reduce-scatter of \(n) values)")
            for k in 0..<length {
                var sum = received[k]
                for r in 1..<ranks { sum += received[r * length + k] }
                buffer[mine.lowerBound + k] = sum
            }
        }
        try Self.check(
            MPI_Allgatherv(
                cmpi_in_place(), 0, type, buffer.baseAddress, counts, displacements, type, comm),
            "MPI_Allgatherv (all-gather of \(n) values)")
    }

    /// Throws ``DistributedError/mpi(operation:code:message:)`` for an MPI error code.
    static func check(_ code: Int32, _ operation: String) throws {
        guard code != cmpi_success() else { return }
        throw DistributedError.mpi(operation: operation, code: code, message: errorString(code))
    }

    /// MPI's explanation of an error code.
    static func errorString(_ code: Int32) -> String {
        var text = [CChar](repeating: 0, count: Int(cmpi_max_error_string()) + 1)
        var length: Int32 = 0
        guard MPI_Error_string(code, &text, &length) == cmpi_success() else {
            return "unknown error"
        }
        return String(
            decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
