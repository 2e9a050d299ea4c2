import Foundation
import TensorMath

/// Everything needed to resume an interrupted training run, in one safetensors file: the
/// model's weights, the optimizer's tensors, any extra tensors, and the ``TrainingState``
/// (position, random generators, schedule, early stopping, metric history).
///
/// Layout: tensors are stored under the prefixes `model.`, `optimizer.` and `extra.`
/// (`model.features.0.weight`, `optimizer.features.0.weight.momentum`); the state is JSON under
/// ``MetadataKey/trainingState``; a ``ModelDescription``, if given, is stored as in a model
/// file, so a checkpoint can also be inspected like one. Writes are atomic: an interrupted save
/// leaves the previous checkpoint intact. Every tensor bit and every field reads back exactly.
///
/// ```swift
/// let checkpoint = TrainingCheckpoint(
///     modelState: model.stateDictionary, optimizerState: optimizer.stateTensors,
///     trainingState: TrainingState(epoch: 3, batchCursor: 120, globalStep: 1_920,
///                                  generators: ["shuffle": GeneratorState(shuffleRNG)]))
/// try checkpoint.write(to: url)
/// let resumed = try TrainingCheckpoint(contentsOf: url)
/// ```
public struct TrainingCheckpoint: Equatable, Sendable {
    /// The metadata keys of a checkpoint (besides ``ModelDescription/MetadataKey``).
    public enum MetadataKey {
        /// The ``TrainingState`` as JSON.
        public static let trainingState = "swiftcnn.training_state"
    }

    /// The prefix of the model's tensors in the file: `model.`.
    public static let modelPrefix = "model."
    /// The prefix of the optimizer's tensors in the file: `optimizer.`.
    public static let optimizerPrefix = "optimizer."
    /// The prefix of extra tensors in the file: `extra.`.
    public static let extraPrefix = "extra."

    /// The model's parameters and buffers by dotted name (its state dictionary).
    public var modelState: [String: Tensor]
    /// The optimizer's per-parameter tensors (momentum, Adam moments) under names its
    /// implementation chooses.
    public var optimizerState: [String: Tensor]
    /// Other tensors (the best weights kept for early stopping, a data permutation).
    public var extraTensors: [String: Tensor]
    /// The scalar state of the run.
    public var trainingState: TrainingState
    /// The model's description, if the trainer supplies it.
    public var modelDescription: ModelDescription?

    /// Creates a checkpoint.
    /// - Parameters:
    ///   - optimizerState: Defaults to none.
    ///   - extraTensors: Defaults to none.
    ///   - modelDescription: Defaults to `nil`.
    public init(
        modelState: [String: Tensor], optimizerState: [String: Tensor] = [:],
        extraTensors: [String: Tensor] = [:], trainingState: TrainingState,
        modelDescription: ModelDescription? = nil
    ) {
        self.modelState = modelState
        self.optimizerState = optimizerState
        self.extraTensors = extraTensors
        self.trainingState = trainingState
        self.modelDescription = modelDescription
    }

    /// Writes the checkpoint to `url` atomically.
    /// - Throws: ``CheckpointError/invalidArgument(operation:reason:)`` for an empty tensor
    ///   name or a state that does not encode, or
    ///   ``CheckpointError/fileSystem(path:operation:message:)``.
    public func write(to url: URL) throws {
        var tensors: [String: Tensor] = [:]
        tensors.reserveCapacity(modelState.count + optimizerState.count + extraTensors.count)
        for (prefix, group) in [
            (Self.modelPrefix, modelState), (Self.optimizerPrefix, optimizerState),
            (Self.extraPrefix, extraTensors),
        ] {
            for (name, tensor) in group {
                guard !name.isEmpty else {
                    throw CheckpointError.invalidArgument(
                        operation: "TrainingCheckpoint.write",
                        reason: "empty tensor name in the \(prefix.dropLast()) group")
                }
                tensors[prefix + name] = tensor
            }
        }
        var metadata = try modelDescription?.metadata() ?? [:]
        metadata[ModelDescription.MetadataKey.formatVersion] =
            String(ModelDescription.formatVersion)
        metadata[MetadataKey.trainingState] = try MetadataJSON.string(
            trainingState, key: MetadataKey.trainingState)
        try SafeTensorsFile.write(tensors, metadata: metadata, to: url)
    }

    /// Reads a checkpoint that ``write(to:)`` wrote.
    /// - Throws: The errors of ``SafeTensorsFile/init(contentsOf:readMode:)``;
    ///   ``CheckpointError/missingMetadata(path:key:)`` for a file without training state;
    ///   ``CheckpointError/invalidMetadata(path:key:reason:)`` for a state that does not
    ///   decode; ``CheckpointError/tensorSetMismatch(path:mismatch:)`` listing tensors outside
    ///   the three prefixes.
    public init(contentsOf url: URL) throws {
        try self.init(file: SafeTensorsFile(contentsOf: url))
    }

    /// Reads a checkpoint from an opened file.
    /// - Throws: The errors of ``init(contentsOf:)``.
    public init(file: SafeTensorsFile) throws {
        let state = try MetadataJSON.value(
            TrainingState.self, key: MetadataKey.trainingState, in: file.metadata,
            path: file.path)
        let description = file.metadata[ModelDescription.MetadataKey.architecture] == nil
            ? nil : try file.modelDescription()
        var model: [String: Tensor] = [:], optimizer: [String: Tensor] = [:]
        var extra: [String: Tensor] = [:], stray: [String: [Int]] = [:]
        for entry in file.entries {
            let name = entry.name
            if name.hasPrefix(Self.modelPrefix) {
                model[String(name.dropFirst(Self.modelPrefix.count))] = try file.tensor(named: name)
            } else if name.hasPrefix(Self.optimizerPrefix) {
                optimizer[String(name.dropFirst(Self.optimizerPrefix.count))] =
                    try file.tensor(named: name)
            } else if name.hasPrefix(Self.extraPrefix) {
                extra[String(name.dropFirst(Self.extraPrefix.count))] = try file.tensor(named: name)
            } else {
                stray[name] = entry.shape
            }
        }
        if let mismatch = TensorSetMismatch(expected: [:], actual: stray) {
            throw CheckpointError.tensorSetMismatch(path: file.path, mismatch: mismatch)
        }
        self.init(
            modelState: model, optimizerState: optimizer, extraTensors: extra,
            trainingState: state, modelDescription: description)
    }
}
