/// Reads training checkpoints of format 1, which kept a `TrainingState` JSON object under
/// `swiftcnn.training_state`: position fields, `generators`, and `extras`, where the trainer's
/// scalar state sat under `extras.trainer` and an app's configuration under other keys.
enum FormatOne {
    /// The format-1 state `old` as a format-2 document: `extras.trainer` with the file's
    /// `generators` added is the state; the other `extras` are the user info.
    /// - Throws: ``CheckpointError/invalidMetadata(path:key:reason:)`` naming format 1 when
    ///   the file has no trainer state (it was not written by a SwiftCNN trainer).
    static func convert(_ old: JSONValue, path: String) throws -> TrainingCheckpoint.Document {
        guard case let .object(extras)? = old["extras"],
            case var .object(state)? = extras["trainer"]
        else {
            throw CheckpointError.invalidMetadata(
                path: path, key: TrainingCheckpoint.MetadataKey.formatOneState,
                reason: "a training checkpoint of format 1 without the trainer's state "
                    + "(extras.trainer); this version reads only format-1 files that a "
                    + "SwiftCNN trainer wrote")
        }
        if state["generators"] == nil, let generators = old["generators"] {
            state["generators"] = generators
        }
        var userInfo = extras
        userInfo["trainer"] = nil
        return TrainingCheckpoint.Document(
            formatVersion: 1, state: .object(state), userInfo: userInfo)
    }
}
