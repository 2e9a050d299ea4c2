import Foundation
import TensorMath

/// Everything needed to resume an interrupted training run, in one safetensors file: the
/// model's weights, the optimizer's tensors, any extra tensors, and one versioned JSON document
/// holding the run's scalar state.
///
/// Layout: tensors are stored under the prefixes `model.`, `optimizer.` and `extra.`
/// (`model.features.0.weight`, `optimizer.exp_avg.features.0.weight`); the document is JSON
/// under ``MetadataKey/document``:
///
/// ```json
/// {"format_version": 2, "state": {…}, "user_info": {"session": {…}}}
/// ```
///
/// `state` is the trainer's scalar state, whose schema belongs to the trainer that wrote it
/// (NeuralNet's `TrainingSnapshot.Scalars`: position, history, optimizer scalars, early
/// stopping, random generators); the `CheckpointedTraining` package writes and reads it.
/// `user_info` is anything else the writer keeps by name (an app's run configuration). A
/// ``ModelDescription``, if given, is stored as in a model file, so a checkpoint can also be
/// inspected like one. Writes are atomic: an interrupted save leaves the previous checkpoint
/// intact. Every tensor bit and every number reads back exactly.
///
/// Files of format 1 (written before the document existed, with the state under
/// `swiftcnn.training_state`) are read and converted; other versions are refused with an
/// error naming the file and the version.
///
/// ```swift
/// let checkpoint = TrainingCheckpoint(
///     modelState: model.stateDictionary, optimizerState: optimizer.stateTensors(),
///     state: try JSONValue(encoding: scalars), userInfo: ["note": "first run"])
/// try checkpoint.write(to: url)
/// let resumed = try TrainingCheckpoint(contentsOf: url)
/// ```
public struct TrainingCheckpoint: Equatable, Sendable {
    /// The metadata keys of a checkpoint (besides ``ModelDescription/MetadataKey``).
    public enum MetadataKey {
        /// The versioned JSON document.
        public static let document = "swiftcnn.training_checkpoint"
        /// Where format 1 kept its state (read for conversion only).
        public static let formatOneState = "swiftcnn.training_state"
    }

    /// The format this version writes.
    public static let formatVersion = 2
    /// The formats this version reads.
    public static let readableVersions = 1...2

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
    /// Other tensors (the best weights kept for early stopping).
    public var extraTensors: [String: Tensor]
    /// The trainer's scalar state; its schema belongs to the trainer that wrote it.
    public var state: JSONValue
    /// Anything else the writer keeps, by name.
    public var userInfo: [String: JSONValue]
    /// The model's description, if the writer supplies it.
    public var modelDescription: ModelDescription?
    /// The format of the file this checkpoint was read from (``formatVersion`` for a new one).
    public var sourceFormatVersion: Int

    /// Creates a checkpoint.
    /// - Parameters:
    ///   - modelState: The model's state dictionary (parameters and buffers), by name.
    ///   - optimizerState: Defaults to none.
    ///   - extraTensors: Defaults to none.
    ///   - state: The trainer's scalar state, in the trainer's own schema.
    ///   - userInfo: Defaults to none.
    ///   - modelDescription: Defaults to `nil`.
    public init(
        modelState: [String: Tensor], optimizerState: [String: Tensor] = [:],
        extraTensors: [String: Tensor] = [:], state: JSONValue,
        userInfo: [String: JSONValue] = [:], modelDescription: ModelDescription? = nil
    ) {
        self.modelState = modelState
        self.optimizerState = optimizerState
        self.extraTensors = extraTensors
        self.state = state
        self.userInfo = userInfo
        self.modelDescription = modelDescription
        self.sourceFormatVersion = Self.formatVersion
    }

    /// Writes the checkpoint to `url` atomically, in format ``formatVersion``.
    /// - Throws: ``CheckpointError/invalidArgument(operation:reason:)`` for an empty tensor
    ///   name or a document that does not encode, or
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
        metadata[MetadataKey.document] = try MetadataJSON.string(
            Document(formatVersion: Self.formatVersion, state: state, userInfo: userInfo),
            key: MetadataKey.document)
        try SafeTensorsFile.write(tensors, metadata: metadata, to: url)
    }

    /// Reads a checkpoint that ``write(to:)`` wrote (or a format-1 file).
    /// - Throws: The errors of ``SafeTensorsFile/init(contentsOf:readMode:)``;
    ///   ``CheckpointError/missingMetadata(path:key:)`` for a file that is not a training
    ///   checkpoint; ``CheckpointError/invalidMetadata(path:key:reason:)`` for a document that
    ///   does not decode or a format this version does not read (naming the version);
    ///   ``CheckpointError/tensorSetMismatch(path:mismatch:)`` listing tensors outside the
    ///   three prefixes.
    public init(contentsOf url: URL) throws {
        try self.init(file: SafeTensorsFile(contentsOf: url))
    }

    /// Reads a checkpoint from an opened file.
    /// - Throws: The errors of ``init(contentsOf:)``.
    public init(file: SafeTensorsFile) throws {
        let document = try Self.document(in: file)
        let description =
            file.metadata[ModelDescription.MetadataKey.architecture] == nil
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
            state: document.state, userInfo: document.userInfo, modelDescription: description)
        self.sourceFormatVersion = document.formatVersion
    }

    /// The JSON document under ``MetadataKey/document``.
    struct Document: Codable {
        var formatVersion: Int
        var state: JSONValue
        var userInfo: [String: JSONValue]

        init(formatVersion: Int, state: JSONValue, userInfo: [String: JSONValue]) {
            self.formatVersion = formatVersion
            self.state = state
            self.userInfo = userInfo
        }

        private enum CodingKeys: String, CodingKey {
            case formatVersion = "format_version", state, userInfo = "user_info"
        }

        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            formatVersion = try c.decode(Int.self, forKey: .formatVersion)
            guard formatVersion == TrainingCheckpoint.formatVersion else {
                throw DecodingError.dataCorruptedError(
                    forKey: .formatVersion, in: c,
                    debugDescription: "training-checkpoint format \(formatVersion) is not one "
                        + "this version reads (formats \(TrainingCheckpoint.readableVersions)); "
                        + "it was written by another version of SwiftCNN")
            }
            state = try c.decode(JSONValue.self, forKey: .state)
            userInfo = try c.decodeIfPresent([String: JSONValue].self, forKey: .userInfo) ?? [:]
        }
    }

    /// The file's document: format 2 as stored, format 1 converted.
    private static func document(in file: SafeTensorsFile) throws -> Document {
        if file.metadata[MetadataKey.document] == nil,
            file.metadata[MetadataKey.formatOneState] != nil
        {
            let old = try MetadataJSON.value(
                JSONValue.self, key: MetadataKey.formatOneState, in: file.metadata,
                path: file.path)
            return try FormatOne.convert(old, path: file.path)
        }
        return try MetadataJSON.value(
            Document.self, key: MetadataKey.document, in: file.metadata, path: file.path)
    }
}
