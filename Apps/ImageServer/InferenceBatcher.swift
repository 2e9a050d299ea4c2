import Datasets
import Foundation
import ImageClassification
import TensorMath

/// The one thread that runs a model's network: requests hand it prepared images (decoded and
/// preprocessed in their own tasks, in parallel) and it runs them in as few forward passes as
/// it can (dynamic batching).
///
/// Layers write per-layer state in `forward` (caches for backward, cleared in inference mode;
/// convolution scratch buffers), so a network must never run two passes at once: every pass of
/// a model, batched classification and single-image traces alike, runs on this thread.
///
/// A request announces itself when it is admitted (``expect()``), before its body is read,
/// and its ``Ticket`` is spent when its images join the queue. When the first images of a
/// batch are queued, the thread waits for more only while announced requests are still on
/// their way, and at most the batching window after the first arrived, or until `maxBatch`
/// images are queued; then it runs them all in one pass. A lone request therefore never waits
/// for the window, and under load requests share passes. While a pass runs, the next requests
/// queue and form the next batch.
///
/// A job may carry a deadline: one still queued when it passes fails with ``DeadlinePassed``
/// (checked whenever the thread waits or takes a batch, so a job queued behind a running pass
/// fails when that pass ends); a job whose pass has started is answered.
final class InferenceBatcher: @unchecked Sendable {
    /// A job's deadline passed while it was queued.
    struct DeadlinePassed: Error {}

    /// What a classification job gets back.
    struct Outcome: Sendable {
        /// Each image's class probabilities, in class order.
        var probabilities: [[Float]]
        /// How many images the forward pass held (this job's and others').
        var batchSize: Int
        /// Seconds from queueing to the start of the pass.
        var queueSeconds: Double
        /// Seconds of the pass (stacking, forward, softmax).
        var inferenceSeconds: Double
    }

    /// A traced single-image pass, for `:visualize`.
    struct TraceOutcome {
        var trace: ClassificationTrace
        var queueSeconds: Double
        var inferenceSeconds: Double
    }

    private enum Work {
        case classify([Image], CheckedContinuation<Outcome, Error>)
        case trace(Image, CheckedContinuation<TraceOutcome, Error>)

        var imageCount: Int {
            if case .classify(let images, _) = self { return images.count }
            return 1
        }

        func fail(_ error: Error) {
            switch self {
            case .classify(_, let continuation): continuation.resume(throwing: error)
            case .trace(_, let continuation): continuation.resume(throwing: error)
            }
        }
    }

    private struct Job {
        var id: UInt64
        var work: Work
        var queued: Double
        /// When the job fails with ``DeadlinePassed`` if still queued, on ``now()``'s clock.
        var deadline: Double
    }

    private let classifier: ImageClassifier
    private let maxBatch: Int
    private let window: Double
    private let onBatch: @Sendable (Int) -> Void
    private let condition = NSCondition()
    private var pending: [Job] = []
    /// Requests announced by ``expect()`` whose images have not joined the queue.
    private var expected = 0
    /// Set by ``stop()``: the thread ends once the queue is empty.
    private var stopped = false
    private var nextID: UInt64 = 0

    /// Creates the batcher of `classifier` and starts its thread.
    /// - Parameters:
    ///   - maxBatch: The most images in one pass (1: no batching).
    ///   - window: Seconds to wait for more images after the first of a batch (0: none).
    ///   - onBatch: Called with each pass's image count (for the batch-size histogram).
    init(
        classifier: ImageClassifier, maxBatch: Int, window: Double,
        onBatch: @escaping @Sendable (Int) -> Void
    ) {
        self.classifier = classifier
        self.maxBatch = max(1, maxBatch)
        self.window = max(0, window)
        self.onBatch = onBatch
        let thread = Thread { [self] in self.loop() }
        thread.name = "classify-batcher"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// A request's announcement (``expect()``): spent when its images are queued, or
    /// withdrawn by ``settle(_:)`` when it ends without queueing any.
    final class Ticket: @unchecked Sendable {
        /// Whether the ticket still counts in ``InferenceBatcher/expected``; guarded by the
        /// batcher's lock.
        fileprivate var open = true
    }

    /// Announces a request that will queue images soon (call it when the request is admitted,
    /// before reading its body), so that a batch waits for it.
    func expect() -> Ticket {
        condition.withLock { expected += 1 }
        return Ticket()
    }

    /// Withdraws `ticket` if it was not spent (the request failed before queueing images).
    func settle(_ ticket: Ticket) {
        condition.withLock { spend(ticket) }
    }

    /// Marks `ticket` spent; wakes the thread, which may stop waiting for it. Under the lock.
    private func spend(_ ticket: Ticket?) {
        guard let ticket, ticket.open else { return }
        ticket.open = false
        expected -= 1
        condition.signal()
    }

    /// Runs `images` (prepared by the model's pipeline) in a forward pass, with others if they
    /// arrive within the window; returns their probabilities. Cancelling the calling task
    /// removes the images from the queue if their pass has not started.
    /// - Parameters:
    ///   - ticket: The request's announcement, spent now.
    ///   - deadline: When the job gives up if its pass has not started (``now()``'s clock).
    /// - Throws: ``DeadlinePassed``, `CancellationError`, or the pass's error.
    func classify(
        _ images: [Image], ticket: Ticket? = nil, deadline: Double = .infinity
    ) async throws -> Outcome {
        try await submit(ticket, deadline: deadline) { .classify(images, $0) }
    }

    /// Runs one prepared image alone, recording every layer's output.
    func trace(
        _ image: Image, ticket: Ticket? = nil, deadline: Double = .infinity
    ) async throws -> TraceOutcome {
        try await submit(ticket, deadline: deadline) { .trace(image, $0) }
    }

    private func submit<T>(
        _ ticket: Ticket?, deadline: Double, _ make: (CheckedContinuation<T, Error>) -> Work
    ) async throws -> T {
        let id: UInt64 = condition.withLock {
            nextID += 1
            return nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                condition.withLock {
                    spend(ticket)
                    if Task.isCancelled || stopped {
                        continuation.resume(throwing: CancellationError())
                        return
                    }
                    let now = Self.now()
                    guard now < deadline else {
                        continuation.resume(throwing: DeadlinePassed())
                        return
                    }
                    pending.append(
                        Job(id: id, work: make(continuation), queued: now, deadline: deadline))
                    condition.signal()
                }
            }
        } onCancel: {
            cancel(id)
        }
    }

