/// What a ``Trainer`` calls while it runs, for progress bars, interruption, logs, plots and
/// checkpoints. Every hook has a do-nothing default; combine two sets with ``followed(by:)``.
///
/// ```swift
/// let hooks = TrainingHooks(
///     onBatch: { progress in bar.update(progress) },
///     shouldStop: { interrupted },
///     onEpoch: { summary in try log.append(summary) })
/// try trainer.fit(epochs: 10, training: { loader.batches(epoch: $0) }, hooks: hooks)
/// ```
public struct TrainingHooks {
    /// Called with the epoch's number (from 0) before its first batch, also when a resumed
    /// epoch continues mid-way.
    public var onEpochStart: (_ epoch: Int) throws -> Void
    /// Called after every training batch.
    public var onBatch: (BatchProgress) throws -> Void
    /// Asked after every training batch (after ``onBatch``); `true` stops the run there, the
    /// epoch staying in progress so that a checkpoint resumes it exactly (Ctrl-C).
    public var shouldStop: () -> Bool
    /// Called after every finished epoch with its summary, validation included, after early
    /// stopping has seen it: the place to log and write checkpoints.
    public var onEpoch: (EpochSummary) throws -> Void

    /// Creates hooks; each defaults to doing nothing (``shouldStop`` to `false`).
    public init(
        onEpochStart: @escaping (_ epoch: Int) throws -> Void = { _ in },
        onBatch: @escaping (BatchProgress) throws -> Void = { _ in },
        shouldStop: @escaping () -> Bool = { false },
        onEpoch: @escaping (EpochSummary) throws -> Void = { _ in }
    ) {
        self.onEpochStart = onEpochStart
        self.onBatch = onBatch
        self.shouldStop = shouldStop
        self.onEpoch = onEpoch
    }

    /// These hooks, then `other`'s, for every event; the run stops when either asks to.
    public func followed(by other: TrainingHooks) -> TrainingHooks {
        let first = self
        return TrainingHooks(
            onEpochStart: {
                try first.onEpochStart($0); try other.onEpochStart($0)
            },
            onBatch: {
                try first.onBatch($0); try other.onBatch($0)
            },
            shouldStop: { first.shouldStop() || other.shouldStop() },
            onEpoch: {
                try first.onEpoch($0); try other.onEpoch($0)
            })
    }
}
