import CheckpointedTraining
import Checkpoints
import Datasets
import Distributed
import DistributedTraining
import Foundation
import ImageClassification
import NeuralNet
import TensorMath

/// A training run as the apps do it, from data to a self-describing model file. It is a thin
/// user of ``NeuralNet/Trainer`` (the one training loop) that adds, through its hooks:
///
/// - a seeded validation split (after an optional `trainSubset`, a seeded, class-stratified
///   choice of that many images);
/// - the network built by `ModelRegistry` from the configuration's architecture, seeded;
/// - the chosen optimizer, a per-step learning-rate schedule, label smoothing, and early
///   stopping on the validation loss (restoring the best weights);
/// - batches from a `BatchLoader`: seeded shuffling per epoch, random-shift augmentation,
///   normalization;
/// - a progress bar on standard error (terminals only), one line per epoch on standard
///   output, one JSON object per epoch in the log (``EpochLogRecord``);
/// - optionally, training curves (``TrainingCurvesPlot``) rewritten as PNG after every epoch;
/// - after every epoch, a training checkpoint (weights, optimizer state, schedule position,
///   random generators, early stopping, history and the configuration) written atomically;
///   Ctrl-C stops after the current batch and saves one too;
/// - `resume`: a new session continues a ``SavedRun`` exactly (bit for bit the same model as
///   an uninterrupted run);
/// - ``saveModel(to:metrics:command:)``: the weights with a `ModelDescription`;
/// - under `mpirun -np N` (``Processes``), data-parallel training: every process builds the
///   same loader and takes its contiguous share of every batch (`--batch-size` stays the
///   global batch), the gradients are summed before every step, and only rank 0 writes the
///   log, plot, checkpoints and model file. The checkpoint holds the global position, so a run
///   resumes on any number of processes.
///
/// ```swift
/// let session = try TrainingSession(
///     configuration: configuration, data: trainingSet, normalization: .mnist,
///     template: .init(classNames: names, input: input, preprocessing: preprocessing,
///                     dataset: "MNIST"),
///     files: RunFiles(
///         data: nil, output: "m.safetensors", checkpoint: "m.safetensors.checkpoint",
///         log: "m.safetensors.log.jsonl", plot: nil))
/// guard try session.run() == .finished else { return }   // interrupted: checkpoint saved
/// try session.saveModel(to: session.files.output, metrics: ["test_accuracy": accuracy],
///                       command: "mnist train …")
/// ```
public final class TrainingSession {
    /// What a model file says beyond its architecture: classes, input and preprocessing, and
    /// the data set's name for the provenance.
    public struct ModelTemplate: Sendable {
        /// The class names, in output order.
        public var classNames: [String]
        /// The input the network takes.
        public var input: ModelDescription.Input
        /// How images become that input.
        public var preprocessing: ModelDescription.Preprocessing
        /// The training data set's name (`MNIST`).
        public var dataset: String

        /// Creates a template.
        public init(
            classNames: [String], input: ModelDescription.Input,
            preprocessing: ModelDescription.Preprocessing, dataset: String
        ) {
            self.classNames = classNames
            self.input = input
            self.preprocessing = preprocessing
            self.dataset = dataset
        }
    }

    /// How a call to ``run(output:)`` ended.
    public enum Outcome: Equatable, Sendable {
        /// Every epoch ran, or early stopping ended the run.
        case finished
        /// A signal stopped the run; the checkpoint holds its exact position.
        case interrupted
    }

    /// The checkpoint's `user_info` key that holds the run's ``RunFiles``.
    public static let filesKey = "files"

    /// The checkpoint's `user_info` key that holds the configuration.
    public static let configurationKey = "session"

    /// The run's configuration.
    public let configuration: TrainingConfiguration
    /// The network being trained.
    public let model: Layer
    /// The trainer (its state is the run's position and history).
    public let trainer: Trainer
    /// The training part of the split.
    public let trainingSet: SubsetSource
    /// The validation part, `nil` when nothing is held out.
    public let validationSet: SubsetSource?
    /// The normalization of every batch.
    public let normalization: Normalization
    /// The model file's classes, input and preprocessing.
    public let template: ModelTemplate
    /// The run's data folder, model file, checkpoint (rewritten after every epoch), JSON-lines
    /// epoch log and training-curves PNG (``TrainingCurvesPlot``, rewritten after every epoch),
    /// all kept in the checkpoint.
    public let files: RunFiles
    /// The training checkpoint (``RunFiles/checkpoint``).
    public var checkpointPath: String { files.checkpoint }
    /// The JSON-lines epoch log (``RunFiles/log``).
    public var logPath: String { files.log }
    /// The training-curves PNG (``RunFiles/plot``), `nil` for none.
    public var plotPath: String? { files.plot }
    /// Whether the session continues a checkpoint.
    public let isResumed: Bool
    /// The processes training together (one for a plain run); only rank 0 writes files.
    public let communicator: any Communicator
    /// The number of processes that wrote the resumed checkpoint, if it says.
    public let resumedProcessCount: Int?