    /// Removes job `id` from the queue, if it is still there, failing it.
    private func cancel(_ id: UInt64) {
        let removed: Job? = condition.withLock {
            guard let index = pending.firstIndex(where: { $0.id == id }) else { return nil }
            return pending.remove(at: index)
        }
        removed?.work.fail(CancellationError())
    }

    /// Ends the thread once the jobs already queued have run (when the server has stopped);
    /// later jobs fail.
    func stop() {
        condition.withLock {
            stopped = true
            condition.signal()
        }
    }

    /// The thread: takes a batch, runs it, until stopped.
    private func loop() {
        while let batch = nextBatch() {
            run(batch)
        }
    }

    /// Waits for work, then for the window, and takes the jobs of the next pass: one trace,
    /// or classification jobs up to `maxBatch` images (at least one job); `nil` once stopped
    /// with nothing queued. Jobs whose deadline passed fail on the way.
    private func nextBatch() -> [Job]? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            while pending.isEmpty {
                if stopped { return nil }
                condition.wait()
            }
            failExpired()
            guard !pending.isEmpty else { continue }
            if case .trace = pending[0].work { return [pending.removeFirst()] }
            let windowEnd = pending[0].queued + window
            while queuedImages() < maxBatch, expected > 0, Self.now() < windowEnd {
                let until = Swift.min(windowEnd, pending.lazy.map(\.deadline).min() ?? windowEnd)
                _ = condition.wait(until: Date(timeIntervalSinceNow: until - Self.now()))
                failExpired()
                if pending.isEmpty { break }  // cancelled or expired while waiting
            }
            guard !pending.isEmpty else { continue }
            var batch: [Job] = []
            var images = 0
            while let job = pending.first, case .classify(let list, _) = job.work,
                batch.isEmpty || images + list.count <= maxBatch
            {
                batch.append(pending.removeFirst())
                images += list.count
            }
            if batch.isEmpty { continue }
            return batch
        }
    }

    /// Fails and removes the queued jobs whose deadline has passed. Under the lock.
    private func failExpired() {
        let now = Self.now()
        guard pending.contains(where: { $0.deadline <= now }) else { return }
        for job in pending where job.deadline <= now { job.work.fail(DeadlinePassed()) }
        pending.removeAll { $0.deadline <= now }
    }

    /// The images of the classification jobs at the front of the queue.
    private func queuedImages() -> Int {
        var count = 0
        for job in pending {
            guard case .classify(let images, _) = job.work else { break }
            count += images.count
        }
        return count
    }

    /// Runs one pass and answers its jobs.
    private func run(_ batch: [Job]) {
        let start = Self.now()
        if batch.count == 1, case .trace(let image, let continuation) = batch[0].work {
            onBatch(1)
            do {
                let trace = try classifier.trace(prepared: image)
                continuation.resume(
                    returning: TraceOutcome(
                        trace: trace, queueSeconds: start - batch[0].queued,
                        inferenceSeconds: Self.now() - start))
            } catch {
                continuation.resume(throwing: error)
            }
            return
        }
        var images: [Image] = []
        for job in batch {
            if case .classify(let list, _) = job.work { images += list }
        }
        onBatch(images.count)
        let rows: [[Float]]
        do {
            let probabilities = try classifier.probabilities(prepared: images)
            let classes = probabilities.shape[1]
            rows = probabilities.withUnsafeBufferPointer { values in
                (0..<images.count).map { Array(values[($0 * classes)..<(($0 + 1) * classes)]) }
            }
        } catch {
            for job in batch { job.work.fail(error) }
            return
        }
        let inference = Self.now() - start
        var offset = 0
        for job in batch {
            guard case .classify(let list, let continuation) = job.work else { continue }
            continuation.resume(
                returning: Outcome(
                    probabilities: Array(rows[offset..<(offset + list.count)]),
                    batchSize: images.count, queueSeconds: start - job.queued,
                    inferenceSeconds: inference))
            offset += list.count
        }
    }

    /// Seconds on a monotonic clock.
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
