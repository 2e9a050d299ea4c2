import Foundation

/// A protocol-buffer reader for the tests: the fields of one message, in order.
struct ProtoFields {
    enum Value {
        case varint(UInt64)
        case bytes([UInt8])
        case fixed32(UInt32)
        case fixed64(UInt64)
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    var fields: [(number: Int, value: Value)] = []

    init(_ bytes: [UInt8]) throws {
        var index = 0
        func varint() throws -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard index < bytes.count, shift < 64 else {
                    throw Failure(description: "truncated varint at byte \(index)")
                }
                let byte = bytes[index]
                index += 1
                result |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return result }
                shift += 7
            }
        }
        func take(_ count: Int) throws -> [UInt8] {
            guard count >= 0, index + count <= bytes.count else {
                throw Failure(description: "field of \(count) bytes past the end at \(index)")
            }
            defer { index += count }
            return Array(bytes[index..<(index + count)])
        }
        while index < bytes.count {
            let key = try varint()
            let number = Int(key >> 3)
            switch key & 7 {
            case 0: fields.append((number, .varint(try varint())))
            case 1:
                let raw = try take(8)
                fields.append((number, .fixed64(raw.reversed().reduce(0) { $0 << 8 | UInt64($1) })))
            case 2: fields.append((number, .bytes(try take(Int(try varint())))))
            case 5:
                let raw = try take(4)
                fields.append((number, .fixed32(raw.reversed().reduce(0) { $0 << 8 | UInt32($1) })))
            case let wire: throw Failure(description: "wire type \(wire) at byte \(index)")
            }
        }
    }

    func messages(_ number: Int) throws -> [ProtoFields] {
        try fields.filter { $0.number == number }.compactMap {
            if case let .bytes(b) = $0.value { return try ProtoFields(b) }
            return nil
        }
    }

    func message(_ number: Int) throws -> ProtoFields? { try messages(number).first }

    func strings(_ number: Int) -> [String] {
        fields.filter { $0.number == number }.compactMap {
            if case let .bytes(b) = $0.value { return String(decoding: b, as: UTF8.self) }
            return nil
        }
    }

    func string(_ number: Int) -> String { strings(number).first ?? "" }

    /// Varints, packed or not, as signed 64-bit integers.
    func ints(_ number: Int) throws -> [Int64] {
        var result: [Int64] = []
        for field in fields where field.number == number {
            switch field.value {
            case let .varint(v): result.append(Int64(bitPattern: v))
            case let .bytes(b):
                var index = 0
                while index < b.count {
                    var value: UInt64 = 0
                    var shift: UInt64 = 0
                    while true {
                        let byte = b[index]
                        index += 1
                        value |= UInt64(byte & 0x7F) << shift
                        if byte < 0x80 { break }
                        shift += 7
                    }
                    result.append(Int64(bitPattern: value))
                }
            default: break
            }
        }
        return result
    }

    func int(_ number: Int) throws -> Int64 { try ints(number).first ?? 0 }

    func float(_ number: Int) -> Float {
        for field in fields where field.number == number {
            if case let .fixed32(bits) = field.value { return Float(bitPattern: bits) }
        }
        return 0
    }
}

/// The structure of an ONNX file as text (no weight values), in the format of
/// `Tools/reference/onnx_structure_golden.py`, which writes the goldens with the `onnx`
/// package's own parser.
enum ONNXDump {
    static func typeName(_ code: Int64) -> String {
        switch code {
        case 1: return "FLOAT"
        case 7: return "INT64"
        default: return "TYPE\(code)"
        }
    }

    static func text(_ bytes: [UInt8]) throws -> String {
        let model = try ProtoFields(bytes)
        var lines = ["ir_version: \(try model.int(1))"]
        for opset in try model.messages(8) {
            lines.append("opset_import: \"\(opset.string(1))\" \(try opset.int(2))")
        }
        lines.append("producer: \(model.string(2)) \(model.string(3))")
        guard let graph = try model.message(7) else { return lines.joined(separator: "\n") }
        lines.append("graph: \(graph.string(2))")
        func valueInfo(_ info: ProtoFields) throws -> String {
            let tensor = try info.message(2)?.message(1)
            let dims = try tensor?.message(2)?.messages(1).map { dim -> String in
                try dim.strings(2).first ?? "\(dim.int(1))"
            }
            return "\(info.string(1)) \(typeName(try tensor?.int(1) ?? 0)) "
                + "[\((dims ?? []).joined(separator: ", "))]"
        }
        for input in try graph.messages(11) { lines.append("input: \(try valueInfo(input))") }
        for output in try graph.messages(12) { lines.append("output: \(try valueInfo(output))") }
        for tensor in try graph.messages(5) {
            let type = try tensor.int(2)
            var line =
                "initializer: \(tensor.string(8)) \(typeName(type)) "
                + "[\(try tensor.ints(1).map(String.init).joined(separator: ", "))]"
            if type == 7,
                case let .bytes(raw)? = tensor.fields.first(where: { $0.number == 9 })?
                    .value
            {
                let values = stride(from: 0, to: raw.count, by: 8).map { start in
                    Int64(
                        bitPattern: raw[start..<(start + 8)].reversed().reduce(0) {
                            $0 << 8 | UInt64($1)
                        })
                }
                line += " = [\(values.map(String.init).joined(separator: ", "))]"
            }
            lines.append(line)
        }
        for node in try graph.messages(1) {
            var line =
                "node: \(node.string(3)) \(node.string(4))("
                + node.strings(1).joined(separator: ", ") + ") -> ("
                + node.strings(2).joined(separator: ", ") + ")"
            for attribute in try node.messages(5) {
                let value: String
                switch try attribute.int(20) {
                case 1: value = String(format: "%.9g", Double(attribute.float(2)))
                case 2: value = "\(try attribute.int(3))"
                case 3: value = attribute.string(4)
                case 7:
                    value = "[\(try attribute.ints(8).map(String.init).joined(separator: ", "))]"
                case let other: value = "<type \(other)>"
                }
                line += " \(attribute.string(1))=\(value)"
            }
            lines.append(line)
        }
        for entry in try model.messages(14) {
            lines.append("metadata: \(entry.string(1)) = \(entry.string(2))")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