    /// The checkpoint's `user_info` key that holds the number of processes of the run.
    public static let processesKey = "processes"

    /// Prepares a run: splits `data`, builds the network, optimizer and trainer, and, with
    /// `resume`, restores the checkpoint's run into them.
    /// - Parameters:
    ///   - configuration: The run (for a resumed run, the checkpoint's
    ///     ``SavedRun/configuration``, perhaps with more epochs).
    ///   - data: The whole training set (the split and subset come from `configuration`).
    ///   - normalization: Applied to every batch.
    ///   - template: The model file's classes, input and preprocessing.
    ///   - files: Where the run writes: the checkpoint after every epoch, the JSON-lines log
    ///     (rewritten from the run's history at the start), the curves (PNG) at the start and
    ///     after every epoch, and at the end the model file.
    ///   - resume: The saved run to continue; default none.
    ///   - communicator: The processes training together; default ``Processes/communicator``.
    /// - Throws: ``AppError`` for a configuration that does not fit the data (an empty
    ///   training part, early stopping without validation data) or a checkpoint that does
    ///   not match the network; the builder's and optimizer's errors.
    public init(
        configuration: TrainingConfiguration, data: any LabeledImageSource,
        normalization: Normalization, template: ModelTemplate, files: RunFiles,
        resume: SavedRun? = nil, communicator: any Communicator = Processes.communicator
    ) throws {
        // `trainSubset`: a seeded, class-stratified choice of that many images.
        let pool =
            configuration.trainSubset.map { subset in
                StratifiedChoice.indices(
                    labels: (0..<data.count).map(data.label(at:)), count: subset,
                    seed: configuration.seed)
            } ?? Array(0..<data.count)
        let available = pool.count
        let split = ValidationSplit(
            count: available, validationCount: configuration.validationCount,
            seed: configuration.seed)
        guard !split.trainingIndices.isEmpty else {
            throw AppError(
                "no training images left: \(available) available, "
                    + "\(configuration.validationCount) held out for validation")
        }
        guard configuration.patience == 0 || !split.validationIndices.isEmpty else {
            throw AppError("early stopping (--patience) needs a validation split")
        }
        self.configuration = configuration
        self.trainingSet = try SubsetSource(data, indices: split.trainingIndices.map { pool[$0] })
        self.validationSet =
            split.validationIndices.isEmpty
            ? nil : try SubsetSource(data, indices: split.validationIndices.map { pool[$0] })
        self.normalization = normalization
        self.template = template
        self.files = files
        self.model = try ModelRegistry.makeModel(
            configuration.architecture, seed: configuration.seed)
        let optimizer = try configuration.optimizer.makeOptimizer(
            model.namedParameters, learningRate: configuration.learningRate,
            weightDecay: configuration.weightDecay, momentum: configuration.momentum,
            beta1: configuration.beta1, beta2: configuration.beta2)
        self.trainer = Trainer(
            model: model, optimizer: optimizer,
            loss: configuration.loss.classificationLoss(
                labelSmoothing: configuration.labelSmoothing),
            schedule: configuration.learningRates, scheduleUnit: .batch,
            earlyStopping: configuration.patience > 0
                ? try EarlyStopping(
                    patience: configuration.patience, minDelta: 0, mode: .minimize,
                    restoreBest: true)
                : nil,
            monitor: .validationLoss)
        self.isResumed = resume != nil
        self.communicator = communicator
        if communicator.size > 1 {
            trainer.gradientReducer = DataParallelReducer(communicator: communicator)
        }
        resumedProcessCount = resume.flatMap {
            try? $0.checkpoint.userInfo[Self.processesKey]?.decode(as: Int.self)
        }
        if let resume {
            do {
                try resume.checkpoint.restore(into: trainer)
            } catch {
                throw AppError("cannot resume from \(resume.path): \(error)")
            }
        }
        // Every rank has checked and read the run's files before rank 0 writes any.
        do {
            try communicator.barrier()
        } catch {
            throw AppError("\(error)")
        }
    }

    /// The number of optimizer steps per epoch.
    public var stepsPerEpoch: Int {
        (trainingSet.count + configuration.batchSize - 1) / configuration.batchSize
    }

