#if os(Linux)
import CTensorKernels
import Glibc
import Synchronization

/// The threads that run the items of ``Parallel`` loops and of large ``BLAS`` products.
///
/// The kernels call it thousands of times a second with work of tens of microseconds, about
/// what waking a sleeping Dispatch worker costs, so the workers poll for the next call for a
/// short while (with the CPU's spin-wait hint, never giving the core away) before they sleep
/// on a condition variable.
///
/// Items are claimed one at a time by the calling thread and the workers alike, rather than
/// split into equal shares in advance: when another process takes a worker's core, the
/// caller runs the items the worker does not get to, and waits only for the items already
/// started. (Equal shares made every call wait for the slowest thread; one busy process at
/// nice 19 slowed two-thread training five-fold.) The caller claims from the front and the
/// workers from the back, so that with two threads each keeps to its own end of the samples
/// from one call to the next, and a layer reads what the same core wrote in the layer before:
/// on a virtual machine whose two cores at times shared no cache (a cache line's round trip
/// between them 3–5 times longer), two-thread LeNet-5 training ran no faster than one thread
/// when the items went to whichever thread came first. Which thread runs an item never
/// changes its result: each item writes its own output.
///
/// One call runs at a time; a caller that finds the pool busy (a nested call, or another
/// thread's) runs its items itself.
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool()

    /// Polls (each with the spin-wait hint) before an idle worker sleeps: about 0.1–1 ms.
    private static let spinLimit = 1 << 13

    /// One call's items. Workers reach it through `current`, under the mutex.
    private final class Job: @unchecked Sendable {
        /// Cleared once every item is done, before `run` returns.
        var body: ((Int) -> Void)?
        let count: Int
        /// Workers with an index above this stay out (the caller asked for fewer threads).
        let helpers: Int
        /// The items not claimed yet, `front..<back`, as `front | back << 32`.
        let unclaimed: Atomic<UInt64>
        let done = Atomic<Int>(0)

        init(body: @escaping (Int) -> Void, count: Int, helpers: Int) {
            (self.body, self.count, self.helpers) = (body, count, helpers)
            unclaimed = Atomic(UInt64(count) << 32)
        }

        /// Claims and runs items until none is left: from the front (the caller) or from the
        /// back (the workers). They count as done all at once, when this thread finds no item
        /// left (one write to the shared counter per thread rather than one per item).
        func work(fromBack: Bool) {
            var ran = 0
            while let item = claim(fromBack: fromBack) {
                runItem(item)
                ran += 1
            }
            if ran > 0 { done.add(ran, ordering: .releasing) }
        }

        /// The first or the last unclaimed item, now claimed; nil when none is left.
        private func claim(fromBack: Bool) -> Int? {
            var state = unclaimed.load(ordering: .relaxed)
            while true {
                let (front, back) = (state & 0xFFFF_FFFF, state >> 32)
                guard front < back else { return nil }
                let claimed = fromBack ? front | (back - 1) << 32 : (front + 1) | back << 32
                let (exchanged, original) = unclaimed.compareExchange(
                    expected: state, desired: claimed, ordering: .relaxed)
                if exchanged { return Int(fromBack ? back - 1 : front) }
                state = original
            }
        }

        /// Calls `body` in its own frame, so that the worker's hold on the closure ends before
        /// the item counts as done (`run`'s `withoutActuallyEscaping` checks that none is left).
        @inline(never)
        private func runItem(_ item: Int) {
            body.unsafelyUnwrapped(item)
        }
    }

    /// Incremented for every call; workers wait for it to change.
    private let generation = Atomic<Int>(0)
    /// Set while a caller owns the workers.
    private let busy = Atomic<Bool>(false)
    /// Guards `current`, the worker count and sleeping workers' condition variable.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let wakeup: UnsafeMutablePointer<pthread_cond_t>
    private var workerCount = 0
    private var current: Job?

    private init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        wakeup = .allocate(capacity: 1)
        wakeup.initialize(to: pthread_cond_t())
        pthread_cond_init(wakeup, nil)
    }

    /// Calls `body(i)` once for every `i` in `0..<items`, on the calling thread and up to
    /// `threads − 1` workers; returns when all calls are done. (Counts above 2³² − 1, which
    /// no caller comes near, run on the calling thread.)
    func run(items: Int, threads: Int, _ body: (Int) -> Void) {
        guard items > 1, items <= Int(UInt32.max), threads > 1,
            busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        else {
            for item in 0..<items { body(item) }
            return
        }
        defer { busy.store(false, ordering: .releasing) }
        ensureWorkers(threads - 1)
        withoutActuallyEscaping(body) { body in
            let job = Job(body: body, count: items, helpers: threads - 1)
            pthread_mutex_lock(mutex)
            current = job
            generation.add(1, ordering: .releasing)
            pthread_cond_broadcast(wakeup)
            pthread_mutex_unlock(mutex)
            job.work(fromBack: false)
            // Only items a worker has claimed remain; they are running.
            while job.done.load(ordering: .acquiring) < items { swiftcnn_cpu_relax() }
            pthread_mutex_lock(mutex)
            current = nil
            job.body = nil
            pthread_mutex_unlock(mutex)
        }
    }

    /// Starts workers until there are `count`.
    private func ensureWorkers(_ count: Int) {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while workerCount < count {
            workerCount += 1
            let context = Unmanaged.passRetained(
                WorkerContext(
                    pool: self, index: workerCount,
                    seen: generation.load(ordering: .acquiring)))
            var thread = pthread_t()
            let status = pthread_create(
                &thread, nil,
                { raw in
                    let context = Unmanaged<WorkerContext>.fromOpaque(raw!).takeRetainedValue()
                    context.pool.workerLoop(index: context.index, seen: context.seen)
                }, context.toOpaque())
            if status == 0 {
                pthread_detach(thread)
            } else {
                context.release()
                workerCount -= 1
                return
            }
        }
    }

    private final class WorkerContext {
        let pool: WorkerPool, index: Int, seen: Int
        init(pool: WorkerPool, index: Int, seen: Int) {
            (self.pool, self.index, self.seen) = (pool, index, seen)
        }
    }

    private func workerLoop(index: Int, seen start: Int) -> Never {
        var seen = start
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                spins += 1
                if spins < Self.spinLimit {
                    swiftcnn_cpu_relax()
                    continue
                }
                pthread_mutex_lock(mutex)
                while generation.load(ordering: .acquiring) == seen {
                    pthread_cond_wait(wakeup, mutex)
                }
                pthread_mutex_unlock(mutex)
            }
            seen = generation.load(ordering: .acquiring)
            pthread_mutex_lock(mutex)
            let job = current
            pthread_mutex_unlock(mutex)
            // A worker that wakes after the call ended finds no job, or no item left.
            if let job, index <= job.helpers { job.work(fromBack: true) }
        }
    }
}
#endif
