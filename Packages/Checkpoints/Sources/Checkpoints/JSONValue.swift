import Foundation

/// Any JSON value: the free-form parts of model metadata and training state (an
/// architecture's configuration, an optimizer's scalar state, extras).
///
/// Numbers are `Double`s, exact for integers up to 2⁵³; store larger integers (seeds, random
/// state words) as strings. Keep numbers finite: infinities and NaN are written as the strings
/// `"inf"`, `"-inf"` and `"nan"` and read back as those strings (typed `Double` fields of a
/// `Codable` value read them back as numbers). Write literals directly, or convert any
/// `Codable` value:
///
/// ```swift
/// let configuration: JSONValue = ["channels": [6, 16], "dropout": 0.5]
/// struct Settings: Codable { var classes = 10 }
/// let typed = try JSONValue(encoding: Settings())
/// let back = try typed.decode(as: Settings.self)
/// ```
public enum JSONValue: Codable, Equatable, Sendable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number.
    case number(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object; its keys are written sorted.
    case object([String: JSONValue])

    /// Converts an `Encodable` value through JSON.
    /// - Throws: `EncodingError` if `value` does not encode (a non-finite number).
    public init<T: Encodable>(encoding value: T) throws {
        let data = try MetadataJSON.encoder.encode(value)
        self = try MetadataJSON.decoder.decode(JSONValue.self, from: data)
    }

    /// Converts the value to a `Decodable` type through JSON.
    /// - Throws: `DecodingError` if the value does not have the type's structure.
    public func decode<T: Decodable>(as type: T.Type = T.self) throws -> T {
        try MetadataJSON.decoder.decode(type, from: MetadataJSON.encoder.encode(self))
    }

    /// The member named `key` of an object; `nil` for other values or a missing key.
    public subscript(key: String) -> JSONValue? {
        if case let .object(members) = self { return members[key] }
        return nil
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .bool(value): try container.encode(value)
        case let .number(value): try container.encode(value)
        case let .string(value): try container.encode(value)
        case let .array(value): try container.encode(value)
        case let .object(value): try container.encode(value)
        }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
