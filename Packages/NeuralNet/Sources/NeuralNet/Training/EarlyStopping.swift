import TensorMath

/// Stops training when a monitored metric has not improved for `patience` epochs, keeping a
/// copy of the best weights to restore (Keras's `EarlyStopping` semantics).
///
/// A value improves on the best when it is lower by more than `minDelta` (mode
/// ``Mode/minimize``, for losses) or higher by more than `minDelta` (``Mode/maximize``, for
/// accuracies). The first value always improves. After `patience` consecutive epochs without
/// improvement ``update(_:epoch:model:)`` answers ``Decision/stop``.
///
/// ```swift
/// var stopper = try EarlyStopping(patience: 3, minDelta: 1e-3, restoreBest: true)
/// for epoch in 0..<100 {
///     ...
///     if stopper.update(validationLoss, epoch: epoch, model: model) == .stop {
///         try stopper.restoreBestWeights(into: model)
///         break
///     }
/// }
/// ```
/// ``state`` is Codable and ``bestWeights`` are plain tensors, so both go into a training
/// checkpoint and ``restore(state:bestWeights:)`` resumes exactly.
public struct EarlyStopping: Sendable {
    /// Whether smaller or larger values are better.
    public enum Mode: String, Codable, Sendable {
        /// Smaller is better (losses).
        case minimize = "min"
        /// Larger is better (accuracies).
        case maximize = "max"
    }

    /// What an ``update(_:epoch:model:)`` concluded.
    public enum Decision: String, Equatable, Sendable {
        /// The value is the new best.
        case improved
        /// No improvement, but patience remains.
        case noImprovement
        /// No improvement for `patience` epochs: stop training.
        case stop
    }

    /// The bookkeeping saved in checkpoints.
    public struct State: Codable, Equatable, Sendable {
        /// The best value so far, `nil` before the first update.
        public var bestValue: Double?
        /// The epoch of ``bestValue``.
        public var bestEpoch: Int?
        /// Consecutive epochs without improvement.
        public var epochsWithoutImprovement: Int
        /// Whether a ``Decision/stop`` was given.
        public var stopped: Bool

        /// Creates a state; the defaults are the state before the first update.
        public init(
            bestValue: Double? = nil, bestEpoch: Int? = nil, epochsWithoutImprovement: Int = 0,
            stopped: Bool = false
        ) {
            self.bestValue = bestValue
            self.bestEpoch = bestEpoch
            self.epochsWithoutImprovement = epochsWithoutImprovement
            self.stopped = stopped
        }
    }

    /// Epochs without improvement tolerated before stopping (≥ 0).
    public let patience: Int
    /// The smallest change that counts as an improvement (≥ 0).
    public let minDelta: Double
    /// Whether smaller or larger is better.
    public let mode: Mode
    /// Whether the best weights are kept (a copy of the model's `stateDictionary` at each
    /// improvement) for ``restoreBestWeights(into:)``.
    public let restoreBest: Bool
    /// The current bookkeeping.
    public private(set) var state = State()
    /// The model's state dictionary at the best epoch, when ``restoreBest`` is set and a model
    /// was passed to ``update(_:epoch:model:)``.
    public private(set) var bestWeights: [String: Tensor]?

    /// Creates an early-stopping rule.
    /// - Parameters:
    ///   - patience: Epochs without improvement before stopping; default 5.
    ///   - minDelta: Minimum improvement; default 0.
    ///   - mode: Default ``Mode/minimize``.
    ///   - restoreBest: Keep the best weights; default true.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` for a negative patience or a
    ///   negative or non-finite `minDelta`.
    public init(
        patience: Int = 5, minDelta: Double = 0, mode: Mode = .minimize, restoreBest: Bool = true
    ) throws {
        try require(patience >= 0, "EarlyStopping: patience must be ≥ 0, got \(patience)")
        try require(
            minDelta.isFinite && minDelta >= 0,
            "EarlyStopping: minDelta must be finite and ≥ 0, got \(minDelta)")
        self.patience = patience
        self.minDelta = minDelta
        self.mode = mode
        self.restoreBest = restoreBest
    }

    /// Whether `value` improves on the best so far (always true for the first value; never for
    /// NaN).
    public func isImprovement(_ value: Double) -> Bool {
        guard !value.isNaN else { return false }
        guard let best = state.bestValue else { return true }
        switch mode {
        case .minimize: return value < best - minDelta
        case .maximize: return value > best + minDelta
        }
    }

    /// Records the metric of an epoch and decides whether to stop.
    /// - Parameters:
    ///   - value: The monitored metric.
    ///   - epoch: The epoch it belongs to.
    ///   - model: If given and ``restoreBest`` is set, its weights are copied on improvement.
    @discardableResult
    public mutating func update(_ value: Double, epoch: Int, model: Layer? = nil) -> Decision {
        if isImprovement(value) {
            state.bestValue = value
            state.bestEpoch = epoch
            state.epochsWithoutImprovement = 0
            if restoreBest, let model { bestWeights = model.stateDictionary }
            return .improved
        }
        state.epochsWithoutImprovement += 1
        if state.epochsWithoutImprovement >= patience {
            state.stopped = true
            return .stop
        }
        return .noImprovement
    }

    /// Whether a stop was decided.
    public var shouldStop: Bool { state.stopped }

    /// Loads the best weights into `model`.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` when no weights were kept, or the
    ///   model's strict loading error.
    public func restoreBestWeights(into model: Layer) throws {
        guard let bestWeights else {
            throw NeuralNetError.invalidConfiguration(
                "EarlyStopping: no best weights were kept (restoreBest \(restoreBest))")
        }
        try model.loadStateDictionary(bestWeights)
    }

    /// Restores bookkeeping and best weights saved from ``state`` and ``bestWeights``.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` for an inconsistent state (a
    ///   negative count, a best epoch without a best value).
    public mutating func restore(state: State, bestWeights: [String: Tensor]?) throws {
        try require(
            state.epochsWithoutImprovement >= 0
                && (state.bestValue != nil
                    || state.bestEpoch == nil),
            "EarlyStopping: inconsistent saved state \(state)")
        self.state = state
        self.bestWeights = bestWeights
    }
}
