/// Where a ``Trainer`` is in its run: the position, the running totals of the epoch in
/// progress, and the history of finished epochs. Codable, for training checkpoints.
public struct TrainerState: Codable, Equatable, Sendable {
    /// The epoch in progress (or next to start), counted from 0; equals the number of finished
    /// epochs at an epoch boundary.
    public var epoch: Int = 0
    /// The number of batches of ``epoch`` already trained on (0 at an epoch boundary). On
    /// resume, the trainer skips this many batches of the epoch's sequence, which must yield
    /// the same batches as before (same shuffle).
    public var batchCursor: Int = 0
    /// The number of optimizer steps since the start of the run.
    public var globalStep: Int = 0
    /// The summed loss (loss × batch size) of the epoch in progress.
    public var epochLossSum: Double = 0
    /// The correctly predicted samples of the epoch in progress.
    public var epochCorrect: Int = 0
    /// The samples of the epoch in progress.
    public var epochSamples: Int = 0
    /// The training seconds of the epoch in progress.
    public var epochSeconds: Double = 0
    /// The finished epochs, oldest first.
    public var history: [EpochSummary] = []

    /// The state at the start of a run.
    public init() {}

    /// Clears the running totals for a new epoch.
    mutating func startEpoch() {
        batchCursor = 0
        epochLossSum = 0
        epochCorrect = 0
        epochSamples = 0
        epochSeconds = 0
    }
}

extension TrainerState {
    /// Throws unless the state is one training can reach: counts not negative, the running
    /// totals consistent (correct ≤ samples, finite non-negative sums), no more finished-epoch
    /// summaries than epochs, and the batch cursor not ahead of the global step. A hand-edited
    /// or corrupt checkpoint is refused on resume instead of training from a nonsense position.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` naming the field and its value.
    public func validate() throws {
        func check(_ condition: Bool, _ field: String, _ value: Any, _ rule: String) throws {
            try require(
                condition, "Trainer.restore: the saved \(field) \(value) is impossible (\(rule))")
        }
        try check(epoch >= 0, "epoch", epoch, "it is never negative")
        try check(batchCursor >= 0, "batch cursor", batchCursor, "it is never negative")
        try check(globalStep >= 0, "global step", globalStep, "it is never negative")
        try check(
            batchCursor <= globalStep, "batch cursor", batchCursor,
            "more than the \(globalStep) steps taken in all")
        try check(epochSamples >= 0, "sample count", epochSamples, "it is never negative")
        try check(
            (0...max(epochSamples, 0)).contains(epochCorrect), "correct count", epochCorrect,
            "between 0 and the \(epochSamples) samples seen")
        try check(
            epochLossSum.isFinite && epochLossSum >= 0, "loss sum", epochLossSum,
            "finite and not negative")
        try check(
            epochSeconds.isFinite && epochSeconds >= 0, "epoch time", epochSeconds,
            "finite and not negative")
        try check(
            history.count <= epoch, "history of", "\(history.count) epochs",
            "more than the \(epoch) finished")
    }
}
