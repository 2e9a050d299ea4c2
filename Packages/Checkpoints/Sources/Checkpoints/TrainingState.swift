/// The scalar state of a training run that a checkpoint saves beside the tensors: where the
/// run is, the state of its random generators, early stopping, and the metric history.
///
/// Stored as one JSON object under ``TrainingCheckpoint/MetadataKey/trainingState`` with
/// snake_case keys. Every `Double` (including infinities and NaN) reads back bit for bit.
///
/// To resume mid-epoch bit-identically, save each generator as it was when the epoch's random
/// choices (the shuffle) were drawn, or save what was drawn, and skip ``batchCursor``
/// batches; the generators in ``generators`` are the trainer's to name.
public struct TrainingState: Codable, Equatable, Sendable {
    /// The epoch in progress, counted from 0.
    public var epoch: Int
    /// The number of batches of ``epoch`` already trained on (0 at an epoch boundary).
    public var batchCursor: Int
    /// The number of optimizer steps taken since the start of the run.
    public var globalStep: Int
    /// The step number the learning-rate schedule is called with next.
    public var scheduleStep: Int
    /// The current learning rate, if the trainer records it.
    public var learningRate: Double?
    /// Random generator states by role (`"shuffle"`, `"augmentation"`, `"dropout"`).
    public var generators: [String: GeneratorState]
    /// Early-stopping bookkeeping, if the run uses early stopping.
    public var earlyStopping: EarlyStoppingState?
    /// Metrics of every finished epoch, oldest first.
    public var history: [MetricRecord]
    /// The optimizer's scalar state and hyperparameters (Adam's step count, β values), in a
    /// form its implementation chooses; its tensors go in
    /// ``TrainingCheckpoint/optimizerState``.
    public var optimizer: JSONValue?
    /// Anything else the trainer wants to keep.
    public var extras: [String: JSONValue]

    /// Creates a training state; every argument has a default (the start of a run).
    public init(
        epoch: Int = 0, batchCursor: Int = 0, globalStep: Int = 0, scheduleStep: Int = 0,
        learningRate: Double? = nil, generators: [String: GeneratorState] = [:],
        earlyStopping: EarlyStoppingState? = nil, history: [MetricRecord] = [],
        optimizer: JSONValue? = nil, extras: [String: JSONValue] = [:]
    ) {
        self.epoch = epoch
        self.batchCursor = batchCursor
        self.globalStep = globalStep
        self.scheduleStep = scheduleStep
        self.learningRate = learningRate
        self.generators = generators
        self.earlyStopping = earlyStopping
        self.history = history
        self.optimizer = optimizer
        self.extras = extras
    }

    private enum CodingKeys: String, CodingKey {
        case epoch
        case batchCursor = "batch_cursor"
        case globalStep = "global_step"
        case scheduleStep = "schedule_step"
        case learningRate = "learning_rate"
        case generators
        case earlyStopping = "early_stopping"
        case history, optimizer, extras
    }
}
