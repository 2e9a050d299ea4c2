import Foundation

/// Any JSON value, for reading `swift package dump-package` output.
/// `description` is compact JSON with sorted keys, so two equal values print the same.
indirect enum JSON: Decodable, Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSON].self))
        }
    }

    /// Parses JSON text (for tests that write small manifests by hand).
    init(parsing text: String) throws {
        self = try JSONDecoder().decode(JSON.self, from: Data(text.utf8))
    }

    /// The member `key` of an object; `.null` when absent or when this is not an object.
    subscript(key: String) -> JSON {
        if case .object(let members) = self { return members[key] ?? .null }
        return .null
    }

    /// The elements of an array; empty for anything else.
    var elements: [JSON] {
        if case .array(let values) = self { return values }
        return []
    }

    /// The member names of an object; empty for anything else.
    var keys: [String] {
        if case .object(let members) = self { return Array(members.keys) }
        return []
    }

    /// The string, or `nil` when this is not a string.
    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var description: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .number(let value):
            return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
        case .string(let value):
            let encoder = JSONEncoder()
            encoder.outputFormatting = .withoutEscapingSlashes
            let data = try? encoder.encode(value)
            return data.map { String(decoding: $0, as: UTF8.self) } ?? "\"\(value)\""
        case .array(let values): return "[" + values.map(\.description).joined(separator: ",") + "]"
        case .object(let members):
            let pairs = members.keys.sorted().map { key in
                JSON.string(key).description + ":" + members[key]!.description
            }
            return "{" + pairs.joined(separator: ",") + "}"
        }
    }
}
