/// The metrics of one finished epoch, as a ``Trainer`` records them in its history.
public struct EpochSummary: Codable, Equatable, Sendable {
    /// The epoch, counted from 0.
    public var epoch: Int
    /// The mean training loss over the epoch's samples.
    public var trainingLoss: Double
    /// The fraction of training samples predicted correctly (during training, so with the
    /// weights of the moment and training-mode layers).
    public var trainingAccuracy: Double
    /// The validation loss, when a validation set was evaluated.
    public var validationLoss: Double?
    /// The validation accuracy, when a validation set was evaluated.
    public var validationAccuracy: Double?
    /// The learning rate of the epoch's last step.
    public var learningRate: Float
    /// The number of training samples seen.
    public var samples: Int
    /// Wall-clock seconds spent on training steps (forward, loss, backward, update).
    public var seconds: Double

    /// Creates a summary.
    public init(
        epoch: Int, trainingLoss: Double, trainingAccuracy: Double, validationLoss: Double? = nil,
        validationAccuracy: Double? = nil, learningRate: Float, samples: Int, seconds: Double
    ) {
        self.epoch = epoch
        self.trainingLoss = trainingLoss
        self.trainingAccuracy = trainingAccuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.learningRate = learningRate
        self.samples = samples
        self.seconds = seconds
    }

    /// Training throughput: samples per second of training time.
    public var imagesPerSecond: Double { seconds > 0 ? Double(samples) / seconds : 0 }

    /// The value of a monitored metric, `nil` when it was not measured.
    public func value(of metric: MonitoredMetric) -> Double? {
        switch metric {
        case .trainingLoss: return trainingLoss
        case .trainingAccuracy: return trainingAccuracy
        case .validationLoss: return validationLoss
        case .validationAccuracy: return validationAccuracy
        }
    }

    /// The metrics by snake_case name (`train_loss`, `train_accuracy`, `validation_loss`,
    /// `validation_accuracy`, `learning_rate`, `images_per_second`, `seconds`), the form
    /// checkpoints and JSON reports store.
    public var metrics: [String: Double] {
        var result: [String: Double] = [
            MonitoredMetric.trainingLoss.rawValue: trainingLoss,
            MonitoredMetric.trainingAccuracy.rawValue: trainingAccuracy,
            "learning_rate": Double(learningRate),
            "images_per_second": imagesPerSecond,
            "seconds": seconds,
        ]
        if let validationLoss { result[MonitoredMetric.validationLoss.rawValue] = validationLoss }
        if let validationAccuracy {
            result[MonitoredMetric.validationAccuracy.rawValue] = validationAccuracy
        }
        return result
    }
}

/// A metric that early stopping and hyper-parameter search can monitor; raw values are the
/// snake_case names of ``EpochSummary/metrics``.
public enum MonitoredMetric: String, Codable, Sendable, CaseIterable {
    /// The mean training loss (lower is better).
    case trainingLoss = "train_loss"
    /// The training accuracy (higher is better).
    case trainingAccuracy = "train_accuracy"
    /// The validation loss (lower is better).
    case validationLoss = "validation_loss"
    /// The validation accuracy (higher is better).
    case validationAccuracy = "validation_accuracy"

    /// Whether smaller or larger values are better.
    public var mode: EarlyStopping.Mode {
        switch self {
        case .trainingLoss, .validationLoss: return .minimize
        case .trainingAccuracy, .validationAccuracy: return .maximize
        }
    }

    /// Whether the metric needs a validation set.
    public var needsValidation: Bool { self == .validationLoss || self == .validationAccuracy }
}
