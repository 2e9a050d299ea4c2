import Dispatch

/// Deterministic data parallelism over both cores.
///
/// Work is split into chunks whose boundaries depend only on the problem size, never on the
/// number of threads, and each chunk writes its own disjoint output. Results are therefore
/// bit-identical whatever the thread count.
public enum Parallel {
    /// The number of worker threads used (at least 1). Defaults to the number of active
    /// processors; set the `SWIFTCNN_THREADS` environment variable to override it.
    public static let threadCount: Int = {
        if let text = getenvString("SWIFTCNN_THREADS"), let value = Int(text), value > 0 {
            return value
        }
        return max(1, ProcessInfoLite.activeProcessorCount)
    }()

    /// Calls `body` for every index in `0..<count`, spreading the calls over the worker threads.
    /// `body` must be safe to call concurrently for different indices.
    /// - Parameters:
    ///   - count: The number of indices; nothing happens for 0 or less.
    ///   - minimumWorkPerThread: Below `count < 2 * minimumWorkPerThread` the loop runs on the
    ///     calling thread, avoiding dispatch overhead on tiny problems.
    ///   - body: Called once with each index.
    public static func forEach(
        _ count: Int, minimumWorkPerThread: Int = 1, _ body: (Int) -> Void
    ) {
        guard count > 0 else { return }
        let threads = min(threadCount, count / max(1, minimumWorkPerThread))
        if threads <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        // Contiguous runs of indices, several per thread, claimed one at a time (see
        // WorkerPool): a thread that loses its core to another process leaves its runs to the
        // others. Each index is still processed exactly once by `body`, so neither the thread
        // count nor the runs change any result.
        let runs = Swift.min(count, threads * 8)
        let run: (Int) -> Void = { r in
            for i in (count * r / runs)..<(count * (r + 1) / runs) { body(i) }
        }
        #if os(Linux)
        // The pool's polling workers: waking a sleeping Dispatch thread costs about as much
        // as a small layer's whole kernel. A nested call (or one made while another thread
        // holds the workers) runs its indices on the calling thread.
        WorkerPool.shared.run(items: runs, threads: threads, run)
        #else
        withoutActuallyEscaping(run) { run in
            DispatchQueue.concurrentPerform(iterations: runs, execute: run)
        }
        #endif
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

private func getenvString(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    return String(cString: value)
}

private enum ProcessInfoLite {
    static var activeProcessorCount: Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
}
