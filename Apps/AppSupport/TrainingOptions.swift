import ArgumentParser
import Checkpoints

extension TrainingSettings.ScheduleKind: ExpressibleByArgument {}

/// The flags every training command shares, for `@OptionGroup var options: TrainingOptions`:
/// one flag per ``TrainingSettings`` field (bar the app's own horizontal flips) plus the files.
/// Values left out take the app's default settings (which may depend on the architecture);
/// with `--resume` they come from the checkpoint (the data folder and files too, unless given),
/// and only `--epochs` may change (extend) the saved run.
public struct TrainingOptions: ParsableArguments {
    /// `--epochs N`: total epochs of the run.
    @Option(
        help: .init(
            "Total epochs of the run" + TrainingOptions.defaultNote("epochs") + ".", valueName: "N")
    ) public var epochs: Int?
    /// `--batch-size N`.
    @Option(
        help: .init(
            "Mini-batch size" + TrainingOptions.defaultNote("batch-size") + ".", valueName: "N"))
    public var batchSize: Int?
    /// `--learning-rate LR`: the peak learning rate.
    @Option(
        help: .init(
            "Peak learning rate" + TrainingOptions.defaultNote("learning-rate") + ".",
            valueName: "LR")) public var learningRate: Float?
    /// `--optimizer`.
    @Option(
        help: .init(
            "The optimizer" + TrainingOptions.defaultNote("optimizer") + ".", valueName: "OPTIMIZER"
        ))
    public var optimizer: OptimizerChoice?
    /// `--weight-decay`.
    @Option(
        help: .init(
            "Weight decay (L2; decoupled for adamw)" + TrainingOptions.defaultNote("weight-decay")
                + ".", valueName: "WD"))
    public var weightDecay: Float?
    /// `--schedule`.
    @Option(
        help: .init(
            "Learning-rate schedule (cosine: 1-epoch warm-up, then down to 1%; step, "
                + "multistep, exponential: times --gamma per --step-size, --milestones, epoch)"
                + TrainingOptions.defaultNote("schedule") + ".",
            valueName: "SCHEDULE"))
    public var schedule: TrainingSettings.ScheduleKind?
    /// `--seed SEED`.
    @Option(
        help: .init(
            "Seed of initialization, validation split, shuffling, augmentation, dropout"
                + TrainingOptions.defaultNote("seed") + ".",
            valueName: "SEED"))
    public var seed: UInt64?
    /// `--shift N`: random-shift augmentation.
    @Option(
        help: .init(
            "Augmentation: random shifts of up to N pixels (0: none)"
                + TrainingOptions.defaultNote("shift") + ".", valueName: "N"))
    public var shift: Int?
    /// `--label-smoothing`.
    @Option(
        help: .init(
            "Label smoothing of the cross-entropy, in [0, 1)"
                + TrainingOptions.defaultNote("label-smoothing")
                + ".", valueName: "E"))
    public var labelSmoothing: Float?
    /// `--validation-split`: a fraction (below 1) or a number of images.
    @Option(
        help: .init(
            "Held-out validation images: a fraction (0.1) or a count (5000); by default the "
                + "app's count, at most a fifth of the training images.", valueName: "V"))
    public var validationSplit: Double?
    /// `--patience N`: early stopping.
    @Option(
        help: .init(
            "Early stopping: epochs without validation-loss improvement (0: off)"
                + TrainingOptions.defaultNote("patience") + ".",
            valueName: "N"))
    public var patience: Int?
    /// `--loss`: cross-entropy or the tutorial's squared error on softmax outputs.
    @Option(
        help: .init(
            "Loss: cross-entropy, or squared-error, the tutorial's total error "
                + "1/2 sum (target - softmax output)^2 per image, logged as its mean over the "
                + "images (the test loss stays cross-entropy)" + TrainingOptions.defaultNote("loss")
                + ".", valueName: "LOSS"))
    public var loss: LossChoice?
    /// `--momentum M`: the momentum of momentum, nesterov and rmsprop.
    @Option(
        help: .init(
            "Momentum in [0, 1) of --optimizer momentum, nesterov (default 0.9) and rmsprop "
                + "(default 0).", valueName: "M"))
    public var momentum: Float?
    /// `--beta1 B1`: Adam's β₁.
    @Option(help: .init("Adam's and AdamW's beta1 in [0, 1) (default 0.9).", valueName: "B1"))
    public var beta1: Float?
    /// `--beta2 B2`: Adam's β₂.
    @Option(help: .init("Adam's and AdamW's beta2 in [0, 1) (default 0.999).", valueName: "B2"))
    public var beta2: Float?
    /// `--step-size EPOCHS`: the `step` schedule's period.
    @Option(
        help: .init(
            "--schedule step: multiply the rate by --gamma every EPOCHS epochs (required).",
            valueName: "EPOCHS"))
    public var stepSize: Int?
    /// `--milestones 5,8`: the `multistep` schedule's epochs.
    @Option(
        help: .init(
            "--schedule multistep: multiply the rate by --gamma after these epochs, "
                + "comma-separated and increasing (required).", valueName: "EPOCHS"),
        transform: { try TrainingOptions.epochList($0) })
    public var milestones: [Int]?
    /// `--gamma G`: the decay factor of `step`, `multistep` and `exponential`.
    @Option(
        help: .init(
            "Decay factor of --schedule step and multistep (default 0.1) and exponential "
                + "(per epoch; required).", valueName: "G"))
    public var gamma: Float?
    /// `--warmup EPOCHS`: linear warm-up before any schedule but one-cycle.
    @Option(
        help: .init(
            "Epochs of linear warm-up from a tenth of the learning rate, before any schedule "
                + "but onecycle; step, multistep and exponential count their epochs after it "
                + "(default: cosine 1 in runs of more than 2 epochs, else 0).",
            valueName: "EPOCHS"))
    public var warmup: Int?
    /// `--train-subset N`: quick runs on a seeded, class-stratified subset of N images.
    @Option(
        help: .init(
            "Train on a seeded, class-stratified subset of N training images, chosen before "
                + "the validation split (quick runs).",
            valueName: "N"))
    public var trainSubset: Int?
    /// `--output FILE`: the model file.
    @Option(help: .init("Where to save the model (.safetensors).", valueName: "FILE"))
    public var output: String?
    /// `--checkpoint FILE`: the training checkpoint, rewritten after every epoch.
    @Option(
        help: .init(
            "Training checkpoint, rewritten every epoch (default FILE.checkpoint).",
            valueName: "CHECKPOINT"))
    public var checkpoint: String?
    /// `--log FILE`: the JSON-lines epoch log.
    @Option(
        help: .init(
            "JSON-lines epoch log (default FILE.log.jsonl).", valueName: "LOG")) public var log:
        String?
    /// `--plot FILE`: training curves (loss and accuracy per epoch) as PNG, rewritten after
    /// every epoch; default none.
    @Option(
        help: .init(
            "Training curves (loss and accuracy) as PNG, rewritten every epoch; default none.",
            valueName: "FILE"))
    public var plot: String?
    /// `--tensorboard DIR`: TensorBoard event files (scalars per epoch and step, histograms and
    /// feature maps per epoch); default none.
    @Option(
        help: .init(
            "Write TensorBoard events into DIR (loss, accuracy, learning rate per epoch and per "
                + "step; weight and gradient histograms and feature maps per epoch); view with "
                + "tensorboard --logdir DIR. Default none.",
            valueName: "DIR"))
    public var tensorboard: String?
    /// `--csv FILE`: the epoch history as CSV (Keras' CSVLogger columns) and the per-step
    /// scalars in `FILE.steps.csv` (``CSVLog/stepsPath(for:)``); default none.
    @Option(
        help: .init(
            "Write the epoch history as CSV (Keras CSVLogger columns), rewritten every epoch, "
                + "and one row per optimizer step to FILE.steps.csv; default none.",
            valueName: "FILE"))
    public var csv: String?
    /// `--overwrite`: a new run may replace an earlier run's model, checkpoint and log.
    @Flag(help: "Replace the model file, checkpoint and log of an earlier run.")
    public var overwrite = false
    /// `--resume CHECKPOINT`: continue a saved run, with its data, files and settings.
    @Option(
        help: .init(
            "Continue the run saved in this training checkpoint, with its data, files and "
                + "settings (--epochs may extend it).",
            valueName: "CHECKPOINT"))
    public var resume: String?

