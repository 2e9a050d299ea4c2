import TensorMath

/// Everything a ``Trainer`` needs to resume a run exactly: tensors grouped as a training
/// checkpoint stores them, and the Codable scalar state.
///
/// The groups match the Checkpoints package's `TrainingCheckpoint` (`modelState`,
/// `optimizerState`, `extraTensors`); ``scalars`` is JSON-encodable for its state blob.
/// Random generators (shuffling, augmentation, dropout) are the app's to save beside it.
public struct TrainingSnapshot: Equatable, Sendable {
    /// The model's state dictionary (parameters and buffers by dotted name).
    public var modelState: [String: Tensor]
    /// The optimizer's state tensors (`exp_avg.features.0.weight`, …).
    public var optimizerState: [String: Tensor]
    /// Other tensors: early stopping's best weights under
    /// ``TrainingSnapshot/bestWeightsPrefix`` (`early_stopping.best.features.0.weight`).
    public var extraTensors: [String: Tensor]
    /// The scalar state.
    public var scalars: Scalars

    /// The prefix of early stopping's best weights in ``extraTensors``.
    public static let bestWeightsPrefix = "early_stopping.best."

    /// The Codable part of a snapshot.
    public struct Scalars: Codable, Equatable, Sendable {
        /// The trainer's position, running totals and history.
        public var trainer: TrainerState
        /// The optimizer's step count and learning rate.
        public var optimizer: OptimizerScalarState
        /// Early stopping's bookkeeping, if the trainer uses it.
        public var earlyStopping: EarlyStopping.State?

        /// Creates scalar state.
        public init(
            trainer: TrainerState, optimizer: OptimizerScalarState,
            earlyStopping: EarlyStopping.State?
        ) {
            self.trainer = trainer
            self.optimizer = optimizer
            self.earlyStopping = earlyStopping
        }
    }

    /// Creates a snapshot.
    public init(
        modelState: [String: Tensor], optimizerState: [String: Tensor],
        extraTensors: [String: Tensor], scalars: Scalars
    ) {
        self.modelState = modelState
        self.optimizerState = optimizerState
        self.extraTensors = extraTensors
        self.scalars = scalars
    }
}

extension Trainer {
    /// The current state of the run: model, optimizer, early stopping and position.
    public func snapshot() -> TrainingSnapshot {
        var extra: [String: Tensor] = [:]
        for (name, tensor) in earlyStopping?.bestWeights ?? [:] {
            extra[TrainingSnapshot.bestWeightsPrefix + name] = tensor
        }
        return TrainingSnapshot(
            modelState: model.stateDictionary, optimizerState: optimizer.stateTensors(),
            extraTensors: extra,
            scalars: .init(
                trainer: state, optimizer: optimizer.scalarState,
                earlyStopping: earlyStopping?.state))
    }

    /// Restores a run saved with ``snapshot()`` into this trainer, whose model, optimizer and
    /// early stopping must be configured as the saved ones were.
    /// - Throws: The model's or optimizer's strict loading error (naming the tensor);
    ///   ``NeuralNetError/invalidConfiguration(_:)`` if the snapshot has early-stopping state
    ///   and this trainer has no early stopping (or the reverse), or for unknown extra tensors.
    public func restore(_ snapshot: TrainingSnapshot) throws {
        try require((snapshot.scalars.earlyStopping == nil) == (earlyStopping == nil),
                    "Trainer.restore: early stopping is configured differently from the snapshot")
        var best: [String: Tensor] = [:]
        for (name, tensor) in snapshot.extraTensors {
            guard name.hasPrefix(TrainingSnapshot.bestWeightsPrefix) else {
                throw NeuralNetError.invalidConfiguration(
                    "Trainer.restore: unexpected extra tensor \(name)")
            }
            best[String(name.dropFirst(TrainingSnapshot.bestWeightsPrefix.count))] = tensor
        }
        try model.loadStateDictionary(snapshot.modelState)
        try optimizer.loadState(
            tensors: snapshot.optimizerState, scalars: snapshot.scalars.optimizer)
        if var stopper = earlyStopping, let saved = snapshot.scalars.earlyStopping {
            try stopper.restore(state: saved, bestWeights: best.isEmpty ? nil : best)
            earlyStopping = stopper
        }
        state = snapshot.scalars.trainer
    }
}
