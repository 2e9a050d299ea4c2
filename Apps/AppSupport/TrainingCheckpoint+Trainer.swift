import Checkpoints
import NeuralNet
import TensorMath

/// The bridge between a running ``Trainer`` (NeuralNet) and a training-checkpoint file
/// (Checkpoints): one file holds the model's weights and buffers, the optimizer's state, early
/// stopping's best weights, the trainer's position and history, and every random generator the
/// run draws from (each `Dropout` layer's, plus the app's own: shuffling, augmentation).
///
/// ```swift
/// try TrainingCheckpoint(trainer: trainer, generators: ["shuffle": shuffleGenerator])
///     .write(to: checkpointURL)
/// // … later, in a new process, with a trainer configured the same way:
/// let generators = try TrainingCheckpoint(contentsOf: checkpointURL).restore(into: trainer)
/// ```
extension TrainingCheckpoint {
    /// The `extras` key holding the trainer's full scalar state (`TrainingSnapshot.Scalars`).
    public static let trainerStateKey = "trainer"
    /// The prefix of generator names that belong to layers (`layer.features.5` for a `Dropout`).
    public static let layerGeneratorPrefix = "layer."

    /// Captures `trainer`'s run, the generators of its model's `Dropout` layers, and
    /// `generators` (the app's own, by name).
    /// - Throws: ``CheckpointError`` if the state does not encode.
    public init(
        trainer: Trainer, generators: [String: Xoshiro256] = [:],
        modelDescription: ModelDescription? = nil
    ) throws {
        let snapshot = trainer.snapshot()
        var states = generators.mapValues(GeneratorState.init)
        for (name, layer) in trainer.model.namedDescendants {
            if let dropout = layer as? Dropout {
                states[Self.layerGeneratorPrefix + name] = GeneratorState(dropout.generator)
            }
        }
        let trainerState = snapshot.scalars.trainer
        self.init(
            modelState: snapshot.modelState, optimizerState: snapshot.optimizerState,
            extraTensors: snapshot.extraTensors,
            trainingState: TrainingState(
                epoch: trainerState.epoch, batchCursor: trainerState.batchCursor,
                globalStep: trainerState.globalStep, scheduleStep: trainerState.globalStep,
                learningRate: Double(trainer.optimizer.learningRate), generators: states,
                extras: [Self.trainerStateKey: try JSONValue(encoding: snapshot.scalars)]),
            modelDescription: modelDescription)
    }

    /// Restores the run into `trainer` (configured as the saved one was: same architecture,
    /// optimizer and early stopping), including its `Dropout` generators, and returns the app's
    /// own generators by name.
    /// - Throws: the strict loading errors of the model and optimizer (naming the tensor), or
    ///   ``CheckpointError`` if the trainer state is missing or does not decode.
    @discardableResult
    public func restore(into trainer: Trainer) throws -> [String: Xoshiro256] {
        guard let encoded = trainingState.extras[Self.trainerStateKey] else {
            throw CheckpointError.invalidArgument(
                operation: "TrainingCheckpoint.restore",
                reason: "the checkpoint has no trainer state (extras.\(Self.trainerStateKey))")
        }
        let scalars = try encoded.decode(as: TrainingSnapshot.Scalars.self)
        try trainer.restore(TrainingSnapshot(
            modelState: modelState, optimizerState: optimizerState,
            extraTensors: extraTensors, scalars: scalars))
        var appGenerators: [String: Xoshiro256] = [:]
        var layers: [String: Dropout] = [:]
        for (name, layer) in trainer.model.namedDescendants {
            if let dropout = layer as? Dropout { layers[name] = dropout }
        }
        for (name, state) in trainingState.generators {
            let generator = try state.makeXoshiro256()
            if name.hasPrefix(Self.layerGeneratorPrefix) {
                let layerName = String(name.dropFirst(Self.layerGeneratorPrefix.count))
                guard let dropout = layers[layerName] else {
                    throw CheckpointError.invalidArgument(
                        operation: "TrainingCheckpoint.restore",
                        reason: "generator \(name) names no Dropout layer of the model")
                }
                dropout.generator = generator
            } else {
                appGenerators[name] = generator
            }
        }
        return appGenerators
    }
}
