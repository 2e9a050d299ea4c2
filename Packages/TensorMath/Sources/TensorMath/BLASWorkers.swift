#if os(Linux)
import Glibc
import Synchronization

/// The threads that compute the blocks of one large ``BLAS`` product.
///
/// GEMMs of a network's Linear layers take tens of microseconds, about what waking a
/// sleeping Dispatch worker costs, so splitting them over Dispatch gained nothing. These
/// workers spin for a short while after each product, waiting for the next one (yielding
/// the core now and then), before they sleep on a condition variable. One product runs at a
/// time; a caller that finds the workers busy computes its blocks itself (the same blocks,
/// so the same result).
final class BLASWorkers: @unchecked Sendable {
    static let shared = BLASWorkers()

    /// Spin iterations (atomic loads, with a `sched_yield` every 64) before a worker sleeps.
    private static let spinLimit = 20_000

    /// Incremented for every product; workers wait for it to change.
    private let generation = Atomic<Int>(0)
    /// Workers still computing the current product.
    private let remaining = Atomic<Int>(0)
    /// Set while a caller owns the workers.
    private let busy = Atomic<Bool>(false)
    /// Guards sleeping workers' condition variable and the worker list.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let wakeup: UnsafeMutablePointer<pthread_cond_t>
    private var workerCount = 0
    /// The current product: `job(participant)` for participants `1…participants − 1`
    /// (the caller is participant 0). Written before `generation` is published.
    private var job: ((Int) -> Void)?
    private var participants = 0

    private init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        wakeup = .allocate(capacity: 1)
        wakeup.initialize(to: pthread_cond_t())
        pthread_cond_init(wakeup, nil)
    }

    /// Calls `body(t)` for `t` in `0..<threads`, `body(0)` on the calling thread, the rest on
    /// workers; returns when all are done. Runs everything on the calling thread when the
    /// workers are busy with another caller's product.
    func run(threads: Int, _ body: (Int) -> Void) {
        guard threads > 1,
            busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        else {
            for t in 0..<threads { body(t) }
            return
        }
        defer { busy.store(false, ordering: .releasing) }
        ensureWorkers(threads - 1)
        withoutActuallyEscaping(body) { body in
            job = body
            participants = threads
            remaining.store(workerCount, ordering: .relaxed)
            pthread_mutex_lock(mutex)
            generation.add(1, ordering: .releasing)
            pthread_cond_broadcast(wakeup)
            pthread_mutex_unlock(mutex)
            body(0)
            var spins = 0
            while remaining.load(ordering: .acquiring) > 0 {
                spins += 1
                if spins & 63 == 0 { sched_yield() }
            }
            job = nil
        }
    }

    /// Starts workers until there are `count`.
    private func ensureWorkers(_ count: Int) {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while workerCount < count {
            workerCount += 1
            let index = workerCount
            let seen = generation.load(ordering: .acquiring)
            let context = Unmanaged.passRetained(
                WorkerContext(pool: self, index: index, seen: seen))
            var thread = pthread_t()
            let status = pthread_create(
                &thread, nil,
                { raw in
                    let context = Unmanaged<WorkerContext>.fromOpaque(raw!).takeRetainedValue()
                    context.pool.workerLoop(index: context.index, seen: context.seen)
                    return nil
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
        let pool: BLASWorkers, index: Int, seen: Int
        init(pool: BLASWorkers, index: Int, seen: Int) {
            (self.pool, self.index, self.seen) = (pool, index, seen)
        }
    }

    private func workerLoop(index: Int, seen start: Int) -> Never {
        var seen = start
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                spins += 1
                // Yield now and then: on a loaded machine another thread may need the core.
                if spins & 63 == 0 { sched_yield() }
                if spins < Self.spinLimit { continue }
                pthread_mutex_lock(mutex)
                while generation.load(ordering: .acquiring) == seen {
                    pthread_cond_wait(wakeup, mutex)
                }
                pthread_mutex_unlock(mutex)
            }
            seen = generation.load(ordering: .acquiring)
            // Workers beyond this product's participants only report back.
            if index < participants, let job { job(index) }
            remaining.subtract(1, ordering: .releasing)
        }
    }
}
#endif
