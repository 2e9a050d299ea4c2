/// The validated contents of a safetensors header.
///
/// The layout of a file: an 8-byte little-endian unsigned header length `N`, `N` bytes of
/// UTF-8 JSON (padded with spaces), then the data section. Validation follows the reference
/// implementation: every limit of ``SafeTensorsLimits`` holds, every tensor's byte count equals
/// `elements × dtype size`, and the tensors' byte ranges tile the data section exactly, with no
/// overlap, gap or trailing byte.
struct SafeTensorsHeader {
    /// The metadata key reserved by the format.
    static let metadataKey = "__metadata__"

    /// The tensors, ordered by data offset (ties in header order).
    var entries: [SafeTensorsEntry]
    /// The `__metadata__` string map (empty when absent).
    var metadata: [String: String]
    /// The file offset of the data section: `8 + N`.
    var dataStart: Int

    /// Parses and validates the header of the file whose bytes are `file`.
    /// - Parameter path: Names the file in errors.
    init(file: UnsafeRawBufferPointer, path: String) throws {
        guard file.count >= 8 else {
            throw CheckpointError.truncated(
                path: path,
                reason: "\(file.count) bytes, fewer than the 8-byte header length")
        }
        let length = UInt64(littleEndian: file.loadUnaligned(as: UInt64.self))
        guard length <= UInt64(SafeTensorsLimits.maximumHeaderBytes) else {
            throw CheckpointError.headerTooLarge(
                path: path, length: length, limit: SafeTensorsLimits.maximumHeaderBytes)
        }
        let headerLength = Int(length)
        guard headerLength <= file.count - 8 else {
            throw CheckpointError.headerLengthExceedsFile(
                path: path, length: length, available: file.count - 8)
        }
        let headerBytes = UnsafeRawBufferPointer(rebasing: file[8..<(8 + headerLength)])
        guard headerBytes.first == UInt8(ascii: "{") else {
            throw CheckpointError.invalidJSON(
                path: path, offset: 0, reason: "the header must start with '{'")
        }
        let json: HeaderJSON
        do {
            json = try HeaderJSONParser.parse(headerBytes)
        } catch let failure as HeaderJSONParser.Failure {
            throw CheckpointError.invalidJSON(
                path: path, offset: failure.offset, reason: failure.reason)
        }
        guard case let .object(members) = json else {
            throw CheckpointError.invalidHeader(path: path, reason: "the header is not an object")
        }
        let tensorCount = members.lazy.filter { $0.key != Self.metadataKey }.count
        guard tensorCount <= SafeTensorsLimits.maximumTensorCount else {
            throw CheckpointError.invalidHeader(
                path: path,
                reason: "\(tensorCount) tensors, more than the limit of "
                    + "\(SafeTensorsLimits.maximumTensorCount) tensors")
        }
        dataStart = 8 + headerLength
        metadata = [:]
        var sawMetadata = false
        var names = Set<String>(minimumCapacity: tensorCount)
        var unordered: [SafeTensorsEntry] = []
        unordered.reserveCapacity(tensorCount)
        for (key, value) in members {
            if key == Self.metadataKey {
                guard !sawMetadata else {
                    throw CheckpointError.invalidHeader(
                        path: path, reason: "duplicate \"\(Self.metadataKey)\"")
                }
                sawMetadata = true
                metadata = try Self.parseMetadata(value, path: path)
                continue
            }
            guard names.insert(key).inserted else {
                throw CheckpointError.invalidHeader(
                    path: path, reason: "duplicate tensor name \"\(key)\"")
            }
            unordered.append(try Self.parseEntry(name: key, value, path: path))
        }
        entries = try Self.validateLayout(
            unordered, dataByteCount: file.count - dataStart, path: path)
    }

    private static func parseMetadata(_ value: HeaderJSON, path: String) throws
        -> [String: String]
    {
        guard case let .object(members) = value else {
            throw CheckpointError.invalidHeader(
                path: path, reason: "\"\(metadataKey)\" is \(value.kind), not an object")
        }
        var metadata: [String: String] = [:]
        for (key, item) in members {
            guard case let .string(text) = item else {
                throw CheckpointError.invalidHeader(
                    path: path,
                    reason: "metadata value \"\(key)\" is \(item.kind), not a string")
            }
            guard metadata.updateValue(text, forKey: key) == nil else {
                throw CheckpointError.invalidHeader(
                    path: path, reason: "duplicate metadata key \"\(key)\"")
            }
        }
        return metadata
    }

