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

    /// The learning-rate schedules a command offers.
    public enum ScheduleKind: String, Codable, CaseIterable, Sendable {
        /// Cosine decay from the learning rate to 1% of it over the run, after a one-epoch
        /// linear warm-up (runs of more than two epochs).
        case cosine
        /// The one-cycle policy (Smith & Topin, 2017) over the run.
        case onecycle
        /// The learning rate throughout.
        case constant
    }

    /// Creates settings; see the properties for the meaning and default of each.
    public init(
        epochs: Int, batchSize: Int, optimizer: OptimizerChoice, learningRate: Float,
        weightDecay: Float = 0, schedule: ScheduleKind = .cosine, seed: UInt64 = 42,
        shift: Int = 0, horizontalFlip: Bool = false, labelSmoothing: Float = 0,
        validationSplit: Double = 5000, patience: Int = 0, trainSubset: Int? = nil
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
    }

    private enum CodingKeys: String, CodingKey {
        case epochs, batchSize = "batch_size", optimizer, learningRate = "learning_rate"
        case weightDecay = "weight_decay", schedule, seed, shift
        case horizontalFlip = "horizontal_flip", labelSmoothing = "label_smoothing"
        case validationSplit = "validation_split", patience, trainSubset = "train_subset"
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
