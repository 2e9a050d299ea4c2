import Foundation

/// One hyper-parameter value: a number, a string or a flag.
///
/// Codable as the plain JSON value (`0.1`, `64`, `"adam"`, `true`); a whole-number `Double`
/// reads back as ``int(_:)``, which ``doubleValue`` and ``Hyperparameters/double(_:)`` accept
/// alike.
public enum HyperparameterValue: Codable, Hashable, Sendable, CustomStringConvertible,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
    ExpressibleByBooleanLiteral
{
    /// An integer (a width, a batch size, a depth).
    case int(Int)
    /// A real number (a rate, a decay).
    case double(Double)
    /// A name (an optimizer, an activation).
    case string(String)
    /// A flag.
    case bool(Bool)

    /// An ``int(_:)`` from a literal such as `64`.
    public init(integerLiteral value: Int) { self = .int(value) }
    /// A ``double(_:)`` from a literal such as `0.01`.
    public init(floatLiteral value: Double) { self = .double(value) }
    /// A ``string(_:)`` from a literal such as `"adam"`.
    public init(stringLiteral value: String) { self = .string(value) }
    /// A ``bool(_:)`` from `true` or `false`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }

    /// The value as a `Double` (integers convert), or `nil` for strings and flags.
    public var doubleValue: Double? {
        switch self {
        case let .int(value): return Double(value)
        case let .double(value): return value
        case .string, .bool: return nil
        }
    }

    public var description: String {
        switch self {
        case let .int(value): return String(value)
        case let .double(value): return String(format: "%.6g", value)
        case let .string(value): return value
        case let .bool(value): return String(value)
        }
    }

    /// Decodes a plain JSON value: a flag, an integer, a real number or a string.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    /// Encodes the plain JSON value.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .int(value): try container.encode(value)
        case let .double(value): try container.encode(value)
        case let .string(value): try container.encode(value)
        case let .bool(value): try container.encode(value)
        }
    }
}