    private static func parseEntry(name: String, _ value: HeaderJSON, path: String) throws
        -> SafeTensorsEntry
    {
        func invalid(_ reason: String) -> CheckpointError {
            .invalidHeader(path: path, reason: "tensor \"\(name)\": \(reason)")
        }
        guard case let .object(members) = value else {
            throw invalid("the description is \(value.kind), not an object")
        }
        var dtypeValue: HeaderJSON?, shapeValue: HeaderJSON?, offsetsValue: HeaderJSON?
        for (key, item) in members {
            switch key {
            case "dtype", "shape", "data_offsets":
                let previous: HeaderJSON?
                switch key {
                case "dtype": previous = dtypeValue; dtypeValue = item
                case "shape": previous = shapeValue; shapeValue = item
                default: previous = offsetsValue; offsetsValue = item
                }
                guard previous == nil else { throw invalid("duplicate \"\(key)\"") }
            default:
                continue  // Unknown fields are ignored, as the reference implementation does.
            }
        }
        guard let dtypeValue else { throw invalid("missing \"dtype\"") }
        guard let shapeValue else { throw invalid("missing \"shape\"") }
        guard let offsetsValue else { throw invalid("missing \"data_offsets\"") }

        guard case let .string(dtypeName) = dtypeValue else {
            throw invalid("\"dtype\" is \(dtypeValue.kind), not a string")
        }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            throw CheckpointError.unsupportedDType(path: path, tensor: name, dtype: dtypeName)
        }
        guard case let .array(dimensionValues) = shapeValue else {
            throw invalid("\"shape\" is \(shapeValue.kind), not an array")
        }
        guard dimensionValues.count <= SafeTensorsLimits.maximumRank else {
            throw invalid(
                "rank \(dimensionValues.count) exceeds the limit of "
                    + "\(SafeTensorsLimits.maximumRank)")
        }
        var shape: [Int] = []
        shape.reserveCapacity(dimensionValues.count)
        for dimension in dimensionValues {
            guard let size = nonNegativeInteger(dimension) else {
                throw invalid(
                    "shape dimension \(dimension.textForErrors) is not a non-negative integer")
            }
            shape.append(size)
        }
        var elementCount = 1
        for size in shape {
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: size)
            guard !overflow, product <= SafeTensorsLimits.maximumElementCount else {
                throw invalid(
                    "shape \(shape) has more than \(SafeTensorsLimits.maximumElementCount) "
                        + "elements")
            }
            elementCount = product
        }
        guard case let .array(offsetValues) = offsetsValue, offsetValues.count == 2,
            let begin = nonNegativeInteger(offsetValues[0]),
            let end = nonNegativeInteger(offsetValues[1])
        else {
            throw invalid("\"data_offsets\" is not a pair of non-negative integers")
        }
        guard begin <= end else {
            throw CheckpointError.invalidOffsets(
                path: path, tensor: name, reason: "begin \(begin) is after end \(end)")
        }
        let expected = elementCount * dtype.byteSize  // ≤ 2³⁷ × 8: no overflow
        guard end - begin == expected else {
            throw CheckpointError.byteCountMismatch(
                path: path, tensor: name, dtype: dtype.rawValue, shape: shape,
                expected: expected, actual: end - begin)
        }
        return SafeTensorsEntry(name: name, dtype: dtype, shape: shape, dataOffsets: begin..<end)
    }

    /// The value of a JSON integer token without sign, fraction or exponent, if it fits `Int`.
    private static func nonNegativeInteger(_ value: HeaderJSON) -> Int? {
        guard case let .number(text) = value, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
        else { return nil }
        return Int(text)
    }

    /// Checks that the byte ranges lie inside the data section and tile it exactly; returns
    /// the entries ordered by offset.
    private static func validateLayout(
        _ entries: [SafeTensorsEntry], dataByteCount: Int, path: String
    ) throws -> [SafeTensorsEntry] {
        for entry in entries where entry.dataOffsets.upperBound > dataByteCount {
            throw CheckpointError.invalidOffsets(
                path: path, tensor: entry.name,
                reason: "[\(entry.dataOffsets.lowerBound), \(entry.dataOffsets.upperBound)] "
                    + "reaches past the \(dataByteCount) data bytes in the file "
                    + "(truncated file?)")
        }
        let ordered = entries.enumerated().sorted { a, b in
            let (x, y) = (a.element.dataOffsets, b.element.dataOffsets)
            if x.lowerBound != y.lowerBound { return x.lowerBound < y.lowerBound }
            if x.upperBound != y.upperBound { return x.upperBound < y.upperBound }
            return a.offset < b.offset
        }.map(\.element)
        var cursor = 0
        var previous: String?
        for entry in ordered {
            let range = entry.dataOffsets
            if range.lowerBound < cursor {
                throw CheckpointError.invalidOffsets(
                    path: path, tensor: entry.name,
                    reason: "[\(range.lowerBound), \(range.upperBound)] overlaps tensor "
                        + "\"\(previous ?? "")\", which ends at \(cursor)")
            }
            if range.lowerBound > cursor {
                throw CheckpointError.invalidOffsets(
                    path: path, tensor: entry.name,
                    reason: "[\(range.lowerBound), \(range.upperBound)] leaves "
                        + "\(range.lowerBound - cursor) unused bytes before it")
            }
            if !range.isEmpty || previous == nil {
                previous = entry.name
            }
            cursor = range.upperBound
        }
        guard cursor == dataByteCount else {
            throw CheckpointError.invalidHeader(
                path: path,
                reason: "the tensors cover \(cursor) data bytes but the file holds "
                    + "\(dataByteCount)")
        }
        return ordered
    }
}

extension HeaderJSON {
    /// The value as it might appear in the header, shortened, for error messages.
    var textForErrors: String {
        switch self {
        case let .number(text): return text
        case let .string(text): return "\"\(text.prefix(40))\""
        case let .bool(value): return "\(value)"
        case .null: return "null"
        case .array: return "[…]"
        case .object: return "{…}"
        }
    }
}
