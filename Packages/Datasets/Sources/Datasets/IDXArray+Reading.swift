import CDatasetCodecs

extension IDXArray {
    /// Reads an IDX file, gzip-compressed or not (detected by its magic number, not its name).
    /// - Parameters:
    ///   - path: The file.
    ///   - maxBytes: The largest payload accepted (default ``DatasetLimits/maxIDXBytes``).
    /// - Throws: ``DatasetError`` naming the file: `unreadable` if it cannot be read, `corrupt`
    ///   for a bad magic number, type code or dimension count, `truncated` if it holds fewer
    ///   bytes than the header declares, `limitExceeded` for a payload above `maxBytes`.
    public init(contentsOf path: String, maxBytes: Int = DatasetLimits.maxIDXBytes) throws {
        let bytes = try FileIO.read(path, maxBytes: DatasetLimits.maxDataFileBytes)
        try self.init(bytes: bytes, source: path, maxBytes: maxBytes)
    }

    /// Parses IDX bytes, gzip-compressed or not.
    /// - Parameters:
    ///   - bytes: The file's content.
    ///   - source: The name used in error messages.
    ///   - maxBytes: The largest payload accepted.
    /// - Throws: ``DatasetError`` as ``init(contentsOf:maxBytes:)`` does.
    public init(
        bytes: [UInt8], source: String = "<memory>", maxBytes: Int = DatasetLimits.maxIDXBytes
    ) throws {
        if Gzip.isCompressed(bytes) {
            self = try bytes.withUnsafeBufferPointer { input in
                let inflater = try Inflater(input, source: source)
                // Deflate expands at most 1032:1; real data far less (MNIST's images 5:1).
                let ratio = DatasetLimits.maxCompressionRatio
                var reader = IDXReader(
                    source: source, atMost: ratio * input.count + 1024,
                    limitNote: "at most \(ratio) times its \(input.count) compressed bytes, "
                        + "the limit against decompression bombs"
                ) {
                    try inflater.read(into: $0)
                }
                let array = try reader.readArray(maxBytes: maxBytes)
                guard try inflater.isAtEnd() else {
                    throw DatasetError.corrupt(
                        path: source, format: "IDX",
                        reason: "extra bytes after the \(array.count) elements the header "
                            + "declares")
                }
                return array
            }
        } else {
            self = try bytes.withUnsafeBufferPointer { input in
                var offset = 0
                var reader = IDXReader(source: source, atMost: input.count) { buffer in
                    let n = min(buffer.count, input.count - offset)
                    if n > 0 {
                        buffer.baseAddress!.update(from: input.baseAddress! + offset, count: n)
                    }
                    offset += n
                    return n
                }
                let array = try reader.readArray(maxBytes: maxBytes)
                guard offset == input.count else {
                    throw DatasetError.corrupt(
                        path: source, format: "IDX",
                        reason: "\(input.count - offset) extra bytes after the "
                            + "\(array.count) elements the header declares")
                }
                return array
            }
        }
    }
}

/// Parses an IDX stream from a `read` function that fills a buffer and returns how many bytes
/// it wrote (fewer than asked only at the end of the data).
struct IDXReader {
    let source: String
    /// The most bytes the data can hold: a header declaring more is refused before anything
    /// is allocated for it.
    let capacity: Int
    /// Why the data can hold no more than `capacity` bytes, for a compressed stream; `nil`
    /// for plain data (the file's size).
    let limitNote: String?
    let read: (UnsafeMutableBufferPointer<UInt8>) throws -> Int

    init(
        source: String, atMost capacity: Int, limitNote: String? = nil,
        read: @escaping (UnsafeMutableBufferPointer<UInt8>) throws -> Int
    ) {
        self.source = source
        self.capacity = capacity
        self.limitNote = limitNote
        self.read = read
    }

    private func corrupt(_ reason: String) -> DatasetError {
        DatasetError.corrupt(path: source, format: "IDX", reason: reason)
    }

    /// Bytes are read in pieces of at most this size, so memory grows with the data that is
    /// really there, not with what a header declares: 16 MiB.
    static let pieceSize = 1 << 24

