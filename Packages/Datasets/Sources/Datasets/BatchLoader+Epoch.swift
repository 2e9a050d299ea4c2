import Foundation
import TensorMath

extension BatchLoader {
    /// One pass over the data, as a sequence of ``Batch``es.
    ///
    /// With workers, background threads build batches ahead of the consumer, at most
    /// ``BatchLoader/prefetch`` (or the worker count, if larger) beyond the batch being
    /// consumed; batches come out in order. Samples that fail to load are left out of their
    /// batch and listed in its ``Batch/failures`` and in ``failures``; a batch whose samples
    /// all failed is skipped. A loader of a part of a ``Shard`` yields every batch, empty ones
    /// too (its share of a last batch smaller than the shard count may be empty), so that
    /// every process takes every step.
    public final class Epoch: Sequence, IteratorProtocol {
        private let loader: BatchLoader
        private let order: [Int]
        private let epochSeed: UInt64
        private let queue: PrefetchQueue?
        private var position = 0
        private let batchCount: Int
        /// Every failure so far in this epoch, each naming its file.
        public private(set) var failures: [DatasetError] = []

        init(loader: BatchLoader, epoch: Int) {
            self.loader = loader
            self.order = loader.order(epoch: epoch)
            self.epochSeed = loader.epochSeed(epoch)
            self.batchCount = loader.batchesPerEpoch
            if loader.workers > 0 && batchCount > 0 {
                let (loader, order, seed) = (loader, order, epochSeed)
                queue = PrefetchQueue(
                    count: batchCount, workers: Swift.min(loader.workers, batchCount),
                    window: Swift.max(loader.prefetch, loader.workers)
                ) { number in
                    loader.makeBatch(number, order: order, epochSeed: seed)
                }
            } else {
                queue = nil
            }
        }

        deinit { queue?.cancel() }

        /// The next batch in order, or `nil` after the last. Waits for a worker if the batch
        /// is not ready yet.
        public func next() -> Batch? {
            while position < batchCount {
                let number = position
                position += 1
                let batch =
                    queue?.take(number)
                    ?? loader.makeBatch(number, order: order, epochSeed: epochSeed)
                failures += batch.failures
                if batch.count > 0 || loader.shard.count > 1 { return batch }
            }
            return nil
        }
    }
}

/// Worker threads that build items `0..<count` ahead of a consumer, at most `window` beyond
/// the item being taken, handing them out in order.
final class PrefetchQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var ready: [Int: Batch] = [:]
    private var nextToBuild = 0
    private var taken = 0
    private var cancelled = false
    private let count: Int
    private let window: Int

    init(count: Int, workers: Int, window: Int, build: @escaping @Sendable (Int) -> Batch) {
        self.count = count
        self.window = window
        for _ in 0..<workers {
            let thread = Thread { [self] in self.work(build) }
            thread.name = "BatchLoader worker"
            thread.start()
        }
    }

    private func work(_ build: (Int) -> Batch) {
        while true {
            condition.lock()
            while !cancelled && nextToBuild < count && nextToBuild >= taken + window {
                condition.wait()
            }
            if cancelled || nextToBuild >= count {
                condition.unlock()
                return
            }
            let number = nextToBuild
            nextToBuild += 1
            condition.unlock()

            let batch = build(number)

            condition.lock()
            ready[number] = batch
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Item `number`, waiting until a worker has built it. Items must be taken in order.
    func take(_ number: Int) -> Batch {
        condition.lock()
        defer { condition.unlock() }
        while ready[number] == nil { condition.wait() }
        let batch = ready.removeValue(forKey: number)!
        taken = number + 1
        condition.broadcast()
        return batch
    }

    /// Stops the workers after the items they are building.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
