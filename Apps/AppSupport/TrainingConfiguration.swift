import Checkpoints
import Foundation
import NeuralNet

/// Everything that defines a training run, so that a checkpoint can resume it exactly and a
/// model file can say how it was made. Stored in every training checkpoint (as JSON in the
/// checkpoint's `user_info["session"]`; the seed is a string so that every 64-bit value
/// survives).
public struct TrainingConfiguration: Codable, Equatable, Sendable {
    /// The network: a registered architecture name and its configuration (``ImageModels``'
    /// `ModelRegistry` builds it).
    public var architecture: ModelDescription.Architecture
    /// The total number of epochs.
    public var epochs: Int
    /// Samples per mini-batch (the last batch of an epoch may be smaller).
    public var batchSize: Int
    /// The optimizer.
    public var optimizer: OptimizerChoice
    /// The peak learning rate.
    public var learningRate: Float
    /// The optimizer's weight decay.
    public var weightDecay: Float
    /// The learning rate per optimizer step; built by ``makeSchedule(kind:stepsPerEpoch:)``
    /// at the start of a run and kept unchanged when a resumed run is extended.
    public var schedule: LearningRateSchedule
    /// The seed of the initialization, the validation split, shuffling, augmentation and
    /// dropout.
    public var seed: UInt64
    /// Train on the first N training samples only (`nil`: all).
    public var trainSubset: Int?
    /// The number of training samples held out for validation.
    public var validationCount: Int
    /// Zero padding of the random-shift augmentation (0: none).
    public var augmentationPadding: Int
    /// Random horizontal flips (never for digits).
    public var horizontalFlip: Bool
    /// Epochs without validation-loss improvement before stopping (`nil`: no early stopping).
    /// The best weights are restored when it stops.
    public var patience: Int?
    /// Label smoothing of the cross-entropy, in [0, 1).
    public var labelSmoothing: Float

    /// Creates a configuration; see the properties for the meaning of each value.
    public init(
        architecture: ModelDescription.Architecture, epochs: Int, batchSize: Int,
        optimizer: OptimizerChoice, learningRate: Float, weightDecay: Float = 0,
        schedule: LearningRateSchedule, seed: UInt64, trainSubset: Int? = nil,
        validationCount: Int, augmentationPadding: Int = 0, horizontalFlip: Bool = false,
        patience: Int? = nil, labelSmoothing: Float = 0
    ) {
        self.architecture = architecture
        self.epochs = epochs
        self.batchSize = batchSize
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.schedule = schedule
        self.seed = seed
        self.trainSubset = trainSubset
        self.validationCount = validationCount
        self.augmentationPadding = augmentationPadding
        self.horizontalFlip = horizontalFlip
        self.patience = patience
        self.labelSmoothing = labelSmoothing
    }

    /// The learning-rate schedules a command offers (`--schedule`).
    public enum ScheduleKind: String, Codable, CaseIterable, Sendable {
        /// Cosine decay from the learning rate to 1% of it over the run, after a one-epoch
        /// linear warm-up.
        case cosine
        /// The one-cycle policy (Smith & Topin, 2017) over the run.
        case onecycle
        /// The learning rate throughout.
        case constant
    }

    /// The schedule of `kind` for ``learningRate`` over ``epochs`` epochs of
    /// `stepsPerEpoch` steps.
    public static func makeSchedule(
        _ kind: ScheduleKind, learningRate: Float, epochs: Int, stepsPerEpoch: Int
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
        case architecture, epochs, batchSize = "batch_size", optimizer
        case learningRate = "learning_rate", weightDecay = "weight_decay", schedule, seed
        case trainSubset = "train_subset", validationCount = "validation_count"
        case augmentationPadding = "augmentation_padding", horizontalFlip = "horizontal_flip"
        case patience, labelSmoothing = "label_smoothing"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        architecture = try c.decode(ModelDescription.Architecture.self, forKey: .architecture)
        epochs = try c.decode(Int.self, forKey: .epochs)
        batchSize = try c.decode(Int.self, forKey: .batchSize)
        optimizer = try c.decode(OptimizerChoice.self, forKey: .optimizer)
        learningRate = try c.decode(Float.self, forKey: .learningRate)
        weightDecay = try c.decodeIfPresent(Float.self, forKey: .weightDecay) ?? 0
        schedule = try c.decode(LearningRateSchedule.self, forKey: .schedule)
        let seedText = try c.decode(String.self, forKey: .seed)
        guard let seed = UInt64(seedText) else {
            throw DecodingError.dataCorruptedError(
                forKey: .seed, in: c, debugDescription: "seed \(seedText) is not a UInt64")
        }
        self.seed = seed
        trainSubset = try c.decodeIfPresent(Int.self, forKey: .trainSubset)
        validationCount = try c.decode(Int.self, forKey: .validationCount)
        augmentationPadding = try c.decodeIfPresent(Int.self, forKey: .augmentationPadding) ?? 0
        horizontalFlip = try c.decodeIfPresent(Bool.self, forKey: .horizontalFlip) ?? false
        patience = try c.decodeIfPresent(Int.self, forKey: .patience)
        labelSmoothing = try c.decodeIfPresent(Float.self, forKey: .labelSmoothing) ?? 0
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(architecture, forKey: .architecture)
        try c.encode(epochs, forKey: .epochs)
        try c.encode(batchSize, forKey: .batchSize)
        try c.encode(optimizer, forKey: .optimizer)
        try c.encode(learningRate, forKey: .learningRate)
        try c.encode(weightDecay, forKey: .weightDecay)
        try c.encode(schedule, forKey: .schedule)
        try c.encode(String(seed), forKey: .seed)
        try c.encodeIfPresent(trainSubset, forKey: .trainSubset)
        try c.encode(validationCount, forKey: .validationCount)
        try c.encode(augmentationPadding, forKey: .augmentationPadding)
        try c.encode(horizontalFlip, forKey: .horizontalFlip)
        try c.encodeIfPresent(patience, forKey: .patience)
        try c.encode(labelSmoothing, forKey: .labelSmoothing)
    }
}
