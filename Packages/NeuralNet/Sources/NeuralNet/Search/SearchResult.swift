import Foundation

/// One trial of a hyper-parameter search.
public struct Trial: Codable, Equatable, Sendable {
    /// The trial's position in the search, from 0.
    public var index: Int
    /// The configuration tried.
    public var hyperparameters: Hyperparameters
    /// The score on the objective, `nil` if the trial failed.
    public var score: Double?
    /// The number of epochs trained.
    public var epochs: Int = 0
    /// Whether early stopping ended the trial.
    public var stoppedEarly: Bool = false
    /// Why the trial failed (the error's description), if it did.
    public var failure: String?
    /// Wall-clock seconds the trial took.
    public var seconds: Double = 0
    /// The per-epoch metrics, if recorded.
    public var history: [EpochSummary] = []

    /// Creates a trial record.
    public init(index: Int, hyperparameters: Hyperparameters) {
        self.index = index
        self.hyperparameters = hyperparameters
    }
}

/// The outcome of a search: every trial, best first.
public struct SearchResult: Codable, Equatable, Sendable, CustomStringConvertible {
    /// The metric the trials were scored on.
    public var objective: MonitoredMetric
    /// All trials, best first (by score in the objective's direction, ties by index), failed
    /// trials last in index order.
    public var trials: [Trial]

    /// Creates a result, sorting `trials`.
    public init(objective: MonitoredMetric, trials: [Trial]) {
        self.objective = objective
        let better: (Double, Double) -> Bool = objective.mode == .minimize ? (<) : (>)
        self.trials = trials.sorted { a, b in
            switch (a.score, b.score) {
            case let (x?, y?): return x == y ? a.index < b.index : better(x, y)
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a.index < b.index
            }
        }
    }

    /// The best trial, `nil` if every trial failed.
    public var best: Trial? { trials.first { $0.score != nil } }

    /// The best configuration, `nil` if every trial failed.
    public var bestHyperparameters: Hyperparameters? { best?.hyperparameters }

    /// A table of the trials, best first: rank, trial, score, epochs, early stop, seconds,
    /// configuration (or the failure).
    public var description: String {
        let scoreWidth = max(objective.rawValue.count, 6)
        func left(_ text: String, _ width: Int) -> String {
            String(repeating: " ", count: max(0, width - text.count)) + text
        }
        var lines = [
            [
                "rank", "trial", left(objective.rawValue, scoreWidth), "epochs", "stopped",
                "seconds", "hyper-parameters",
            ].joined(separator: "  ")
        ]
        for (rank, trial) in trials.enumerated() {
            let score = trial.score.map { String(format: "%.4f", $0) } ?? "failed"
            let details =
                trial.failure.map { "\(trial.hyperparameters)  (\($0))" }
                ?? trial.hyperparameters.description
            lines.append(
                [
                    left(String(rank + 1), 4), left(String(trial.index), 5),
                    left(score, scoreWidth),
                    left(String(trial.epochs), 6), left(trial.stoppedEarly ? "yes" : "no", 7),
                    left(String(format: "%.1f", trial.seconds), 7), details,
                ].joined(separator: "  "))
        }
        return lines.joined(separator: "\n")
    }
}
