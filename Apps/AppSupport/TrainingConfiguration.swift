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
    /// - Throws: ``AppError`` if the schedule's values cannot be laid out in steps (see
    ///   ``makeSchedule(_:stepsPerEpoch:)``).
    public init(
        architecture: ModelDescription.Architecture, settings: TrainingSettings,
        trainingCount: Int
    ) throws {
        let available = min(settings.trainSubset ?? trainingCount, trainingCount)
        let validationCount = ValidationSplit.validationCount(
            settings.validationSplit, of: available)
        let stepsPerEpoch = max(
            1, (available - validationCount + settings.batchSize - 1) / settings.batchSize)
        self.init(
            architecture: architecture, settings: settings, validationCount: validationCount,
            learningRates: try Self.makeSchedule(settings, stepsPerEpoch: stepsPerEpoch))
    }

    /// A setting, read or written through the configuration.
    public subscript<T>(dynamicMember keyPath: WritableKeyPath<TrainingSettings, T>) -> T {
        get { settings[keyPath: keyPath] }
        set { settings[keyPath: keyPath] = newValue }
    }

    /// The learning rate per step of `settings` (its schedule, rate, epochs, decay values and
    /// warm-up) over epochs of `stepsPerEpoch` steps. The warm-up rises linearly from a tenth of
    /// the rate over its epochs (default: cosine 1 epoch in runs of more than 2 epochs); cosine
    /// then decays to 1% of the rate by the end of the run; step, multistep and exponential
    /// change the rate once per epoch (PyTorch's `StepLR`, `MultiStepLR`, `ExponentialLR`),
    /// counting epochs after the warm-up.
    /// - Throws: ``AppError`` for decay values that cannot be laid out in steps.
    public static func makeSchedule(_ settings: TrainingSettings, stepsPerEpoch: Int) throws
        -> LearningRateSchedule
    {
        let (rate, epochs) = (settings.learningRate, settings.epochs)
        let total = max(1, epochs * stepsPerEpoch)
        let warmupEpochs = settings.warmup ?? (settings.schedule == .cosine && epochs > 2 ? 1 : 0)
        let warmup = min(warmupEpochs, max(epochs - 1, 0)) * stepsPerEpoch
        let gamma = settings.gamma ?? 0.1
        let perEpoch: LearningRateSchedule
        switch settings.schedule {
        case .constant:
            perEpoch = .constant(rate)
        case .onecycle:
            return .oneCycle(maximum: rate, totalSteps: total)
        case .cosine:
            let cosine = LearningRateSchedule.cosine(
                initial: rate, minimum: rate / 100, period: total - warmup)
            return warmup > 0
                ? .linearWarmup(steps: warmup, startFactor: 0.1, then: cosine) : cosine
        case .step:
            perEpoch = .step(initial: rate, stepSize: settings.stepSize ?? 1, gamma: gamma)
        case .multistep:
            perEpoch = .multiStep(
                initial: rate, milestones: settings.milestones ?? [], gamma: gamma)
        case .exponential:
            perEpoch = .exponential(initial: rate, gamma: gamma)
        }
        let schedule: LearningRateSchedule
        do {
            schedule = try perEpoch.steppedPerEpoch(stepsPerEpoch: stepsPerEpoch)
        } catch {
            throw AppError("--schedule \(settings.schedule.rawValue): \(error)")
        }
        return warmup > 0
            ? .linearWarmup(steps: warmup, startFactor: 0.1, then: schedule) : schedule
    }

    private enum CodingKeys: String, CodingKey {
        case architecture, settings, validationCount = "validation_count"
        case learningRates = "learning_rates"
    }
}
