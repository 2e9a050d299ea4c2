import ArgumentParser
import Checkpoints

extension TrainingConfiguration.ScheduleKind: ExpressibleByArgument {}

/// The flags every training command shares, for `@OptionGroup var options: TrainingOptions`.
/// Values left out take the app's ``TrainingDefaults`` (which may depend on the
/// architecture); with `--resume` they come from the checkpoint, and only `--epochs` may
/// change (extend) the saved run.
public struct TrainingOptions: ParsableArguments {
    /// `--epochs N`: total epochs of the run.
    @Option(help: .init("Total epochs of the run.", valueName: "N")) public var epochs: Int?
    /// `--batch-size B`.
    @Option(help: .init("Mini-batch size.", valueName: "B")) public var batchSize: Int?
    /// `--learning-rate LR`: the peak learning rate.
    @Option(help: .init("Peak learning rate.", valueName: "LR")) public var learningRate: Float?
    /// `--optimizer`.
    @Option(help: .init("The optimizer.", valueName: "OPTIMIZER"))
    public var optimizer: OptimizerChoice?
    /// `--weight-decay`.
    @Option(help: .init("Weight decay (L2; decoupled for adamw).", valueName: "WD"))
    public var weightDecay: Float?
    /// `--schedule`.
    @Option(help: .init(
        "Learning-rate schedule (cosine: 1-epoch warm-up, then down to 1%).",
        valueName: "SCHEDULE"))
    public var schedule: TrainingConfiguration.ScheduleKind?
    /// `--seed S`.
    @Option(help: .init(
        "Seed of initialization, validation split, shuffling, augmentation, dropout.",
        valueName: "S"))
    public var seed: UInt64?
    /// `--shift N`: random-shift augmentation.
    @Option(help: .init("Augmentation: random shifts of up to N pixels (0: none).", valueName: "N"))
    public var shift: Int?
    /// `--label-smoothing`.
    @Option(help: .init("Label smoothing of the cross-entropy, in [0, 1).", valueName: "E"))
    public var labelSmoothing: Float?
    /// `--validation-split`: a fraction (below 1) or a number of images.
    @Option(help: .init(
        "Held-out validation images: a fraction (0.1) or a count (5000).", valueName: "V"))
    public var validationSplit: Double?
    /// `--patience N`: early stopping.
    @Option(help: .init(
        "Early stopping: epochs without validation-loss improvement (0: off).",
        valueName: "N"))
    public var patience: Int?
    /// `--train-subset N`: quick runs on the first N training images.
    @Option(help: .init(
        "Train on the first N training images only (quick runs).", valueName: "N"))
    public var trainSubset: Int?
    /// `--output FILE`: the model file.
    @Option(help: .init("Where to save the model (.safetensors).", valueName: "FILE"))
    public var output: String?
    /// `--checkpoint FILE`: the training checkpoint, rewritten after every epoch.
    @Option(help: .init(
        "Training checkpoint, rewritten every epoch (default FILE.checkpoint).",
        valueName: "CHECKPOINT"))
    public var checkpoint: String?
    /// `--log FILE`: the JSON-lines epoch log.
    @Option(help: .init(
        "JSON-lines epoch log (default FILE.log.jsonl).", valueName: "LOG")) public var log: String?
    /// `--plot FILE`: training curves (loss and accuracy per epoch) as PNG, rewritten after
    /// every epoch; default none.
    @Option(help: .init(
        "Training curves (loss and accuracy) as PNG, rewritten every epoch; default none.",
        valueName: "FILE"))
    public var plot: String?
    /// `--resume CHECKPOINT`: continue a saved run.
    @Option(help: .init(
        "Continue the run saved in this training checkpoint.", valueName: "CHECKPOINT"))
    public var resume: String?

    /// Creates empty options (ArgumentParser fills them).
    public init() {}

