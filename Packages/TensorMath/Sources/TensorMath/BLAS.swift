import CTensorKernels
import Dispatch

#if canImport(Accelerate)
import Accelerate
#elseif canImport(COpenBLAS)
import COpenBLAS
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Single-precision matrix products. At ``vectorLevel`` 1 or 2 (x86-64 with AVX2 and FMA, or
/// AVX-512F) they run on TensorMath's own C kernels (`CTensorKernels`: AVX2 6x16 or AVX-512
/// 8x48 micro-kernels, chosen at run time). Only at level 0 (any other CPU, such as ARM64, or
/// `SWIFTCNN_VECTOR_LEVEL=0`) do they go through CBLAS: OpenBLAS on Linux, Accelerate on
/// Apple platforms. OpenBLAS is linked on Linux at every level, but computes nothing else.
///
/// Results never depend on the number of threads. OpenBLAS's own threading splits work in
/// ways that change the rounding with the thread count, so every GEMM call here, C kernel or
/// CBLAS, is single-threaded; ``sgemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``
/// instead splits large products into blocks of rows or columns whose boundaries depend
/// only on the sizes, and computes the blocks on ``threadCount`` threads. At level 0, OpenBLAS
/// picks its kernels for the processor, or those `OPENBLAS_CORETYPE` names; ``coreName``
/// reports which.
public enum BLAS {
    /// C = alpha·op(A)·op(B) + beta·C on row-major raw buffers.
    ///
    /// `op(A)` is `[m, k]` and `op(B)` is `[k, n]`; `A` is stored `[m, k]` (or `[k, m]` when
    /// `transposeA`) with row stride `lda`, likewise `B` with `ldb`, and `C` is `[m, n]` with
    /// row stride `ldc`. With `k == 0` the product is empty and `C` becomes `beta·C`; with
    /// `beta == 0`, `C` need not be initialized. The caller guarantees that the buffers are
    /// large enough for the sizes and strides, and that sizes fit in 32 bits.
    public static func sgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        splitProduct(m: m, n: n, k: k) { rows, columns in
            sgemmOnCallingThread(
                transposeA: transposeA, transposeB: transposeB, m: rows.count,
                n: columns.count, k: k, alpha: alpha,
                a: transposeA ? a + rows.lowerBound : a + rows.lowerBound * lda, lda: lda,
                b: transposeB ? b + columns.lowerBound * ldb : b + columns.lowerBound,
                ldb: ldb, beta: beta, c: c + rows.lowerBound * ldc + columns.lowerBound,
                ldc: ldc)
        }
    }

    /// Calls `body` with the rows and columns of each block of an `[m, n]` product with
    /// inner size `k` (as ``BlockPlan`` splits it), on ``threadCount`` threads.
    /// Column blocks start at multiples of `columnUnit` (a multiple of 16).
    static func splitProduct(
        m: Int, n: Int, k: Int, columnUnit: Int = 16,
        _ body: (_ rows: Range<Int>, _ columns: Range<Int>) -> Void
    ) {
        let blocks = BlockPlan(m: m, n: n, k: k, columnUnit: columnUnit)
        let threads = min(threadCount, blocks.count)
        func block(_ index: Int) {
            guard blocks.count > 1 else { return body(0..<m, 0..<n) }
            let start = index * blocks.size
            if blocks.splitsRows {
                body(start..<Swift.min(m, start + blocks.size), 0..<n)
            } else {
                body(0..<m, start..<Swift.min(n, start + blocks.size))
            }
        }
        guard threads > 1 else {
            for index in 0..<blocks.count { block(index) }
            return
        }
        // Each block is the same single-threaded call whichever thread runs it; the threads
        // claim blocks one at a time (WorkerPool).
        #if os(Linux)
        WorkerPool.shared.run(items: blocks.count, threads: threads, block)
        #else
        withoutActuallyEscaping(block) { block in
            DispatchQueue.concurrentPerform(iterations: blocks.count, execute: block)
        }
        #endif
    }

    /// The threads ``sgemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)`` uses
    /// for one large product (get and set), for benchmarks and determinism tests. Results do
    /// not depend on it. Defaults to ``Parallel/threadCount`` (set `SWIFTCNN_THREADS` to
    /// change it); values below 1 are treated as 1.
    public static var threadCount: Int {
        get { settings.withLock { $0.threadCount } }
        set { settings.withLock { $0.threadCount = max(1, newValue) } }
    }

    /// The vector level of TensorMath's own C kernels (`CTensorKernels`): 2 AVX-512F, 1 AVX2
    /// with FMA, 0 none (every CPU that is not x86-64, such as ARM64, and x86-64 without AVX2
    /// and FMA); at level 0 GEMMs go through CBLAS and convolutions through im2col.
    ///
    /// The widest level the processor runs, lowered by the environment variable
    /// `SWIFTCNN_VECTOR_LEVEL` (`0`, `1` or `2`), read once per process. Results are
    /// bit-identical for any thread count at a given level; they may differ in the last bits
    /// between levels.
    public static let vectorLevel = Int(swiftcnn_vector_level())

    /// The CBLAS kernels that serve GEMMs at ``vectorLevel`` 0: OpenBLAS's core name (for
    /// example "Haswell" or "SkylakeX"), or "Accelerate". At levels 1 and 2 they are not used
    /// (the C kernels are), but the name is still reported.
    public static var coreName: String {
        #if canImport(Accelerate)
        return "Accelerate"
        #else
        configureOnce()
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
        #endif
    }

    /// One single-threaded GEMM on the calling thread, unsplit (C kernels at ``vectorLevel``
    /// 1 or 2, CBLAS at 0): for kernels that already run on every core through
    /// ``Parallel/forEach(_:minimumWorkPerThread:_:)``.
    static func sgemmOnCallingThread(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            for row in 0..<m {
                let line = c + row * ldc
                if beta == 0 {
                    line.update(repeating: 0, count: n)
                } else if beta != 1 {
                    for j in 0..<n { line[j] *= beta }
                }
            }
            return
        }
        if vectorLevel > 0 {
            swiftcnn_sgemm(
                Int32(vectorLevel), transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha,
                a, lda, b, ldb, beta, c, ldc)
            return
        }
        configureOnce()
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            blasInt(m), blasInt(n), blasInt(k), alpha, a, blasInt(lda), b, blasInt(ldb),
            beta, c, blasInt(ldc))
    }

    // MARK: - Blocks

    /// How a product is split: into `count` blocks of `size` rows (or columns) of C, along
    /// its longer side. Each block repacks the other operand, so blocks stay wide.
    struct BlockPlan {
        /// Blocks get at least this many multiply-adds…
        static let minimumBlockWork = 1 << 19
        /// …and at least this many rows or columns (a multiple of the kernels' 16)…
        static let minimumBlockWidth = 32
        /// …and beyond `preferredBlocks` blocks (enough for two cores), at least this many:
        /// each block repacks the other operand, so narrow blocks spend their time packing.
        /// (On a 2-core Xeon at level 2, a 256³ product in 8 blocks of 32 columns ran at 150
        /// GFLOPS, in 2 blocks at 227; 512³ 169 → 234; LeNet-5's fc1 at batch 128, forward
        /// and backward, 150 → 209. On a 2-core AMD EPYC, Zen 4, blocks of at least 512
        /// columns instead of 128 — a 1024³ product in 2 blocks, not 8, each of which had
        /// packed all of A — gave 1024³ and 2048³ 2–10% more at one thread and 1.5–11% more
        /// at two, mostly; 256³ and 512³ within the noise.)
        static let preferredBlockWidth = 512
        static let preferredBlocks = 2
        static let maximumBlocks = 8

        let count: Int
        let size: Int
        let splitsRows: Bool

        /// Blocks of columns are a multiple of `columnUnit` wide, blocks of rows of 16.
        init(m: Int, n: Int, k: Int, columnUnit: Int = 16) {
            splitsRows = m > n
            let extent = splitsRows ? m : n
            let work = m.multipliedReportingOverflow(by: n).partialValue
                .multipliedReportingOverflow(by: Swift.max(k, 1)).partialValue
            var blocks = 1
            while blocks < Self.maximumBlocks, work / (blocks * 2) >= Self.minimumBlockWork,
                extent / (blocks * 2) >= Self.minimumBlockWidth,
                blocks < Self.preferredBlocks
                    || extent / (blocks * 2) >= Self.preferredBlockWidth
            {
                blocks *= 2
            }
            let raw = (extent + blocks - 1) / blocks
            let unit = splitsRows ? 16 : Swift.max(1, columnUnit)
            size = Swift.max(1, Swift.min(extent, (raw + unit - 1) / unit * unit))
            count = extent == 0 ? 1 : (extent + size - 1) / size
        }
    }

    // MARK: - Configuration

    struct Settings {
        var threadCount = Parallel.threadCount
        var configured = false
    }

    static let settings = Locked(Settings())

    /// Puts OpenBLAS in single-threaded mode once, before its first use. (A lock rather than
    /// a lazy global: the optimizer may drop an unused global's initialization.)
    static func configureOnce() {
        settings.withLock { settings in
            guard !settings.configured else { return }
            settings.configured = true
            #if !canImport(Accelerate)
            openblas_set_num_threads(1)
            // OpenBLAS started its thread pool when it was loaded; idle, the threads spin for
            // a while before sleeping, taking a core from the kernels' own workers. Stop them
            // (OpenBLAS restarts the pool by itself should anyone raise its thread count).
            let defaultHandle = UnsafeMutableRawPointer(bitPattern: 0)  // RTLD_DEFAULT
            if let shutdown = dlsym(defaultHandle, "blas_thread_shutdown_") {
                typealias Entry = @convention(c) () -> Int32
                _ = unsafeBitCast(shutdown, to: Entry.self)()
            }
            #endif
        }
    }

    /// A value guarded by a mutex (Foundation-free).
    final class Locked<Value>: @unchecked Sendable {
        private var value: Value
        private let mutex: UnsafeMutablePointer<pthread_mutex_t>

        init(_ value: Value) {
            self.value = value
            mutex = .allocate(capacity: 1)
            mutex.initialize(to: pthread_mutex_t())
            pthread_mutex_init(mutex, nil)
        }

        deinit {
            pthread_mutex_destroy(mutex)
            mutex.deallocate()
        }

        func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
            pthread_mutex_lock(mutex)
            defer { pthread_mutex_unlock(mutex) }
            return try body(&value)
        }
    }

    #if canImport(Accelerate)
    private static func blasInt(_ value: Int) -> Int32 { Int32(truncatingIfNeeded: value) }
    #else
    private static func blasInt(_ value: Int) -> blasint { blasint(truncatingIfNeeded: value) }
    #endif
}