    /// `--threads N`: threads of the tensor kernels in each process (not a setting of the run:
    /// results do not depend on it).
    @Option(
        help: .init(
            "Threads of each process (default: the cores, shared among the mpirun ranks on this "
                + "machine; results do not depend on it).", valueName: "N"))
    public var threads: Int?

    /// Creates empty options (ArgumentParser fills them).
    public init() {}

    /// Rejects values out of range (exit status 2).
    public func validate() throws {
        func check(_ condition: Bool, _ message: String) throws {
            if !condition { throw ValidationError(message) }
        }
        let limits = Self.limits
        try check(
            (1...limits.epochs).contains(epochs ?? 1), "--epochs must be in 1...\(limits.epochs)")
        try check(
            (1...limits.batchSize).contains(batchSize ?? 1),
            "--batch-size must be in 1...\(limits.batchSize)")
        try check(
            learningRate.map { $0 > 0 && $0.isFinite } ?? true,
            "--learning-rate must be a positive number")
        try check(
            weightDecay.map { $0 >= 0 && $0.isFinite } ?? true,
            "--weight-decay must be ≥ 0")
        try check((shift ?? 0) >= 0 && (shift ?? 0) <= 8, "--shift must be in 0...8")
        try check(
            labelSmoothing.map { $0 >= 0 && $0 < 1 } ?? true,
            "--label-smoothing must be in [0, 1)")
        try check(
            validationSplit.map { $0 >= 0 && $0 <= Double(limits.images) } ?? true,
            "--validation-split must be a fraction below 1 or a count of images (at most "
                + "\(limits.images))")
        try check(
            (0...limits.epochs).contains(patience ?? 0),
            "--patience must be in 0...\(limits.epochs)")
        try check((trainSubset ?? 1) >= 1, "--train-subset must be at least 1")
        try check((1...1024).contains(threads ?? 1), "--threads must be in 1...1024")
        try validateKnobs()
    }

