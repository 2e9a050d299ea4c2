import TensorMath

/// Everything a ``Trainer`` needs to resume a run exactly, and the one schema of a training
/// checkpoint: tensors in three groups and one Codable document of scalars.
///
/// - ``modelState``: the model's state dictionary (parameters and buffers by dotted name);
/// - ``optimizerState``: the optimizer's tensors (`exp_avg.features.0.weight`, …);
/// - ``extraTensors``: early stopping's best weights under ``bestWeightsPrefix``;
/// - ``scalars``: the trainer's position, running totals and history, the optimizer's step
///   count and learning rate, early stopping's bookkeeping, and every random generator of the
///   run: each `Dropout` layer's (under ``layerGeneratorPrefix`` and the layer's dotted name)
///   and the caller's own (shuffling, augmentation), by name.
///
/// The `CheckpointedTraining` package writes a snapshot to a file and reads it back.
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
    /// The prefix of the generators that belong to `Dropout` layers in
    /// ``Scalars/generators`` (`layer.features.5`).
    public static let layerGeneratorPrefix = "layer."

    /// The Codable part of a snapshot (snake_case keys in JSON).
    public struct Scalars: Codable, Equatable, Sendable {
        /// The trainer's position, running totals and history.
        public var trainer: TrainerState
        /// The optimizer's name, step count and learning rate.
        public var optimizer: OptimizerScalarState
        /// Early stopping's bookkeeping, if the trainer uses it.
        public var earlyStopping: EarlyStopping.State?
        /// Random generators by name: `Dropout` layers' under
        /// ``TrainingSnapshot/layerGeneratorPrefix``, the caller's under their own names.
        public var generators: [String: Xoshiro256]

        /// Creates scalar state.
        public init(
            trainer: TrainerState, optimizer: OptimizerScalarState,
            earlyStopping: EarlyStopping.State?, generators: [String: Xoshiro256] = [:]
        ) {
            self.trainer = trainer
            self.optimizer = optimizer
            self.earlyStopping = earlyStopping
            self.generators = generators
        }

        private enum CodingKeys: String, CodingKey {
            case trainer, optimizer, earlyStopping = "early_stopping", generators
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            trainer = try c.decode(TrainerState.self, forKey: .trainer)
            optimizer = try c.decode(OptimizerScalarState.self, forKey: .optimizer)
            earlyStopping = try c.decodeIfPresent(EarlyStopping.State.self, forKey: .earlyStopping)
            generators =
                try c.decodeIfPresent([String: Xoshiro256].self, forKey: .generators)
                ?? [:]
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
    /// The current state of the run: model, optimizer, early stopping, position, the
    /// generators of the model's `Dropout` layers, and `generators` (the caller's own, by
    /// name; names must not start with ``TrainingSnapshot/layerGeneratorPrefix``).
    public func snapshot(generators: [String: Xoshiro256] = [:]) -> TrainingSnapshot {
        var extra: [String: Tensor] = [:]
        for (name, tensor) in earlyStopping?.bestWeights ?? [:] {
            extra[TrainingSnapshot.bestWeightsPrefix + name] = tensor
        }
        var allGenerators = generators
        for (name, layer) in model.namedDescendants {
            if let dropout = layer as? Dropout {
                allGenerators[TrainingSnapshot.layerGeneratorPrefix + name] = dropout.generator
            }
        }
        return TrainingSnapshot(
            modelState: model.stateDictionary, optimizerState: optimizer.stateTensors(),
            extraTensors: extra,
            scalars: .init(
                trainer: state, optimizer: optimizer.scalarState,
                earlyStopping: earlyStopping?.state, generators: allGenerators))
    }

    /// Restores a run saved with ``snapshot(generators:)`` into this trainer, whose model,
    /// optimizer and early stopping must be configured as the saved ones were, including the
    /// generators of its `Dropout` layers.
    /// - Returns: The caller's own generators, by name, to put back where they came from.
    /// - Throws: The model's or optimizer's strict loading error (naming the tensor);
    ///   ``NeuralNetError/invalidConfiguration(_:)`` if the snapshot has early-stopping state
    ///   and this trainer has no early stopping (or the reverse), for unknown extra tensors,
    ///   or for a layer generator that names no `Dropout` layer of the model.
    @discardableResult
    public func restore(_ snapshot: TrainingSnapshot) throws -> [String: Xoshiro256] {
        try snapshot.scalars.trainer.validate()
        try require(
            (snapshot.scalars.earlyStopping == nil) == (earlyStopping == nil),
            "Trainer.restore: early stopping is configured differently from the snapshot")
        var best: [String: Tensor] = [:]
        for (name, tensor) in snapshot.extraTensors {
            guard name.hasPrefix(TrainingSnapshot.bestWeightsPrefix) else {
                throw NeuralNetError.invalidConfiguration(
                    "Trainer.restore: unexpected extra tensor \(name)")
            }
            best[String(name.dropFirst(TrainingSnapshot.bestWeightsPrefix.count))] = tensor
        }
        var dropouts: [String: Dropout] = [:]
        for (name, layer) in model.namedDescendants {
            if let dropout = layer as? Dropout { dropouts[name] = dropout }
        }
        var callerGenerators: [String: Xoshiro256] = [:],
            layerGenerators: [(Dropout, Xoshiro256)] = []
        for (name, generator) in snapshot.scalars.generators {
            guard name.hasPrefix(TrainingSnapshot.layerGeneratorPrefix) else {
                callerGenerators[name] = generator
                continue
            }
            let layerName = String(name.dropFirst(TrainingSnapshot.layerGeneratorPrefix.count))
            guard let dropout = dropouts[layerName] else {
                throw NeuralNetError.invalidConfiguration(
                    "Trainer.restore: generator \(name) names no Dropout layer of the model")
            }
            layerGenerators.append((dropout, generator))
        }
        try model.loadStateDictionary(snapshot.modelState)
        try optimizer.loadState(
            tensors: snapshot.optimizerState, scalars: snapshot.scalars.optimizer)
        if var stopper = earlyStopping, let saved = snapshot.scalars.earlyStopping {
            try stopper.restore(state: saved, bestWeights: best.isEmpty ? nil : best)
            earlyStopping = stopper
        }
        for (dropout, generator) in layerGenerators { dropout.generator = generator }
        state = snapshot.scalars.trainer
        return callerGenerators
    }
}
