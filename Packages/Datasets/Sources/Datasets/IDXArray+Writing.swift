extension IDXArray {
    /// The IDX encoding: the big-endian header followed by the big-endian elements.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = [0, 0, elementType.rawValue, UInt8(shape.count)]
        bytes.reserveCapacity(4 + 4 * shape.count + count * elementType.byteWidth)
        for dimension in shape {
            appendBigEndian(UInt32(dimension), to: &bytes)
        }
        switch elements {
        case let .uint8(values): bytes.append(contentsOf: values)
        case let .int8(values): bytes.append(contentsOf: values.map { UInt8(bitPattern: $0) })
        case let .int16(values):
            values.forEach { appendBigEndian(UInt16(bitPattern: $0), to: &bytes) }
        case let .int32(values):
            values.forEach { appendBigEndian(UInt32(bitPattern: $0), to: &bytes) }
        case let .float32(values): values.forEach { appendBigEndian($0.bitPattern, to: &bytes) }
        case let .float64(values): values.forEach { appendBigEndian($0.bitPattern, to: &bytes) }
        }
        return bytes
    }

    /// Writes the array as an IDX file, atomically (a temporary file renamed into place).
    /// - Parameters:
    ///   - path: The destination.
    ///   - compressed: Whether to gzip the file; by default, when `path` ends in `.gz`.
    /// - Throws: ``DatasetError/writeFailed(path:reason:)``.
    public func write(to path: String, compressed: Bool? = nil) throws {
        var bytes = encoded()
        if compressed ?? path.hasSuffix(".gz") {
            bytes = try Gzip.compress(bytes)
        }
        try FileIO.writeAtomically(bytes, to: path)
    }

    private func appendBigEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}