    /// The largest values the counting flags take, so that no product of them can overflow:
    /// 100,000 epochs (and patience), batches of 1,000,000 images, and counts of 10⁹ images.
    public static let limits = (epochs: 100_000, batchSize: 1_000_000, images: 1_000_000_000)

    /// The flags given, each with the setting it sets.
    private var flags: [SettingFlag] {
        [
            SettingFlag("--epochs", epochs, \.epochs),
            SettingFlag("--batch-size", batchSize, \.batchSize),
            SettingFlag("--learning-rate", learningRate, \.learningRate),
            SettingFlag("--optimizer", optimizer, \.optimizer),
            SettingFlag("--weight-decay", weightDecay, \.weightDecay),
            SettingFlag("--schedule", schedule, \.schedule),
            SettingFlag("--seed", seed, \.seed),
            SettingFlag("--shift", shift, \.shift),
            SettingFlag("--label-smoothing", labelSmoothing, \.labelSmoothing),
            SettingFlag("--validation-split", validationSplit, \.validationSplit),
            SettingFlag("--patience", patience, \.patience),
            SettingFlag("--train-subset", trainSubset.map { Optional($0) }, \.trainSubset),
            SettingFlag("--loss", loss, \.loss),
            SettingFlag("--momentum", momentum.map { Optional($0) }, \.momentum),
            SettingFlag("--beta1", beta1.map { Optional($0) }, \.beta1),
            SettingFlag("--beta2", beta2.map { Optional($0) }, \.beta2),
            SettingFlag("--step-size", stepSize.map { Optional($0) }, \.stepSize),
            SettingFlag("--milestones", milestones.map { Optional($0) }, \.milestones),
            SettingFlag("--gamma", gamma.map { Optional($0) }, \.gamma),
            SettingFlag("--warmup", warmup.map { Optional($0) }, \.warmup),
        ].compactMap { $0 }
    }

