import TensorMath

/// The one training loop: epochs over labelled batches, forward, loss, backward, optimizer
/// step, learning-rate schedule, running loss and accuracy, throughput, validation in inference
/// mode, early stopping, and ``TrainingHooks`` for progress bars, interruption, logs, plots and
/// checkpoints. The apps, the hyper-parameter search and library users all train through it.
///
/// ```swift
/// let model = Sequential(
///     Flatten(), try Linear(inputSize: 784, outputSize: 128, generator: &g), ReLU(),
///     try Linear(inputSize: 128, outputSize: 10, generator: &g))
/// let trainer = Trainer(
///     model: model, optimizer: try SGD(model, learningRate: 0.1, momentum: 0.9))
/// trainer.schedule = .cosine(initial: 0.1, period: epochs * batchesPerEpoch)
/// let history = try trainer.fit(
///     epochs: epochs, training: { epoch in loader.batches(epoch: epoch) },
///     validation: { validationLoader.batches(epoch: 0) },
///     hooks: TrainingHooks(
///         onBatch: { progress in bar.update(progress) },
///         onEpoch: { summary in print(summary.metrics) }))
/// ```
///
/// Batches come from any `Sequence` of `TensorMath.LabeledBatch` values (`Datasets.Batch`
/// from a loader, or `TensorMath.TensorBatch` for tensors made in memory): images `[N, ...]`
/// and `N` labels; the model's output must be `[N, C]` scores. The trainer's ``state``
/// (position, running totals, history) plus the optimizer's, early stopping's and the random
/// generators' state make a ``TrainingSnapshot`` (``snapshot(generators:)``), from which
/// ``restore(_:)`` resumes bit-identically, even in the middle of an epoch.
public final class Trainer {
    /// When a learning-rate schedule advances.
    public enum ScheduleUnit: String, Codable, Sendable {
        /// Called with the global step number before every optimizer step.
        case batch
        /// Called with the epoch number (constant within an epoch).
        case epoch
    }

    /// The model being trained.
    public let model: Layer
    /// The optimizer updating the model's parameters.
    public let optimizer: Optimizer
    /// The loss; default softmax cross-entropy.
    public var loss: ClassificationLoss
    /// The learning-rate schedule; `nil` leaves `optimizer.learningRate` alone.
    public var schedule: LearningRateSchedule?
    /// Whether ``schedule`` is called per batch (default) or per epoch.
    public var scheduleUnit: ScheduleUnit
    /// Early stopping, checked by ``fit(epochs:training:validation:hooks:)`` after each
    /// epoch on ``monitor``.
    public var earlyStopping: EarlyStopping?
    /// The metric early stopping watches; default the validation loss.
    public var monitor: MonitoredMetric
    /// The position, running totals and history.
    public var state = TrainerState()
    /// Set to true (from a callback, or between calls) to stop after the current batch;
    /// ``fit(epochs:training:validation:hooks:)`` clears it when it starts.
    public var stopRequested = false
    /// Data-parallel training: combines the gradients and metrics of every process's share of
    /// each batch (see ``GradientReducer``); `nil` (default) trains alone. With a reducer the
    /// batches given to the trainer are this process's shares, and the trainer's state, the
    /// loss and the accuracy are the global batch's.
    public var gradientReducer: GradientReducer?

    /// Creates a trainer.
    /// - Parameters:
    ///   - model: The model; its output must be `[N, C]` class scores.
    ///   - optimizer: Usually over `model.namedParameters`.
    ///   - loss: Default ``ClassificationLoss/softmaxCrossEntropy(labelSmoothing:)``.
    ///   - schedule: Default none.
    ///   - scheduleUnit: Default ``ScheduleUnit/batch``.
    ///   - earlyStopping: Default none.
    ///   - monitor: Default ``MonitoredMetric/validationLoss``.
    public init(
        model: Layer, optimizer: Optimizer, loss: ClassificationLoss = .softmaxCrossEntropy(),
        schedule: LearningRateSchedule? = nil, scheduleUnit: ScheduleUnit = .batch,
        earlyStopping: EarlyStopping? = nil, monitor: MonitoredMetric = .validationLoss
    ) {
        self.model = model
        self.optimizer = optimizer
        self.loss = loss
        self.schedule = schedule
        self.scheduleUnit = scheduleUnit
        self.earlyStopping = earlyStopping
        self.monitor = monitor
    }

