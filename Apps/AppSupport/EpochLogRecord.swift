import NeuralNet

/// One line of a training run's JSON-lines log: an epoch's learning rate, training and
/// validation metrics, time and throughput. Keys are snake_case:
///
/// ```json
/// {"epoch":3,"images_per_second":2391.2,"learning_rate":0.0015,"seconds":23.0,
///  "train_accuracy":0.9912,"train_loss":0.0287,"validation_accuracy":0.9934,
///  "validation_loss":0.0219}
/// ```
public struct EpochLogRecord: Codable, Equatable, Sendable {
    /// The epoch, counted from 1 (as printed).
    public var epoch: Int
    /// The learning rate of the epoch's last step.
    public var learningRate: Double
    /// The mean training loss.
    public var trainLoss: Double
    /// The training accuracy, in [0, 1].
    public var trainAccuracy: Double
    /// The validation loss, `nil` without a validation set.
    public var validationLoss: Double?
    /// The validation accuracy, `nil` without a validation set.
    public var validationAccuracy: Double?
    /// Seconds of training steps in the epoch.
    public var seconds: Double
    /// Training images per second.
    public var imagesPerSecond: Double

    /// The record of a trainer's epoch summary.
    public init(_ summary: EpochSummary) {
        epoch = summary.epoch + 1
        learningRate = Double(summary.learningRate)
        trainLoss = summary.trainingLoss
        trainAccuracy = summary.trainingAccuracy
        validationLoss = summary.validationLoss
        validationAccuracy = summary.validationAccuracy
        seconds = summary.seconds
        imagesPerSecond = summary.imagesPerSecond
    }

    private enum CodingKeys: String, CodingKey {
        case epoch
        case learningRate = "learning_rate"
        case trainLoss = "train_loss"
        case trainAccuracy = "train_accuracy"
        case validationLoss = "validation_loss"
        case validationAccuracy = "validation_accuracy"
        case seconds
        case imagesPerSecond = "images_per_second"
    }
}