    /// `defaults` with every flag given laid over it. Without `--validation-split`, the
    /// default split holds out at most a fifth of the `trainingCount` images (after
    /// `--train-subset`), resolved here to a count.
    public func settings(over defaults: TrainingSettings, trainingCount: Int) -> TrainingSettings {
        var settings = defaults
        for flag in flags { flag.apply(&settings) }
        if validationSplit == nil {
            let available = min(settings.trainSubset ?? trainingCount, trainingCount)
            let count = ValidationSplit.validationCount(settings.validationSplit, of: available)
            settings.validationSplit = Double(min(count, available / 5))
        }
        // The squared error takes no label smoothing: an app's default smoothing is dropped.
        if settings.loss == .squaredError, labelSmoothing == nil { settings.labelSmoothing = 0 }
        return settings
    }

    /// The configuration of a new run of `architecture` on `trainingCount` training images
    /// (before ``trainSubset``): ``settings(over:trainingCount:)`` resolved.
    /// - Throws: `ValidationError` (a usage error) for a combination of settings that does not
    ///   go together (``TrainingSettings/checkCombination()``).
    public func configuration(
        architecture: ModelDescription.Architecture, defaults: TrainingSettings,
        trainingCount: Int
    ) throws -> TrainingConfiguration {
        let settings = settings(over: defaults, trainingCount: trainingCount)
        try settings.checkCombination()
        return try TrainingConfiguration(
            architecture: architecture, settings: settings, trainingCount: trainingCount)
    }

    /// The configuration of a resumed run: `stored` (from the checkpoint) with ``epochs`` if
    /// given.
    /// - Throws: `ValidationError` if a flag other than `--epochs` was given with a value
    ///   other than the stored one, or ``epochs`` would shorten the stored run (its learning
    ///   rates were laid out for its length; only a longer run continues them).
    public func resumedConfiguration(
        stored: TrainingConfiguration, finishedEpochs: Int
    ) throws -> TrainingConfiguration {
        let differing = flags.filter { $0.name != "--epochs" }
            .compactMap { $0.difference(stored.settings) }
        guard differing.isEmpty else {
            throw ValidationError(
                "--resume continues the saved run with its own configuration; only --epochs "
                    + "may change it. Leave out: " + differing.joined(separator: ", "))
        }
        var configuration = stored
        if let epochs {
            guard epochs >= stored.epochs else {
                throw ValidationError(
                    "--epochs \(epochs) would shorten the saved run of \(stored.epochs) epochs "
                        + "(\(finishedEpochs) finished); --resume can only extend it")
            }
            configuration.epochs = epochs
        }
        return configuration
    }
}

/// A flag that was given, and the ``TrainingSettings`` field it sets.
private struct SettingFlag {
    let name: String
    let apply: (inout TrainingSettings) -> Void
    let difference: (TrainingSettings) -> String?

    init?<T: Equatable>(_ name: String, _ value: T?, _ field: WritableKeyPath<TrainingSettings, T>)
    {
        guard let value else { return nil }
        self.name = name
        apply = { $0[keyPath: field] = value }
        difference = { saved in
            saved[keyPath: field] == value
                ? nil : "\(name) \(Self.text(value)) (saved \(Self.text(saved[keyPath: field])))"
        }
    }

    /// A value as the user wrote it: optionals unwrapped, `none` for nil.
    private static func text(_ value: Any) -> String {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return "\(value)" }
        return mirror.children.first.map { "\($0.value)" } ?? "none"
    }
}
