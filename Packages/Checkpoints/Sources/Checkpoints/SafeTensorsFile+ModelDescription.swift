import Foundation
import TensorMath

extension SafeTensorsFile {
    /// Writes a self-describing model file: `tensors` (the model's state dictionary, under
    /// PyTorch's dotted names) as `F32`, with `description` in the metadata, atomically.
    /// - Parameters:
    ///   - tensors: The model's state dictionary, by PyTorch's dotted names.
    ///   - description: The metadata that makes the file self-describing.
    ///   - extraMetadata: More `__metadata__` entries (default none); their keys must not start
    ///     with `swiftcnn.`.
    ///   - url: The destination, replaced atomically.
    /// - Throws: ``CheckpointError/invalidArgument(operation:reason:)`` for an inconsistent
    ///   description or a reserved key, or the errors of ``write(_:metadata:to:)``.
    public static func write(
        _ tensors: [String: Tensor], description: ModelDescription,
        extraMetadata: [String: String] = [:], to url: URL
    ) throws {
        if let key = extraMetadata.keys.first(where: { $0.hasPrefix("swiftcnn.") }) {
            throw CheckpointError.invalidArgument(
                operation: "SafeTensorsFile.write",
                reason: "extra metadata key \"\(key)\" uses the reserved prefix \"swiftcnn.\"")
        }
        let metadata = try description.metadata().merging(extraMetadata) { ours, _ in ours }
        try write(tensors, metadata: metadata, to: url)
    }

    /// The model description stored in the file's metadata.
    /// - Throws: ``CheckpointError/missingMetadata(path:key:)`` for a file without it (a
    ///   plain PyTorch file), ``CheckpointError/invalidMetadata(path:key:reason:)`` for one
    ///   that does not decode; both name the file and the key.
    public func modelDescription() throws -> ModelDescription {
        try ModelDescription(metadata: metadata, source: path)
    }
}
