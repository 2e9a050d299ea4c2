import Checkpoints
import Foundation

/// A JSON value read from `swift package dump-package` output: Checkpoints' ``JSONValue`` with
/// the lenient accessors the manifest comparison wants (a missing member reads as `.null`, a
/// non-array has no elements). `description` is compact JSON with sorted keys, so two equal
/// values print the same.
struct JSON: Decodable, Equatable, CustomStringConvertible {
    /// The value.
    let value: JSONValue

    /// `null`.
    static let null = JSON(.null)

    init(_ value: JSONValue) { self.value = value }

    init(from decoder: Decoder) throws { value = try JSONValue(from: decoder) }

    /// Parses JSON text (for tests that write small manifests by hand).
    init(parsing text: String) throws {
        self = try JSONDecoder().decode(JSON.self, from: Data(text.utf8))
    }

    /// The member `key` of an object; `.null` when absent or when this is not an object.
    subscript(key: String) -> JSON { JSON(value[key] ?? .null) }

    /// The elements of an array; empty for anything else.
    var elements: [JSON] {
        if case .array(let values) = value { return values.map(JSON.init) }
        return []
    }

    /// The member names of an object; empty for anything else.
    var keys: [String] {
        if case .object(let members) = value { return Array(members.keys) }
        return []
    }

    /// The string, or `nil` when this is not a string.
    var string: String? {
        if case .string(let text) = value { return text }
        return nil
    }

    var description: String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number):
            return number == number.rounded() && abs(number) < 1e15
                ? String(Int(number)) : "\(number)"
        case .string(let text):
            let encoder = JSONEncoder()
            encoder.outputFormatting = .withoutEscapingSlashes
            let data = try? encoder.encode(text)
            return data.map { String(decoding: $0, as: UTF8.self) } ?? "\"\(text)\""
        case .array: return "[" + elements.map(\.description).joined(separator: ",") + "]"
        case .object(let members):
            let pairs = members.keys.sorted().map { key in
                JSON(.string(key)).description + ":" + JSON(members[key]!).description
            }
            return "{" + pairs.joined(separator: ",") + "}"
        }
    }
}
