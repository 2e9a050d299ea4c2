/// The choices that define a training run, one name each: an app's defaults are a value of this
/// type, ``TrainingOptions`` lays the command-line flags over them, and a
/// ``TrainingConfiguration`` (what checkpoints store) holds the result.
public struct TrainingSettings: Codable, Equatable, Sendable {
    /// Total epochs of the run (`--epochs`).
    public var epochs: Int
    /// Samples per mini-batch; the last batch of an epoch may be smaller (`--batch-size`).
    public var batchSize: Int
    /// The optimizer (`--optimizer`).
    public var optimizer: OptimizerChoice
    /// The peak learning rate (`--learning-rate`).
    public var learningRate: Float
    /// The optimizer's weight decay, decoupled for AdamW (`--weight-decay`); default 0.
    public var weightDecay: Float
    /// The learning-rate schedule (`--schedule`); default cosine.
    public var schedule: ScheduleKind
    /// The seed of the initialization, the validation split, shuffling, augmentation and
    /// dropout (`--seed`); default 42. Stored as a decimal string, so every 64-bit value
    /// survives JSON.
    @DecimalString public var seed: UInt64
    /// Random shifts (crops of a zero-padded image) of up to this many pixels (`--shift`);
    /// default 0, none.
    public var shift: Int
    /// Random horizontal flips (an app's choice, never for digits); default false.
    public var horizontalFlip: Bool
    /// Label smoothing of the cross-entropy, in [0, 1) (`--label-smoothing`); default 0.
    public var labelSmoothing: Float
    /// Training images held out for validation: a fraction when below 1, else a count
    /// (`--validation-split`); default 5000.
    public var validationSplit: Double
    /// Early stopping: epochs without validation-loss improvement before stopping, the best
    /// weights then restored (`--patience`); default 0, off.
    public var patience: Int
    /// Train on the first N training images only (`--train-subset`); default `nil`, all.
    public var trainSubset: Int?
    /// The loss (`--loss`); default cross-entropy.
    public var loss: LossChoice
    /// The momentum of `momentum`, `nesterov` and `rmsprop` (`--momentum`); `nil` for the
    /// optimizer's default (0.9, 0.9 and 0).
    public var momentum: Float?
    /// Adam's and AdamW's β₁ and β₂ (`--beta1`, `--beta2`); `nil` for 0.9 and 0.999.
    public var beta1: Float?
    /// See ``beta1``.
    public var beta2: Float?
    /// The `step` schedule's epochs between decays (`--step-size`); `nil` when not `step`.
    public var stepSize: Int?
    /// The epochs after which the `multistep` schedule decays (`--milestones`), counted after
    /// the warm-up; `nil` when not `multistep`.
    public var milestones: [Int]?
    /// The decay factor of `step`, `multistep` and `exponential` (`--gamma`); `nil` for 0.1
    /// (`exponential` needs it given).
    public var gamma: Float?
    /// Epochs of linear warm-up from a tenth of the learning rate (`--warmup`); `nil` for the
    /// schedule's own (cosine: 1 epoch in runs of more than 2 epochs; the others none).
    public var warmup: Int?

    /// The learning-rate schedules a command offers.
    public enum ScheduleKind: String, Codable, CaseIterable, Sendable {
        /// Cosine decay from the learning rate to 1% of it over the run, after a one-epoch
        /// linear warm-up (runs of more than two epochs).
        case cosine
        /// The one-cycle policy (Smith & Topin, 2017) over the run.
        case onecycle
        /// The learning rate throughout.
        case constant
        /// The rate times `gamma` every `stepSize` epochs (PyTorch's `StepLR`).
        case step
        /// The rate times `gamma` after each milestone epoch (PyTorch's `MultiStepLR`).
        case multistep
        /// The rate times `gamma` every epoch (PyTorch's `ExponentialLR`).
        case exponential
    }

