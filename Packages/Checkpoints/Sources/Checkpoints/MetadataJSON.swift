import Foundation

/// The JSON conventions of SwiftCNN's metadata values: sorted keys, unescaped slashes, and
/// non-finite numbers as the strings `"inf"`, `"-inf"` and `"nan"` (a diverged loss or an
/// early-stopping best of infinity must survive a checkpoint). Doubles are written in their
/// shortest round-trip form, so every finite value reads back bit for bit.
enum MetadataJSON {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    /// `value` as a JSON string.
    /// - Throws: ``CheckpointError/invalidArgument(operation:reason:)`` naming `key`.
    static func string<T: Encodable>(_ value: T, key: String) throws -> String {
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw CheckpointError.invalidArgument(
                operation: "encode metadata \"\(key)\"", reason: "\(error)")
        }
    }

    /// Decodes the JSON string stored under `key` in `metadata`.
    /// - Throws: ``CheckpointError/missingMetadata(path:key:)`` or
    ///   ``CheckpointError/invalidMetadata(path:key:reason:)``, naming `path` and `key`.
    static func value<T: Decodable>(
        _ type: T.Type, key: String, in metadata: [String: String], path: String
    ) throws -> T {
        guard let text = metadata[key] else {
            throw CheckpointError.missingMetadata(path: path, key: key)
        }
        do {
            return try decoder.decode(type, from: Data(text.utf8))
        } catch let error as DecodingError {
            throw CheckpointError.invalidMetadata(path: path, key: key, reason: describe(error))
        } catch {
            throw CheckpointError.invalidMetadata(path: path, key: key, reason: "\(error)")
        }
    }

    /// A one-line explanation of a decoding error: where and what.
    static func describe(_ error: DecodingError) -> String {
        func location(_ path: [CodingKey]) -> String {
            path.isEmpty
                ? ""
                : " at "
                    + path.map { $0.intValue.map(String.init) ?? $0.stringValue }
                    .joined(separator: ".")
        }
        switch error {
        case let .typeMismatch(_, context), let .valueNotFound(_, context):
            return context.debugDescription + location(context.codingPath)
        case let .keyNotFound(key, context):
            return "missing field \"\(key.stringValue)\"" + location(context.codingPath)
        case let .dataCorrupted(context):
            let underlying = context.underlyingError.map { " (\($0))" } ?? ""
            return context.debugDescription + location(context.codingPath) + underlying
        @unknown default:
            return "\(error)"
        }
    }
}
