import Checkpoints
import Foundation
import NeuralNet

/// Everything that defines a training run, so that a checkpoint can resume it exactly and a
/// model file can say how it was made: the network, the ``TrainingSettings``, and what they
/// resolve to for the data at hand (the validation count and the learning rate per step).
/// Stored in every training checkpoint, as JSON under the checkpoint's
/// `user_info["session"]`.
///
/// The settings read through the configuration: `configuration.batchSize` is
/// `configuration.settings.batchSize`.
@dynamicMemberLookup
public struct TrainingConfiguration: Codable, Equatable, Sendable {
    /// The network: a registered architecture name and its configuration (``ImageModels``'
    /// `ModelRegistry` builds it).
    public var architecture: ModelDescription.Architecture
    /// The run's settings.
    public var settings: TrainingSettings
    /// The number of training samples held out for validation (``TrainingSettings/validationSplit``
    /// resolved for the training images).
    public var validationCount: Int
    /// The learning rate per optimizer step (``TrainingSettings/schedule`` resolved for the
    /// run's length); kept unchanged when a resumed run is extended.
    public var learningRates: LearningRateSchedule

    /// Creates a configuration from resolved values.
    public init(
        architecture: ModelDescription.Architecture, settings: TrainingSettings,
        validationCount: Int, learningRates: LearningRateSchedule
    ) {
        self.architecture = architecture
        self.settings = settings
        self.validationCount = validationCount
        self.learningRates = learningRates
    }

    /// The configuration of `settings` for a training set of `trainingCount` images (before
    /// ``TrainingSettings/trainSubset``).
    public init(
        architecture: ModelDescription.Architecture, settings: TrainingSettings,
        trainingCount: Int
    ) {
        let available = min(settings.trainSubset ?? trainingCount, trainingCount)
        let validationCount = ValidationSplit.validationCount(
            settings.validationSplit, of: available)
        let stepsPerEpoch = max(
            1, (available - validationCount + settings.batchSize - 1) / settings.batchSize)
        self.init(
            architecture: architecture, settings: settings, validationCount: validationCount,
            learningRates: Self.makeSchedule(
                settings.schedule, learningRate: settings.learningRate, epochs: settings.epochs,
                stepsPerEpoch: stepsPerEpoch))
    }

    /// A setting, read or written through the configuration.
    public subscript<T>(dynamicMember keyPath: WritableKeyPath<TrainingSettings, T>) -> T {
        get { settings[keyPath: keyPath] }
        set { settings[keyPath: keyPath] = newValue }
    }

    /// The schedule of `kind` for `learningRate` over `epochs` epochs of `stepsPerEpoch`
    /// steps.
    public static func makeSchedule(
        _ kind: TrainingSettings.ScheduleKind, learningRate: Float, epochs: Int,
        stepsPerEpoch: Int
    ) -> LearningRateSchedule {
        let total = max(1, epochs * stepsPerEpoch)
        switch kind {
        case .constant:
            return .constant(learningRate)
        case .onecycle:
            return .oneCycle(maximum: learningRate, totalSteps: total)
        case .cosine:
            let warmup = epochs > 2 ? stepsPerEpoch : 0
            let cosine = LearningRateSchedule.cosine(
                initial: learningRate, minimum: learningRate / 100, period: total - warmup)
            return warmup > 0
                ? .linearWarmup(steps: warmup, startFactor: 0.1, then: cosine) : cosine
        }
    }

    private enum CodingKeys: String, CodingKey {
        case architecture, settings, validationCount = "validation_count"
        case learningRates = "learning_rates"
    }
}
