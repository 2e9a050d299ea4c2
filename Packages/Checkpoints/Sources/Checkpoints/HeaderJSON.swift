/// A parsed JSON value of a safetensors header. Numbers keep their source text so that
/// offsets and dimensions are read as exact integers, never through `Double`; objects keep
/// their members in file order.
enum HeaderJSON {
    case object([(key: String, value: HeaderJSON)])
    case array([HeaderJSON])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    /// A short name of the value's kind, for error messages.
    var kind: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        }
    }
}

/// A strict JSON parser (RFC 8259) for safetensors headers.
///
/// It rejects what a lenient parser might accept (trailing commas, lone surrogates, control
/// characters in strings, invalid UTF-8, leading zeros), limits nesting to
/// ``SafeTensorsLimits/maximumJSONDepth`` so that hostile input cannot exhaust the stack and
/// arrays to ``SafeTensorsLimits/maximumJSONArrayCount`` elements, and accepts trailing
/// whitespace (the format pads headers with spaces).
struct HeaderJSONParser {
    /// The reason and byte offset of a parse failure.
    struct Failure: Error {
        var offset: Int
        var reason: String
    }

    private let bytes: UnsafeRawBufferPointer
    private var position = 0

    private init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Parses `bytes` as one JSON value followed only by whitespace.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws -> HeaderJSON {
        var parser = HeaderJSONParser(bytes)
        let value = try parser.parseValue(depth: 1)
        parser.skipWhitespace()
        guard parser.position == bytes.count else {
            throw parser.failure("unexpected \(parser.describeCurrent()) after the JSON value")
        }
        return value
    }

    private func failure(_ reason: String) -> Failure {
        Failure(offset: position, reason: reason)
    }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private func describeCurrent() -> String {
        guard let byte = current else { return "end of header" }
        if byte >= 0x21 && byte < 0x7F { return "character '\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16))"
    }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            position += 1
        }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws {
        guard current == byte else { throw failure("expected \(what), found \(describeCurrent())") }
        position += 1
    }

    private mutating func parseValue(depth: Int) throws -> HeaderJSON {
        guard depth <= SafeTensorsLimits.maximumJSONDepth else {
            throw failure("nesting deeper than \(SafeTensorsLimits.maximumJSONDepth) levels")
        }
        skipWhitespace()
        switch current {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try parseLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try parseLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try parseLiteral("null"); return .null
        case let byte? where byte == UInt8(ascii: "-") || (byte >= 0x30 && byte <= 0x39):
            return .number(try parseNumber())
        default:
            throw failure("expected a value, found \(describeCurrent())")
        }
    }

    private mutating func parseLiteral(_ literal: String) throws {
        let start = position
        for expected in literal.utf8 {
            guard current == expected else {
                position = start
                throw failure("invalid literal, expected \(literal)")
            }
            position += 1
        }
    }

    private mutating func parseObject(depth: Int) throws -> HeaderJSON {
        position += 1  // {
        var members: [(key: String, value: HeaderJSON)] = []
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else {
                throw failure("expected a string key, found \(describeCurrent())")
            }
            let key = try parseString()
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "':'")
            let value = try parseValue(depth: depth + 1)
            members.append((key, value))
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect(UInt8(ascii: "}"), "',' or '}'")
            return .object(members)
        }
    }

    private mutating func parseArray(depth: Int) throws -> HeaderJSON {
        position += 1  // [
        var elements: [HeaderJSON] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            guard elements.count < SafeTensorsLimits.maximumJSONArrayCount else {
                throw failure(
                    "an array longer than \(SafeTensorsLimits.maximumJSONArrayCount) elements")
            }
            elements.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect(UInt8(ascii: "]"), "',' or ']'")
            return .array(elements)
        }
    }

    /// Parses a number and returns its text, validated against the JSON grammar.
    private mutating func parseNumber() throws -> String {
        let start = position
        if current == UInt8(ascii: "-") { position += 1 }
        guard let first = current, first >= 0x30 && first <= 0x39 else {
            throw failure("expected a digit")
        }
        position += 1
        if first == 0x30, let next = current, next >= 0x30 && next <= 0x39 {
            throw failure("leading zeros are not allowed")
        }
        skipDigits()
        if current == UInt8(ascii: ".") {
            position += 1
            guard try requireDigit() else { throw failure("expected a digit after '.'") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard try requireDigit() else { throw failure("expected a digit in the exponent") }
        }
        return String(
            decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]),
            as: UTF8.self)
    }

    private mutating func skipDigits() {
        while let byte = current, byte >= 0x30 && byte <= 0x39 { position += 1 }
    }

    private mutating func requireDigit() throws -> Bool {
        guard let byte = current, byte >= 0x30 && byte <= 0x39 else { return false }
        skipDigits()
        return true
    }

    /// Parses a string literal (the opening quote is current), decoding escapes and
    /// validating UTF-8.
    private mutating func parseString() throws -> String {
        position += 1  // "
        var utf8: [UInt8] = []
        var runStart = position
        while true {
            guard let byte = current else { throw failure("unterminated string") }
            if byte == UInt8(ascii: "\"") {
                utf8.append(contentsOf: bytes[runStart..<position])
                position += 1
                break
            }
            if byte < 0x20 {
                throw failure(
                    "unescaped control character 0x\(String(byte, radix: 16)) in a string")
            }
            if byte != UInt8(ascii: "\\") {
                position += 1
                continue
            }
            utf8.append(contentsOf: bytes[runStart..<position])
            position += 1
            guard let escape = current else { throw failure("unterminated escape") }
            position += 1
            switch escape {
            case UInt8(ascii: "\""): utf8.append(0x22)
            case UInt8(ascii: "\\"): utf8.append(0x5C)
            case UInt8(ascii: "/"): utf8.append(0x2F)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                let scalar = try parseUnicodeEscape()
                utf8.append(contentsOf: Array(String(Character(scalar)).utf8))
            default:
                position -= 1
                throw failure("invalid escape \\\(describeCurrent())")
            }
            runStart = position
        }
        guard let string = String(validating: utf8, as: UTF8.self) else {
            throw failure("a string is not valid UTF-8")
        }
        return string
    }

    /// Parses the hex digits of `\uXXXX` (and of a following low surrogate).
    private mutating func parseUnicodeEscape() throws -> Unicode.Scalar {
        let high = try parseHex4()
        if high >= 0xD800 && high <= 0xDBFF {
            guard position + 6 <= bytes.count, bytes[position] == UInt8(ascii: "\\"),
                bytes[position + 1] == UInt8(ascii: "u")
            else { throw failure("lone leading surrogate in a \\u escape") }
            position += 2
            let low = try parseHex4()
            guard low >= 0xDC00 && low <= 0xDFFF else {
                throw failure("invalid trailing surrogate in a \\u escape")
            }
            let value = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            guard let scalar = Unicode.Scalar(value) else {
                throw failure("invalid surrogate pair in a \\u escape")
            }
            return scalar
        }
        guard let scalar = Unicode.Scalar(high) else {
            throw failure("lone trailing surrogate in a \\u escape")
        }
        return scalar
    }

    private mutating func parseHex4() throws -> UInt32 {
        guard position + 4 <= bytes.count else { throw failure("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: throw failure("invalid hex digit in a \\u escape")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }
}
