import Foundation
import TensorMath

/// Grid or random search over hyper-parameters: each trial is built and trained by a closure
/// the caller supplies, scored on a validation metric, optionally stopped early; the result
/// lists every trial, best first.
///
/// Random search is seeded: the same seed gives the same configurations and the same
/// per-trial seeds (``TrialContext/seed``), so a search is reproducible.
///
/// ```swift
/// let search = try HyperparameterSearch(
///     space: SearchSpace([("learning_rate", .logUniform(1e-3...0.3)),
///                         ("width", .choices([32, 64]))]),
///     strategy: .random(trials: 8), objective: .validationAccuracy, seed: 42,
///     earlyStopping: EarlyStopping(patience: 2, mode: .maximize))
/// let result = try search.run { hyperparameters, context in
///     var generator = context.generator()
///     let model = makeModel(width: try hyperparameters.int("width"), generator: &generator)
///     let trainer = Trainer(model: model, optimizer: try SGD(
///         model, learningRate: try hyperparameters.float("learning_rate")))
///     return try context.fit(trainer, epochs: 10, training: { _ in trainBatches },
///                            validation: { validationBatches })
/// }
/// print(result)   // a table of trials, best first
/// ```
public struct HyperparameterSearch: Sendable {
    /// How configurations are chosen.
    public enum Strategy: Codable, Hashable, Sendable {
        /// Every combination of the space's grid values, in order.
        case grid
        /// `trials` configurations sampled from the space with the search's seed.
        case random(trials: Int)
    }

    /// The hyper-parameters and their domains.
    public var space: SearchSpace
    /// Grid or random.
    public var strategy: Strategy
    /// The metric that scores a trial; its mode decides whether higher or lower is better.
    public var objective: MonitoredMetric
    /// The seed of random sampling and of the per-trial seeds.
    public var seed: UInt64
    /// Early stopping applied to each trial (a fresh copy per trial) by
    /// ``TrialContext/fit(_:epochs:training:validation:hooks:)``; `nil` trains every
    /// trial for all its epochs.
    public var earlyStopping: EarlyStopping?

    /// Creates a search.
    /// - Parameters:
    ///   - space: The search space.
    ///   - strategy: ``Strategy/grid`` or ``Strategy/random(trials:)``.
    ///   - objective: Default ``MonitoredMetric/validationAccuracy``.
    ///   - seed: Default 0.
    ///   - earlyStopping: Default none; its mode must match the objective's.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` for a non-positive trial count,
    ///   a grid over a continuous domain, or an early-stopping mode that contradicts the
    ///   objective.
    public init(
        space: SearchSpace, strategy: Strategy, objective: MonitoredMetric = .validationAccuracy,
        seed: UInt64 = 0, earlyStopping: EarlyStopping? = nil
    ) throws {
        if case let .random(trials) = strategy {
            try require(trials > 0, "HyperparameterSearch: the number of trials must be positive")
        }
        if let earlyStopping {
            try require(
                earlyStopping.mode == objective.mode,
                "HyperparameterSearch: early stopping mode \(earlyStopping.mode.rawValue) "
                    + "contradicts the objective \(objective.rawValue)")
        }
        self.space = space
        self.strategy = strategy
        self.objective = objective
        self.seed = seed
        self.earlyStopping = earlyStopping
        _ = try configurations()
    }

    /// The configurations the search tries, in trial order.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` for a grid over a continuous
    ///   domain.
    public func configurations() throws -> [Hyperparameters] {
        switch strategy {
        case .grid:
            return try space.grid()
        case let .random(trials):
            var generator = Xoshiro256(seed: seed)
            return (0..<trials).map { _ in space.sample(using: &generator) }
        }
    }

    /// Thrown by a trial closure to end the search at once (a signal, say):
    /// ``HyperparameterSearch/run(completed:onTrial:_:)`` rethrows it without recording the trial, so that a later run with the
    /// finished trials as `completed` continues where this one stopped.
    public struct Stop: Error, Sendable {
        /// Why the search stops when it is not a signal (the data cannot be read, say), for
        /// the caller to report; `nil` for an interruption.
        public var reason: String?

        /// Creates the error.
        /// - Parameter reason: Why, if not an interruption; default `nil`.
        public init(reason: String? = nil) { self.reason = reason }
    }

