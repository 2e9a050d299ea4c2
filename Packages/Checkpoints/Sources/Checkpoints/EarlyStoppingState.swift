/// Early stopping's bookkeeping: the monitored metric, its best value so far and how long
/// it has not improved.
public struct EarlyStoppingState: Codable, Equatable, Sendable {
    /// Whether a larger or a smaller metric is better.
    public enum Goal: String, Codable, Sendable {
        /// Smaller is better (a loss).
        case minimize = "min"
        /// Larger is better (an accuracy).
        case maximize = "max"
    }

    /// The monitored metric's name (`validation_loss`).
    public var metric: String
    /// Whether the metric should go down or up.
    public var goal: Goal
    /// The best value so far; `nil` before the first evaluation.
    public var bestValue: Double?
    /// The epoch of ``bestValue``.
    public var bestEpoch: Int?
    /// Epochs since the last improvement.
    public var epochsWithoutImprovement: Int
    /// The number of epochs without improvement that stops the run.
    public var patience: Int

    /// Creates an early-stopping state.
    /// - Parameters:
    ///   - bestValue: Defaults to `nil`.
    ///   - bestEpoch: Defaults to `nil`.
    ///   - epochsWithoutImprovement: Defaults to 0.
    public init(
        metric: String, goal: Goal, patience: Int, bestValue: Double? = nil,
        bestEpoch: Int? = nil, epochsWithoutImprovement: Int = 0
    ) {
        self.metric = metric
        self.goal = goal
        self.patience = patience
        self.bestValue = bestValue
        self.bestEpoch = bestEpoch
        self.epochsWithoutImprovement = epochsWithoutImprovement
    }

    private enum CodingKeys: String, CodingKey {
        case metric, goal, patience
        case bestValue = "best_value"
        case bestEpoch = "best_epoch"
        case epochsWithoutImprovement = "epochs_without_improvement"
    }
}