    /// The number the schedule is called with for the next step: the global step or the epoch.
    public var scheduleStep: Int { scheduleUnit == .batch ? state.globalStep : state.epoch }

    /// One optimization step on a batch in training mode: zero the gradients, forward, loss,
    /// backward, update. Does not touch ``state``.
    ///
    /// With a ``gradientReducer``, `images` and `labels` are this process's share of the
    /// global batch (possibly empty); the returned loss and count are the global batch's.
    /// - Returns: The batch's loss and the number of correct predictions.
    /// - Throws: ``NeuralNetError`` for a batch whose label count differs from its image count
    ///   or a model error; ``TrainingError/nonFiniteLoss(epoch:batch:learningRate:)`` (epoch
    ///   and batch from ``state``) if the loss is not finite, in which case nothing is updated.
    public func trainStep(images: Tensor, labels: [Int]) throws -> (loss: Double, correct: Int) {
        let result = try step(images: images, labels: labels, stopping: false)
        return (result.loss, result.correct)
    }

    /// What one step gives back: the (global) batch's loss, correct predictions and samples,
    /// and whether any process asked to stop.
    struct StepResult {
        var loss: Double
        var correct: Int
        var samples: Int
        var stop: Bool
    }

    /// ``trainStep(images:labels:)``, also telling the other processes whether this one
    /// wants to stop (`stopping`) and returning the sample count.
    func step(images: Tensor, labels: [Int], stopping: Bool) throws -> StepResult {
        guard let gradientReducer else {
            try checkLabeledBatch(images, labels, operation: "Trainer.trainStep")
            try prepareStep()
            let output = try model.forward(images)
            let result = try loss.evaluate(output, labels, true)
            try checkFinite(result.value)
            let correct = try Metrics.correctCount(output, labels: labels)
            try model.backwardParameters(result.gradient)
            try optimizer.step()
            return StepResult(
                loss: Double(result.value), correct: correct, samples: labels.count, stop: false)
        }
        if !labels.isEmpty {
            try checkLabeledBatch(images, labels, operation: "Trainer.trainStep")
        }
        try prepareStep()
        var local: (gradient: Tensor, loss: Float, correct: Int)?
        if !labels.isEmpty {
            let output = try model.forward(images)
            let result = try loss.evaluate(output, labels, true)
            local = (
                result.gradient, result.value, try Metrics.correctCount(output, labels: labels)
            )
        }
        let count = labels.count
        var totals = [
            Double(count), Double(local?.loss ?? 0) * Double(count), Double(local?.correct ?? 0),
            stopping ? 1 : 0,
        ]
        try gradientReducer.sum(&totals)
        let samples = Int(totals[0]), stop = totals[3] > 0
        guard samples > 0 else { return StepResult(loss: 0, correct: 0, samples: 0, stop: stop) }
        let meanLoss = totals[1] / totals[0]
        try checkFinite(Float(meanLoss))
        if let local {
            let share = Float(count) / Float(samples)
            try model.backwardParameters(share == 1 ? local.gradient : local.gradient * share)
        }
        try gradientReducer.sumGradients(optimizer.namedParameters.map(\.parameter))
        try optimizer.step()
        return StepResult(loss: meanLoss, correct: Int(totals[2]), samples: samples, stop: stop)
    }

    /// Training mode, the scheduled learning rate, zero gradients.
    private func prepareStep() throws {
        if !model.isTraining { model.setTraining(true) }
        if let schedule { optimizer.learningRate = schedule.learningRate(at: scheduleStep) }
        optimizer.zeroGradients()
    }