    /// Exactly `count` bytes, or a `truncated` error describing `what`. The array grows piece
    /// by piece as data arrives, so a small file whose header declares gigabytes fails after
    /// using about as much memory as its data fills.
    private func bytes(_ count: Int, _ what: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(count, Self.pieceSize))
        while bytes.count < count {
            let piece = min(count - bytes.count, Self.pieceSize)
            var got = 0
            let chunk = try [UInt8](unsafeUninitializedCapacity: piece) { buffer, initialized in
                got = try read(buffer)
                initialized = got
            }
            bytes += chunk
            guard got == piece else {
                throw DatasetError.truncated(
                    path: source, format: "IDX",
                    reason: "the data ends after \(bytes.count) of the \(count) bytes of \(what)")
            }
        }
        return bytes
    }

    mutating func readArray(maxBytes: Int) throws -> IDXArray {
        let magic = try bytes(4, "the header")
        guard magic[0] == 0, magic[1] == 0 else {
            throw corrupt(
                "bad magic number: IDX files start with two zero bytes, these start with "
                    + hex(magic))
        }
        guard let type = IDXArray.ElementType(rawValue: magic[2]) else {
            throw corrupt(
                "unknown element type code 0x\(String(magic[2], radix: 16, uppercase: true))")
        }
        let rank = Int(magic[3])
        guard (1...DatasetLimits.maxIDXDimensions).contains(rank) else {
            throw corrupt(
                "the header declares \(rank) dimensions; 1 to "
                    + "\(DatasetLimits.maxIDXDimensions) are accepted")
        }
        let dimensionBytes = try bytes(4 * rank, "the \(rank) dimensions")
        var shape: [Int] = []
        var total = type.byteWidth
        // The product of the dimensions with zeros taken as ones: it bounds every partial
        // product a reader of the shape may compute (rows x columns of an empty set, say).
        var bound = type.byteWidth
        for d in 0..<rank {
            let b = dimensionBytes[(4 * d)..<(4 * d + 4)].map(UInt32.init)
            let value = Int(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3])
            guard value <= Int(Int32.max) else {
                throw corrupt("dimension \(d) is \(value), above the IDX maximum \(Int32.max)")
            }
            shape.append(value)
            let (next, overflow) = total.multipliedReportingOverflow(by: value)
            total = overflow || total == Int.max ? Int.max : next
            let (nextBound, boundOverflow) = bound.multipliedReportingOverflow(by: max(value, 1))
            bound = boundOverflow || bound == Int.max ? Int.max : nextBound
        }
        guard total <= maxBytes, bound <= maxBytes else {
            throw DatasetError.limitExceeded(
                path: source,
                reason: "the header declares \(shape) \(type.name)s, more than \(maxBytes) bytes")
        }
        let what = "\(shape.map(String.init).joined(separator: "x")) \(type.name)s"
        let headerBytes = 4 + 4 * rank
        guard total <= capacity - headerBytes else {
            let most = max(0, capacity - headerBytes)
            if let limitNote {
                throw DatasetError.limitExceeded(
                    path: source,
                    reason: "the header declares \(what) (\(total) bytes) but the data may "
                        + "inflate to \(limitNote): \(most) bytes after the header")
            }
            throw DatasetError.truncated(
                path: source, format: "IDX",
                reason: "the header declares \(what) (\(total) bytes) but the file holds at "
                    + "most \(most) bytes after the header")
        }
        let payload = try bytes(total, what)
        return IDXArray(uncheckedShape: shape, elements: decode(payload, type))
    }

    private func decode(_ payload: [UInt8], _ type: IDXArray.ElementType) -> IDXArray.Elements {
        switch type {
        case .uint8:
            return .uint8(payload)
        case .int8:
            return .int8(payload.map { Int8(bitPattern: $0) })
        case .int16:
            return .int16(bigEndian(payload, as: UInt16.self).map { Int16(bitPattern: $0) })
        case .int32:
            return .int32(bigEndian(payload, as: UInt32.self).map { Int32(bitPattern: $0) })
        case .float32:
            return .float32(bigEndian(payload, as: UInt32.self).map { Float(bitPattern: $0) })
        case .float64:
            return .float64(bigEndian(payload, as: UInt64.self).map { Double(bitPattern: $0) })
        }
    }

    private func bigEndian<T: FixedWidthInteger>(_ payload: [UInt8], as: T.Type) -> [T] {
        let count = payload.count / MemoryLayout<T>.size
        return payload.withUnsafeBytes { raw in
            (0..<count).map { i in
                let offset = i * MemoryLayout<T>.size
                return T(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: T.self))
            }
        }
    }

    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format2: $0) }.joined(separator: " ")
    }
}

extension String {
    /// Two lowercase hexadecimal digits.
    init(format2 byte: UInt8) {
        let digits = Array("0123456789abcdef")
        self.init([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }
}