    /// Rejects values out of range (exit status 2).
    public func validate() throws {
        func check(_ condition: Bool, _ message: String) throws {
            if !condition { throw ValidationError(message) }
        }
        try check((epochs ?? 1) >= 1, "--epochs must be at least 1")
        try check((batchSize ?? 1) >= 1, "--batch-size must be at least 1")
        try check(learningRate.map { $0 > 0 && $0.isFinite } ?? true,
                  "--learning-rate must be a positive number")
        try check(weightDecay.map { $0 >= 0 && $0.isFinite } ?? true,
                  "--weight-decay must be ≥ 0")
        try check((shift ?? 0) >= 0 && (shift ?? 0) <= 8, "--shift must be in 0...8")
        try check(labelSmoothing.map { $0 >= 0 && $0 < 1 } ?? true,
                  "--label-smoothing must be in [0, 1)")
        try check(validationSplit.map { $0 >= 0 && $0.isFinite } ?? true,
                  "--validation-split must be a fraction below 1 or a count of images")
        try check((patience ?? 0) >= 0, "--patience must be ≥ 0")
        try check((trainSubset ?? 1) >= 1, "--train-subset must be at least 1")
    }

    /// The configuration of a new run on `trainingCount` training images (before
    /// ``trainSubset``), with every absent flag taken from `defaults`. The default validation
    /// split holds out at most a fifth of the images.
    public func configuration(
        architecture: ModelDescription.Architecture, defaults: TrainingDefaults,
        trainingCount: Int
    ) -> TrainingConfiguration {
        let subset = trainSubset.map { min($0, trainingCount) }
        let available = subset ?? trainingCount
        var validationCount = ValidationSplit.validationCount(
            validationSplit ?? defaults.validationSplit, of: available)
        if validationSplit == nil { validationCount = min(validationCount, available / 5) }
        let batchSize = batchSize ?? defaults.batchSize
        let epochs = epochs ?? defaults.epochs
        let learningRate = learningRate ?? defaults.learningRate
        let stepsPerEpoch = max(1, (available - validationCount + batchSize - 1) / batchSize)
        let patience = patience ?? defaults.patience
        return TrainingConfiguration(
            architecture: architecture, epochs: epochs, batchSize: batchSize,
            optimizer: optimizer ?? defaults.optimizer, learningRate: learningRate,
            weightDecay: weightDecay ?? defaults.weightDecay,
            schedule: TrainingConfiguration.makeSchedule(
                schedule ?? defaults.schedule, learningRate: learningRate, epochs: epochs,
                stepsPerEpoch: stepsPerEpoch),
            seed: seed ?? defaults.seed, trainSubset: subset, validationCount: validationCount,
            augmentationPadding: shift ?? defaults.shift, horizontalFlip: defaults.horizontalFlip,
            patience: patience > 0 ? patience : nil,
            labelSmoothing: labelSmoothing ?? defaults.labelSmoothing)
    }

    /// The configuration of a resumed run: `stored` (from the checkpoint) with ``epochs`` if
    /// given.
    /// - Throws: `ValidationError` if a flag that defines the run (batch size, learning
    ///   rate, optimizer, weight decay, schedule, seed, shift, label smoothing, validation
    ///   split, patience, train subset) was given with a value other than the stored one, or
    ///   ``epochs`` is below the epochs already finished.
    public func resumedConfiguration(
        stored: TrainingConfiguration, finishedEpochs: Int
    ) throws -> TrainingConfiguration {
        var differing: [String] = []
        func compare<T: Equatable>(_ given: T?, _ saved: T, _ flag: String) {
            if let given, given != saved { differing.append("\(flag) \(given) (saved \(saved))") }
        }
        compare(batchSize, stored.batchSize, "--batch-size")
        compare(learningRate, stored.learningRate, "--learning-rate")
        compare(optimizer, stored.optimizer, "--optimizer")
        compare(weightDecay, stored.weightDecay, "--weight-decay")
        compare(seed, stored.seed, "--seed")
        compare(shift, stored.augmentationPadding, "--shift")
        compare(labelSmoothing, stored.labelSmoothing, "--label-smoothing")
        compare(patience, stored.patience ?? 0, "--patience")
        if let trainSubset, trainSubset != stored.trainSubset {
            differing.append("--train-subset \(trainSubset)")
        }
        if schedule != nil { differing.append("--schedule") }
        if validationSplit != nil { differing.append("--validation-split") }
        guard differing.isEmpty else {
            throw ValidationError(
                "--resume continues the saved run with its own configuration; only --epochs "
                    + "may change it. Leave out: " + differing.joined(separator: ", "))
        }
        var configuration = stored
        if let epochs {
            guard epochs >= finishedEpochs else {
                throw ValidationError(
                    "--epochs \(epochs) is below the \(finishedEpochs) epochs already finished")
            }
            configuration.epochs = epochs
        }
        return configuration
    }
}
