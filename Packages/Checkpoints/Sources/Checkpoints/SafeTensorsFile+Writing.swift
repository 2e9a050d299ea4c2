import Foundation
import TensorMath

extension SafeTensorsFile {
    /// Writes `tensors` as `F32` with `metadata` to `url`, atomically (see ``AtomicFile``).
    ///
    /// The bytes match Python's `safetensors.torch.save_file` for the same float32 tensors
    /// and metadata: tensors sorted by name (UTF-8 byte order), compact JSON escaped as
    /// `serde_json` does, the header padded with spaces to a multiple of 8 bytes. Python
    /// writes metadata keys in an unspecified (hash) order; this writer sorts them, so files
    /// with at most one metadata key are byte-identical, and others differ only in that order.
    /// Data are streamed from the tensors' storage; nothing is copied on little-endian hosts.
    ///
    /// - Parameters:
    ///   - tensors: The tensors by name. Names are any non-empty string except
    ///     `__metadata__`.
    ///   - metadata: The `__metadata__` string map; omitted from the header when empty
    ///     (the default).
    ///   - url: The destination; a previous file there is replaced only once the new one is
    ///     complete on disk.
    /// - Throws: ``CheckpointError/invalidArgument(operation:reason:)`` for a reserved or empty
    ///   name or a header over ``SafeTensorsLimits``, or
    ///   ``CheckpointError/fileSystem(path:operation:message:)``.
    public static func write(
        _ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL
    ) throws {
        let layout = try Layout(tensors: tensors, metadata: metadata)
        try AtomicFile.write(to: url) { writer in
            try writer.write(layout.header)
            for (_, tensor) in layout.ordered { try writer.writeLittleEndian(tensor) }
        }
    }

    /// The bytes of the safetensors file that ``write(_:metadata:to:)`` would write.
    /// - Throws: ``CheckpointError/invalidArgument(operation:reason:)``.
    public static func serialize(_ tensors: [String: Tensor], metadata: [String: String] = [:])
        throws -> [UInt8]
    {
        let layout = try Layout(tensors: tensors, metadata: metadata)
        var bytes = layout.header
        bytes.reserveCapacity(layout.totalByteCount)
        for (_, tensor) in layout.ordered {
            tensor.withUnsafeBufferPointer { scalars in
                #if _endian(little)
                bytes += UnsafeRawBufferPointer(scalars)
                #else
                for value in scalars {
                    Swift.withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 }
                }
                #endif
            }
        }
        return bytes
    }

    /// The header and the data order of a file to write.
    private struct Layout {
        var header: [UInt8]
        var ordered: [(name: String, tensor: Tensor)]
        var totalByteCount: Int

        init(tensors: [String: Tensor], metadata: [String: String]) throws {
            let operation = "SafeTensorsFile.write"
            guard tensors.count <= SafeTensorsLimits.maximumTensorCount else {
                throw CheckpointError.invalidArgument(
                    operation: operation,
                    reason: "\(tensors.count) tensors exceed the limit of "
                        + "\(SafeTensorsLimits.maximumTensorCount)")
            }
            ordered = tensors.map { ($0.key, $0.value) }
                .sorted { HeaderJSONWriter.precedes($0.name, $1.name) }
            var json: [UInt8] = [UInt8(ascii: "{")]
            if !metadata.isEmpty {
                HeaderJSONWriter.appendString(SafeTensorsHeader.metadataKey, to: &json)
                json += Array(":{".utf8)
                let keys = metadata.keys.sorted(by: HeaderJSONWriter.precedes)
                for (position, key) in keys.enumerated() {
                    if position > 0 { json.append(UInt8(ascii: ",")) }
                    HeaderJSONWriter.appendString(key, to: &json)
                    json.append(UInt8(ascii: ":"))
                    HeaderJSONWriter.appendString(metadata[key] ?? "", to: &json)
                }
                json.append(UInt8(ascii: "}"))
            }
            var offset = 0
            for (position, (name, tensor)) in ordered.enumerated() {
                guard !name.isEmpty, name != SafeTensorsHeader.metadataKey else {
                    throw CheckpointError.invalidArgument(
                        operation: operation, reason: "invalid tensor name \"\(name)\"")
                }
                guard tensor.rank <= SafeTensorsLimits.maximumRank else {
                    throw CheckpointError.invalidArgument(
                        operation: operation,
                        reason: "tensor \"\(name)\" has rank \(tensor.rank), over the limit of "
                            + "\(SafeTensorsLimits.maximumRank)")
                }
                if position > 0 || !metadata.isEmpty { json.append(UInt8(ascii: ",")) }
                HeaderJSONWriter.appendString(name, to: &json)
                json += Array(":{\"dtype\":\"F32\",\"shape\":".utf8)
                HeaderJSONWriter.appendIntegers(tensor.shape, to: &json)
                json += Array(",\"data_offsets\":".utf8)
                let end = offset + tensor.count * 4
                HeaderJSONWriter.appendIntegers([offset, end], to: &json)
                json.append(UInt8(ascii: "}"))
                offset = end
            }
            json.append(UInt8(ascii: "}"))
            json += [UInt8](repeating: UInt8(ascii: " "), count: (8 - json.count % 8) % 8)
            guard json.count <= SafeTensorsLimits.maximumHeaderBytes else {
                throw CheckpointError.invalidArgument(
                    operation: operation,
                    reason: "the header would take \(json.count) bytes, over the limit of "
                        + "\(SafeTensorsLimits.maximumHeaderBytes)")
            }
            header = Swift.withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) } + json
            totalByteCount = header.count + offset
        }
    }
}

extension AtomicFile.Writer {
    /// Appends the scalars of `tensor` as little-endian `Float`s.
    func writeLittleEndian(_ tensor: Tensor) throws {
        #if _endian(little)
        try tensor.withUnsafeBufferPointer { try write(UnsafeRawBufferPointer($0)) }
        #else
        var chunk = [UInt32]()
        chunk.reserveCapacity(1 << 16)
        try tensor.withUnsafeBufferPointer { scalars in
            var start = 0
            while start < scalars.count {
                let end = min(start + (1 << 16), scalars.count)
                chunk.removeAll(keepingCapacity: true)
                for i in start..<end { chunk.append(scalars[i].bitPattern.littleEndian) }
                try chunk.withUnsafeBytes { try write($0) }
                start = end
            }
        }
        #endif
    }
}