    /// Runs every trial in order and ranks them.
    ///
    /// A trial that throws is recorded as failed (with the error's description) and the
    /// search continues, unless it throws ``Stop``.
    ///
    /// A resumed search passes the trials an earlier run finished (read back from
    /// where `onTrial` logged them): a trial of the same index and configuration
    /// (``Hyperparameters/hasSameValues(as:)``) is taken as it is instead of being run again.
    /// - Parameters:
    ///   - completed: Trials finished earlier; default none.
    ///   - onTrial: Called with every trial this call runs, as soon as it is done (to log it);
    ///     default nothing. Its errors end the search.
    ///   - trial: Builds, trains and scores a model for a configuration.
    /// - Returns: All trials (the completed ones included), best first, failed trials last.
    /// - Throws: Only for an invalid search (see ``configurations()``), ``Stop`` from `trial`,
    ///   and the errors of `onTrial`.
    public func run(
        completed: [Trial] = [], onTrial: (Trial) throws -> Void = { _ in },
        _ trial: (Hyperparameters, TrialContext) throws -> TrialOutcome
    ) throws -> SearchResult {
        let clock = ContinuousClock()
        var trials: [Trial] = []
        for (index, hyperparameters) in try configurations().enumerated() {
            if let done = completed.first(where: {
                $0.index == index && $0.hyperparameters.hasSameValues(as: hyperparameters)
            }) {
                trials.append(done)
                continue
            }
            var seeds = Xoshiro256(seed: seed, stream: UInt64(index) &+ 1)
            let context = TrialContext(
                index: index, seed: seeds.next(), objective: objective,
                earlyStopping: earlyStopping)
            let start = clock.now
            var record = Trial(index: index, hyperparameters: hyperparameters)
            do {
                let outcome = try trial(hyperparameters, context)
                record.score = outcome.score.isNaN ? nil : outcome.score
                record.epochs = outcome.epochs
                record.stoppedEarly = outcome.stoppedEarly
                record.history = outcome.history
                if outcome.score.isNaN { record.failure = "the score is NaN" }
            } catch let stop as Stop {
                throw stop
            } catch {
                record.failure = String(describing: error)
            }
            let elapsed = (clock.now - start).components
            record.seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
            trials.append(record)
            try onTrial(record)
        }
        return SearchResult(objective: objective, trials: trials)
    }
}

/// What a trial closure receives besides its configuration.
public struct TrialContext: Sendable {
    /// The trial's position in the search, from 0.
    public let index: Int
    /// A seed for the trial's model initialization and data order, derived from the search's
    /// seed and ``index``.
    public let seed: UInt64
    /// The metric that scores the trial.
    public let objective: MonitoredMetric
    /// The search's early stopping (a fresh copy), if any.
    public let earlyStopping: EarlyStopping?

    /// A generator seeded with ``seed``.
    public func generator() -> Xoshiro256 { Xoshiro256(seed: seed) }

    /// Trains with `trainer` for up to `epochs` epochs with the search's early stopping on the
    /// objective, and scores the trial with the objective's best value over the epochs (the
    /// weights early stopping restores).
    /// - Throws: As ``Trainer/fit(epochs:training:validation:hooks:)``; also
    ///   ``NeuralNetError/invalidConfiguration(_:)`` if no epoch was trained or the objective
    ///   needs a validation set that was not given.
    public func fit<Training: Sequence, Validation: Sequence>(
        _ trainer: Trainer, epochs: Int, training: (Int) throws -> Training,
        validation: (() throws -> Validation)?, hooks: TrainingHooks = TrainingHooks()
    ) throws -> TrialOutcome
    where Training.Element: LabeledBatch, Validation.Element: LabeledBatch {
        try require(
            validation != nil || !objective.needsValidation,
            "TrialContext.fit: the objective \(objective.rawValue) needs validation data")
        trainer.earlyStopping = earlyStopping
        trainer.monitor = objective
        let history = try trainer.fit(
            epochs: epochs, training: training, validation: validation, hooks: hooks)
        let values = history.compactMap { $0.value(of: objective) }
        guard let first = values.first else {
            throw NeuralNetError.invalidConfiguration("TrialContext.fit: no epoch was trained")
        }
        let best = values.dropFirst().reduce(first) {
            objective.mode == .minimize ? Swift.min($0, $1) : Swift.max($0, $1)
        }
        return TrialOutcome(
            score: best, epochs: history.count,
            stoppedEarly: trainer.earlyStopping?.shouldStop ?? false, history: history)
    }
}

/// What a trial reports: its score and how its training went.
public struct TrialOutcome: Codable, Equatable, Sendable {
    /// The trial's score on the search's objective (NaN marks the trial failed).
    public var score: Double
    /// The number of epochs trained.
    public var epochs: Int
    /// Whether early stopping ended the training.
    public var stoppedEarly: Bool
    /// The per-epoch metrics, if recorded.
    public var history: [EpochSummary]

    /// Creates an outcome.
    public init(
        score: Double, epochs: Int = 0, stoppedEarly: Bool = false,
        history: [EpochSummary] = []
    ) {
        self.score = score
        self.epochs = epochs
        self.stoppedEarly = stoppedEarly
        self.history = history
    }
}