    /// Trains until the configuration's epochs are done, early stopping ends the run, or a
    /// signal interrupts it (see ``InterruptSignal``).
    /// - Parameter output: Receives one line per epoch (and the resume notice); default
    ///   `print`.
    /// - Throws: The trainer's errors (a non-finite loss names the epoch and batch);
    ///   ``AppError`` if the log, the plot or a checkpoint cannot be written.
    public func run(output: @escaping (String) -> Void = { print($0) }) throws -> Outcome {
        let epochs = configuration.epochs
        let isRoot = communicator.isRoot
        let finishedBefore = trainer.state.history.count
        let partialBefore = trainer.state.epochSeconds
        let output: (String) -> Void = { if isRoot { output($0) } }
        let log = isRoot ? try JSONLinesLog(path: logPath, truncate: true) : nil
        for summary in trainer.state.history { try log?.append(EpochLogRecord(summary)) }
        try writePlot()
        let tensorBoard = try files.tensorboard.map { try TensorBoardLog(folder: $0) }
        let tensorBoardImage = tensorBoard == nil ? nil : try fixedImage()
        if let csv = files.csv { try CSVLog.write(trainer.state.history, to: csv) }
        let stepCSV = try files.csv.flatMap { csv -> JSONLinesLog? in
            guard isRoot else { return nil }
            let path = CSVLog.stepsPath(for: csv)
            let fresh = !isResumed || !FileManager.default.fileExists(atPath: path)
            let log = try JSONLinesLog(path: path, truncate: !isResumed)
            if fresh { try log.appendLine(CSVLog.stepHeader) }
            return log
        }
        if isResumed, trainer.state.epoch >= epochs {
            output("all \(epochs) epochs were done: evaluating and saving the model")
        } else if isResumed {
            output(
                "resuming at epoch \(trainer.state.epoch + 1)/\(epochs)"
                    + (trainer.state.batchCursor > 0
                        ? ", batch \(trainer.state.batchCursor + 1)/\(stepsPerEpoch)" : ""))
            if let saved = resumedProcessCount, saved != communicator.size {
                output(
                    "the checkpoint was written by \(saved) processes, this run has "
                        + "\(communicator.size): the batches and their order are the same "
                        + "(each process takes a share of every batch), the sums of gradients "
                        + "differ in rounding only")
            }
        }
        let loader = try BatchLoader(
            source: trainingSet, batchSize: configuration.batchSize, shuffle: true,
            seed: configuration.seed,
            augmentation: Augmentation(
                cropPadding: configuration.shift,
                horizontalFlip: configuration.horizontalFlip),
            normalization: normalization,
            shard: try Shard(index: communicator.rank, count: communicator.size))
        let validationLoader = try validationSet.map {
            try BatchLoader(
                source: $0, batchSize: 500, shuffle: false, normalization: normalization)
        }
        let console = TrainingConsole(stepsPerEpoch: stepsPerEpoch, epochs: epochs) {
            "epoch \($0 + 1)/\(epochs)"
        }
        defer { console.finish() }
        try trainer.fit(
            epochs: epochs, training: { loader.batches(epoch: $0) },
            validation: validationLoader.map { loader in { loader.batches(epoch: 0) } },
            hooks: console.hooks.followed(
                by: TrainingHooks(
                    onBatch: { progress in
                        try tensorBoard?.appendStep(progress)
                        try stepCSV?.appendLine(CSVLog.stepRow(progress))
                    },
                    onEpoch: { summary in
                        try log?.append(EpochLogRecord(summary))
                        try self.writeCheckpoint()
                        try self.writePlot()
                        try tensorBoard?.appendEpochDetails(
                            model: self.model, image: tensorBoardImage, epoch: summary.epoch)
                        try tensorBoard?.append(summary)
                        if let csv = self.files.csv {
                            try CSVLog.write(self.trainer.state.history, to: csv)
                        }
                        output(Self.line(summary, epochs: epochs))
                        if self.trainer.earlyStopping?.shouldStop ?? false {
                            let best = self.trainer.earlyStopping?.state.bestEpoch.map { $0 + 1 }
                            output("early stopping: restored the weights of epoch \(best ?? 0)")
                        }
                    })))
        console.finish()
        if let reducer = trainer.gradientReducer as? DataParallelReducer {
            // This session's training time: its finished epochs and the one in progress.
            let seconds =
                trainer.state.history.dropFirst(finishedBefore).reduce(0) { $0 + $1.seconds }
                + trainer.state.epochSeconds - partialBefore
            output(Self.communicationLine(reducer, trainingSeconds: seconds))
        }
        let complete =
            trainer.state.epoch >= epochs
            || (trainer.earlyStopping?.shouldStop ?? false)
        if (console.isInterrupted || trainer.stopRequested) && !complete {
            try writeCheckpoint()
            output(
                "interrupted at epoch \(trainer.state.epoch + 1), batch "
                    + "\(trainer.state.batchCursor)/\(stepsPerEpoch); continue with "
                    + "--resume \(checkpointPath)")
            return .interrupted
        }
        return .finished
    }