    /// Throws ``TrainingError/nonFiniteLoss(epoch:batch:learningRate:)`` for a loss that is
    /// not finite.
    private func checkFinite(_ value: Float) throws {
        guard value.isFinite else {
            throw TrainingError.nonFiniteLoss(
                epoch: state.epoch, batch: state.batchCursor, learningRate: optimizer.learningRate)
        }
    }

    /// Trains on the batches of the epoch in progress (``TrainerState/epoch``), skipping the
    /// first ``TrainerState/batchCursor`` batches when resuming mid-epoch.
    ///
    /// When the sequence ends, the epoch's summary is appended to the history and the epoch
    /// counter advances. If ``stopRequested`` is set or `hooks.shouldStop` answers true during
    /// the epoch, training stops after the current batch and the epoch stays in progress
    /// (resumable). With a ``gradientReducer``, `shouldStop` is asked before every batch and
    /// the processes agree in that batch's step, so that all stop after the same batch.
    /// - Parameters:
    ///   - batches: The epoch's batches, from its first (images `[N, ...]`, `N` labels).
    ///   - hooks: `onBatch` and `shouldStop` are called after every batch (the other hooks
    ///     belong to ``fit(epochs:training:validation:hooks:)``).
    /// - Returns: The finished epoch's summary, or `nil` if stopped mid-epoch.
    /// - Throws: As ``trainStep(images:labels:)``, whatever `onBatch` throws, and
    ///   ``NeuralNetError/invalidConfiguration(_:)`` if the batch cursor of a resumed epoch is
    ///   past the end of `batches`.
    @discardableResult
    public func trainEpoch<Batches: Sequence>(
        _ batches: Batches, hooks: TrainingHooks = TrainingHooks()
    ) throws -> EpochSummary? where Batches.Element: LabeledBatch {
        let expected = batches.underestimatedCount > 0 ? batches.underestimatedCount : nil
        let skip = state.batchCursor
        let clock = ContinuousClock()
        var batchCount = 0
        for (index, batch) in batches.enumerated() {
            batchCount = index + 1
            if index < skip { continue }
            let start = clock.now
            let result = try step(
                images: batch.images, labels: batch.labels,
                stopping: gradientReducer != nil && (stopRequested || hooks.shouldStop()))
            let elapsed = clock.now - start
            let (batchLoss, correct, count) = (result.loss, result.correct, result.samples)
            state.globalStep += 1
            state.batchCursor = index + 1
            state.epochLossSum += batchLoss * Double(count)
            state.epochCorrect += correct
            state.epochSamples += count
            state.epochSeconds += seconds(elapsed)
            try hooks.onBatch(
                BatchProgress(
                    epoch: state.epoch, batch: index, expectedBatchCount: expected,
                    globalStep: state.globalStep, loss: batchLoss,
                    accuracy: count > 0 ? Double(correct) / Double(count) : 0,
                    runningLoss: state.epochLossSum / Double(max(state.epochSamples, 1)),
                    runningAccuracy: Double(state.epochCorrect)
                        / Double(max(state.epochSamples, 1)),
                    learningRate: optimizer.learningRate, samples: state.epochSamples,
                    imagesPerSecond: state.epochSeconds > 0
                        ? Double(state.epochSamples) / state.epochSeconds : 0))
            if gradientReducer == nil {
                if hooks.shouldStop() { stopRequested = true }
                if stopRequested { return nil }
            } else if result.stop {
                // Every process stops after this batch: the request was agreed in the step.
                stopRequested = true
                return nil
            }
        }
        try require(
            batchCount >= skip,
            "Trainer.trainEpoch: the batch cursor \(skip) is past the end of the epoch's "
                + "\(batchCount) batches (a checkpoint from other data or another batch size?)")
        let samples = max(state.epochSamples, 1)
        let summary = EpochSummary(
            epoch: state.epoch, trainingLoss: state.epochLossSum / Double(samples),
            trainingAccuracy: Double(state.epochCorrect) / Double(samples),
            learningRate: optimizer.learningRate, samples: state.epochSamples,
            seconds: state.epochSeconds)
        state.history.append(summary)
        state.epoch += 1
        state.startEpoch()
        return summary
    }

