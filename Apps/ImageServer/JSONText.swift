/// JSON written straight into bytes, for the answer every `:classify` request gets
/// (``ClassifyResponses/Single/jsonBytes()``): the generic `JSONEncoder` path was 5% of the
/// server's CPU at one connection. Numbers are written as `JSONCoding` writes them (shortest
/// round-trip digits, no trailing `.0`), strings escaped as JSON requires (quote, backslash,
/// control characters) and otherwise left as UTF-8, `/` included.
struct JSONText {
    private(set) var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(512) }

    /// Appends `text` as it is (punctuation and keys).
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func number(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
    }

    /// Appends `value`; `false` (and nothing appended) when it is not finite, which JSON
    /// cannot express.
    mutating func number<F: BinaryFloatingPoint & LosslessStringConvertible>(_ value: F) -> Bool {
        guard value.isFinite else { return false }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
        return true
    }

    /// Appends `value` as a JSON string.
    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0x08: raw("\\b")
            case 0x0C: raw("\\f")
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                raw("\\u00")
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 15)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

extension ClassifyResponses.Single {
    /// This answer as the JSON `JSONCoding` writes for it (the same keys, sorted), written
    /// directly; `nil` when a number is not finite (``ServerResponder/json(_:status:)`` then
    /// reports the encoding error).
    func jsonBytes() -> [UInt8]? {
        var json = JSONText()
        json.raw("{\"batch_size\":")
        json.number(batchSize)
        json.raw(",\"model\":")
        json.string(model)
        json.raw(",\"predictions\":[")
        for (index, prediction) in predictions.enumerated() {
            json.raw(index == 0 ? "{\"class\":" : ",{\"class\":")
            json.string(prediction.class)
            json.raw(",\"index\":")
            json.number(prediction.index)
            json.raw(",\"probability\":")
            guard json.number(prediction.probability) else { return nil }
            json.raw("}")
        }
        json.raw("],\"timing_ms\":{\"inference\":")
        guard json.number(timing.inference) else { return nil }
        json.raw(",\"queue\":")
        guard json.number(timing.queue) else { return nil }
        json.raw(",\"total\":")
        guard json.number(timing.total) else { return nil }
        json.raw("},\"version\":")
        json.string(version)
        json.raw("}")
        return json.bytes
    }
}
