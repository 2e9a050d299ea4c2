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