    /// Evaluates the model with the trainer's ``loss`` in inference mode (see
    /// ``Evaluation/init(model:batches:loss:topK:classCount:)``), restoring the previous mode
    /// afterwards.
    /// - Parameters:
    ///   - batches: The data, in any batch size.
    ///   - topK: Values of `k` for which top-k accuracy is also measured; default none.
    /// - Throws: ``NeuralNetError`` for a malformed batch or a model error.
    public func evaluate<Batches: Sequence>(_ batches: Batches, topK: [Int] = []) throws
        -> Evaluation where Batches.Element: LabeledBatch
    {
        try Evaluation(model: model, batches: batches, loss: loss, topK: topK)
    }

    /// Trains until `epochs` epochs are finished (counting those already in ``state``, so a
    /// restored trainer continues where it stopped), evaluating on the validation set after
    /// each epoch and applying early stopping. This is the one training loop: the apps, the
    /// hyper-parameter search and library users all run it, adding their work through `hooks`.
    ///
    /// - Parameters:
    ///   - epochs: The total number of epochs of the run.
    ///   - training: The training batches of an epoch, given its number (shuffle by epoch).
    ///   - validation: The validation batches, or `nil` for none.
    ///   - hooks: Progress, interruption and per-epoch work (see ``TrainingHooks``). Setting
    ///     ``stopRequested`` from a hook also ends the run.
    /// - Returns: The history of all finished epochs.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` for an invalid ``schedule``, or if
    ///   early stopping monitors a validation metric without a validation set or its mode
    ///   disagrees with the metric's; otherwise as ``trainEpoch(_:hooks:)`` and
    ///   ``evaluate(_:topK:)``, and whatever a hook throws.
    @discardableResult
    public func fit<Training: Sequence, Validation: Sequence>(
        epochs: Int, training: (Int) throws -> Training, validation: (() throws -> Validation)?,
        hooks: TrainingHooks = TrainingHooks()
    ) throws -> [EpochSummary]
    where Training.Element: LabeledBatch, Validation.Element: LabeledBatch {
        try schedule?.validate()
        if let earlyStopping {
            try require(
                validation != nil || !monitor.needsValidation,
                "Trainer: early stopping monitors \(monitor.rawValue) without validation data")
            try require(
                earlyStopping.mode == monitor.mode,
                "Trainer: early stopping mode \(earlyStopping.mode.rawValue) does not suit "
                    + "\(monitor.rawValue)")
        }
        stopRequested = false
        try gradientReducer?.synchronize(model)
        while state.epoch < epochs, !stopRequested, !(earlyStopping?.shouldStop ?? false) {
            let batches = try training(state.epoch)
            try hooks.onEpochStart(state.epoch)
            guard var summary = try trainEpoch(batches, hooks: hooks) else { break }
            if let validation {
                try gradientReducer?.synchronize(model)
                let result = try evaluate(try validation())
                summary.validationLoss = result.loss
                summary.validationAccuracy = result.accuracy
                state.history[state.history.count - 1] = summary
            }
            if var stopper = earlyStopping, let value = summary.value(of: monitor) {
                if stopper.update(value, epoch: summary.epoch, model: model) == .stop,
                    stopper.restoreBest, stopper.bestWeights != nil
                {
                    try stopper.restoreBestWeights(into: model)
                }
                earlyStopping = stopper
            }
            try hooks.onEpoch(summary)
        }
        return state.history
    }

    /// ``fit(epochs:training:validation:hooks:)`` without a validation set.
    @discardableResult
    public func fit<Training: Sequence>(
        epochs: Int, training: (Int) throws -> Training, hooks: TrainingHooks = TrainingHooks()
    ) throws -> [EpochSummary] where Training.Element: LabeledBatch {
        let none: (() throws -> [TensorBatch])? = nil
        return try fit(epochs: epochs, training: training, validation: none, hooks: hooks)
    }

    private func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