    /// Creates settings; see the properties for the meaning and default of each.
    public init(
        epochs: Int, batchSize: Int, optimizer: OptimizerChoice, learningRate: Float,
        weightDecay: Float = 0, schedule: ScheduleKind = .cosine, seed: UInt64 = 42,
        shift: Int = 0, horizontalFlip: Bool = false, labelSmoothing: Float = 0,
        validationSplit: Double = 5000, patience: Int = 0, trainSubset: Int? = nil,
        loss: LossChoice = .crossEntropy, momentum: Float? = nil, beta1: Float? = nil,
        beta2: Float? = nil, stepSize: Int? = nil, milestones: [Int]? = nil, gamma: Float? = nil,
        warmup: Int? = nil
    ) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.schedule = schedule
        self.seed = seed
        self.shift = shift
        self.horizontalFlip = horizontalFlip
        self.labelSmoothing = labelSmoothing
        self.validationSplit = validationSplit
        self.patience = patience
        self.trainSubset = trainSubset
        self.loss = loss
        self.momentum = momentum
        self.beta1 = beta1
        self.beta2 = beta2
        self.stepSize = stepSize
        self.milestones = milestones
        self.gamma = gamma
        self.warmup = warmup
    }

    private enum CodingKeys: String, CodingKey {
        case epochs, batchSize = "batch_size", optimizer, learningRate = "learning_rate"
        case weightDecay = "weight_decay", schedule, seed, shift
        case horizontalFlip = "horizontal_flip", labelSmoothing = "label_smoothing"
        case validationSplit = "validation_split", patience, trainSubset = "train_subset"
        case loss, momentum, beta1, beta2, stepSize = "step_size", milestones, gamma, warmup
    }

    /// Decodes settings; the knobs added after the first release (loss, momentum, betas, the
    /// decay schedules' values, warm-up) may be missing: older checkpoints ran with their
    /// defaults.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        epochs = try c.decode(Int.self, forKey: .epochs)
        batchSize = try c.decode(Int.self, forKey: .batchSize)
        optimizer = try c.decode(OptimizerChoice.self, forKey: .optimizer)
        learningRate = try c.decode(Float.self, forKey: .learningRate)
        weightDecay = try c.decode(Float.self, forKey: .weightDecay)
        schedule = try c.decode(ScheduleKind.self, forKey: .schedule)
        _seed = try c.decode(DecimalString.self, forKey: .seed)
        shift = try c.decode(Int.self, forKey: .shift)
        horizontalFlip = try c.decode(Bool.self, forKey: .horizontalFlip)
        labelSmoothing = try c.decode(Float.self, forKey: .labelSmoothing)
        validationSplit = try c.decode(Double.self, forKey: .validationSplit)
        patience = try c.decode(Int.self, forKey: .patience)
        trainSubset = try c.decodeIfPresent(Int.self, forKey: .trainSubset)
        loss = try c.decodeIfPresent(LossChoice.self, forKey: .loss) ?? .crossEntropy
        momentum = try c.decodeIfPresent(Float.self, forKey: .momentum)
        beta1 = try c.decodeIfPresent(Float.self, forKey: .beta1)
        beta2 = try c.decodeIfPresent(Float.self, forKey: .beta2)
        stepSize = try c.decodeIfPresent(Int.self, forKey: .stepSize)
        milestones = try c.decodeIfPresent([Int].self, forKey: .milestones)
        gamma = try c.decodeIfPresent(Float.self, forKey: .gamma)
        warmup = try c.decodeIfPresent(Int.self, forKey: .warmup)
    }
}

/// A 64-bit integer stored in JSON as a decimal string (JSON numbers are doubles, exact only
/// up to 2⁵³).
@propertyWrapper
public struct DecimalString: Codable, Equatable, Sendable {
    /// The value.
    public var wrappedValue: UInt64

    /// Wraps a value.
    public init(wrappedValue: UInt64) { self.wrappedValue = wrappedValue }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = UInt64(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "\"\(text)\" is not a 64-bit unsigned integer")
        }
        wrappedValue = value
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(String(wrappedValue))
    }
}
