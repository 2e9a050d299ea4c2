/// An app's default training values, used for every ``TrainingOptions`` flag left out.
public struct TrainingDefaults: Sendable {
    /// Default epochs.
    public var epochs: Int
    /// Default mini-batch size.
    public var batchSize: Int
    /// Default optimizer.
    public var optimizer: OptimizerChoice
    /// Default peak learning rate.
    public var learningRate: Float
    /// Default weight decay; 0.
    public var weightDecay: Float
    /// Default schedule; cosine.
    public var schedule: TrainingConfiguration.ScheduleKind
    /// Default seed; 42.
    public var seed: UInt64
    /// Default random shift; 0.
    public var shift: Int
    /// Whether to flip images at random (no flag: an app decision); false.
    public var horizontalFlip: Bool
    /// Default label smoothing; 0.
    public var labelSmoothing: Float
    /// Default validation split (fraction or count); 5000.
    public var validationSplit: Double
    /// Default early-stopping patience (0: off); 0.
    public var patience: Int

    /// Creates defaults; see the properties.
    public init(
        epochs: Int, batchSize: Int, optimizer: OptimizerChoice, learningRate: Float,
        weightDecay: Float = 0, schedule: TrainingConfiguration.ScheduleKind = .cosine,
        seed: UInt64 = 42, shift: Int = 0, horizontalFlip: Bool = false,
        labelSmoothing: Float = 0, validationSplit: Double = 5000, patience: Int = 0
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
    }
}