    /// Writes the training curves of the history so far to ``plotPath`` (atomically), if
    /// there is one (rank 0 only).
    /// - Throws: ``AppError`` naming the path.
    public func writePlot() throws {
        guard let plotPath, communicator.isRoot else { return }
        try TrainingCurvesPlot.plot(
            trainer.state.history, title: "\(configuration.architecture.name) training"
        ).write(pngPath: plotPath)
    }

    /// Writes the training checkpoint (atomically), with the configuration and a model
    /// description, so the file can be inspected like a model file (rank 0 only).
    /// - Throws: ``AppError`` naming the path.
    public func writeCheckpoint() throws {
        guard communicator.isRoot else { return }
        do {
            try trainer.saveCheckpoint(
                to: URL(fileURLWithPath: checkpointPath),
                userInfo: [
                    Self.configurationKey: try JSONValue(encoding: configuration),
                    Self.filesKey: try JSONValue(encoding: files.absolute()),
                    Self.processesKey: try JSONValue(encoding: communicator.size),
                ],
                modelDescription: try modelDescription(metrics: [:], command: ""))
        } catch {
            throw AppError("cannot write the checkpoint \(checkpointPath): \(error)")
        }
    }

    /// The model file's description: architecture and configuration, classes, input,
    /// preprocessing, and provenance (command, seed, epochs, `metrics` plus the last epoch's
    /// training and validation metrics, date, data set).
    public func modelDescription(metrics: [String: Double], command: String) throws
        -> ModelDescription
    {
        var all = trainer.state.history.last?.metrics ?? [:]
        all["images_per_second"] = nil
        all["seconds"] = nil
        all["training_seconds"] = trainer.state.history.reduce(0) { $0 + $1.seconds }
        for (key, value) in metrics { all[key] = value }
        return ModelDescription(
            architecture: configuration.architecture, classNames: template.classNames,
            input: template.input, preprocessing: template.preprocessing,
            provenance: .init(
                command: command, seed: configuration.seed, epochs: trainer.state.epoch,
                metrics: all, dataset: template.dataset))
    }

    /// Saves the network (in inference form: parameters and batch-norm statistics) with
    /// ``modelDescription(metrics:command:)``, atomically (rank 0 only; the other ranks hold
    /// the same network).
    /// - Throws: ``AppError`` naming the path.
    @discardableResult
    public func saveModel(to path: String, metrics: [String: Double], command: String) throws
        -> ModelDescription
    {
        let description = try modelDescription(metrics: metrics, command: command)
        guard communicator.isRoot else { return description }
        do {
            try SafeTensorsFile.write(
                model.stateDictionary, description: description,
                to: URL(fileURLWithPath: path))
        } catch {
            throw AppError("cannot save the model to \(path): \(error)")
        }
        return description
    }

    /// `communication: 0.41 s of 10.20 s of training steps (4.0%), 246824 bytes of gradients
    /// summed per step`: this process's time in the reducer's collectives (waiting for the
    /// slowest process included) against the finished epochs' training time.
    static func communicationLine(_ reducer: DataParallelReducer, trainingSeconds: Double)
        -> String
    {
        let bytes = reducer.gradientSums > 0 ? reducer.gradientBytes / reducer.gradientSums : 0
        return String(
            format: "communication: %.2f s of %.2f s of training steps (%.1f%%), "
                + "%d bytes of gradients summed per step",
            reducer.communicationSeconds, trainingSeconds,
            trainingSeconds > 0 ? reducer.communicationSeconds / trainingSeconds * 100 : 0, bytes)
    }

    /// `epoch  3/15  lr 0.00150  train loss 0.0312 acc 99.01%  validation loss 0.0250 acc
    /// 99.30%  23.1 s  2384 img/s`.
    public static func line(_ summary: EpochSummary, epochs: Int) -> String {
        let width = String(epochs).count
        let number = String(summary.epoch + 1)
        var text =
            "epoch " + String(repeating: " ", count: max(0, width - number.count))
            + "\(number)/\(epochs)"
        text += String(
            format: "  lr %.5f  train loss %.4f acc %.2f%%", summary.learningRate,
            summary.trainingLoss, summary.trainingAccuracy * 100)
        if let loss = summary.validationLoss, let accuracy = summary.validationAccuracy {
            text += String(format: "  validation loss %.4f acc %.2f%%", loss, accuracy * 100)
        }
        text += String(
            format: "  %.1f s  %.0f img/s", summary.seconds, summary.imagesPerSecond)
        return text
    }
}
