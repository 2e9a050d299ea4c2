import CDatasetCodecs

/// gzip compression and decompression through zlib.
///
/// Decompression checks each member's CRC-32 and length, accepts concatenated members (and
/// zlib streams), and stops at an explicit output limit, so a gzip bomb is refused rather than
/// inflated.
public enum Gzip {
    /// Whether `bytes` start with the gzip magic number `1f 8b`.
    public static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// The decompressed content of a gzip (or zlib) stream.
    /// - Parameters:
    ///   - bytes: The compressed stream.
    ///   - source: The file name used in error messages.
    ///   - maxOutputBytes: The most bytes the stream may inflate to
    ///     (default ``DatasetLimits/maxIDXBytes``).
    /// - Throws: ``DatasetError/corrupt(path:format:reason:)``,
    ///   ``DatasetError/truncated(path:format:reason:)`` or
    ///   ``DatasetError/limitExceeded(path:reason:)``.
    public static func decompress(
        _ bytes: [UInt8], source: String = "<memory>",
        maxOutputBytes: Int = DatasetLimits.maxIDXBytes
    ) throws -> [UInt8] {
        try bytes.withUnsafeBufferPointer { input in
            let inflater = try Inflater(input, source: source)
            var output: [UInt8] = []
            // The gzip trailer holds the length modulo 2^32: a good first guess when it is
            // plausible (deflate expands at most 1032:1); otherwise grow geometrically.
            var chunk = min(max(1 << 16, 4 * bytes.count), maxOutputBytes + 1)
            if isCompressed(bytes), bytes.count >= 18 {
                let n = bytes.count
                let hint =
                    Int(bytes[n - 4]) | Int(bytes[n - 3]) << 8 | Int(bytes[n - 2]) << 16
                    | Int(bytes[n - 1]) << 24
                if hint <= 1032 * n { chunk = min(hint + 1, maxOutputBytes + 1) }
            }
            while true {
                let wanted = min(chunk, maxOutputBytes + 1 - output.count)
                let got = try inflater.append(upTo: wanted, to: &output)
                if output.count > maxOutputBytes {
                    throw DatasetError.limitExceeded(
                        path: source,
                        reason: "decompresses to more than \(maxOutputBytes) bytes")
                }
                if got < wanted { return output }
                chunk = max(chunk, output.count)  // grow geometrically
            }
        }
    }

    /// `bytes` compressed as one gzip member.
    /// - Parameters:
    ///   - bytes: The data to compress.
    ///   - level: zlib's compression level, 0 (store) to 9 (smallest); default 6.
    /// - Throws: ``DatasetError/invalidArgument(operation:reason:)`` for a level outside 0…9.
    public static func compress(_ bytes: [UInt8], level: Int = 6) throws -> [UInt8] {
        guard (0...9).contains(level) else {
            throw DatasetError.invalidArgument(
                operation: "Gzip.compress", reason: "level \(level) is outside 0...9")
        }
        var message = [CChar](repeating: 0, count: Int(DC_MESSAGE_SIZE))
        var output: UnsafeMutablePointer<UInt8>?
        var size = 0
        let status = bytes.withUnsafeBufferPointer { input in
            dc_gzip_compress(
                input.baseAddress, input.count, Int32(level), &output, &size, &message,
                Int(DC_MESSAGE_SIZE))
        }
        defer { dc_free(output) }
        guard status == DC_OK, let output else {
            throw DatasetError.invalidArgument(
                operation: "Gzip.compress", reason: String(cString: message))
        }
        return Array(UnsafeBufferPointer(start: output, count: size))
    }
}

/// A streaming reader over an in-memory gzip stream: lets IDX check its header before it
/// allocates for the payload the header describes. The input buffer must outlive it.
final class Inflater {
    private let handle: OpaquePointer
    private let source: String

    init(_ input: UnsafeBufferPointer<UInt8>, source: String) throws {
        guard let handle = dc_inflater_create(input.baseAddress, input.count) else {
            throw DatasetError.unreadable(path: source, reason: "out of memory for zlib")
        }
        self.handle = handle
        self.source = source
    }

    deinit { dc_inflater_destroy(handle) }

    /// Inflates up to `count` bytes into `buffer`; returns how many, fewer only at the end.
    func read(into buffer: UnsafeMutableBufferPointer<UInt8>) throws -> Int {
        var status: Int32 = 0
        var message = [CChar](repeating: 0, count: Int(DC_MESSAGE_SIZE))
        let n = dc_inflater_read(
            handle, buffer.baseAddress, buffer.count, &status, &message, Int(DC_MESSAGE_SIZE))
        guard n >= 0 else {
            let reason = String(cString: message)
            if status == DC_ERROR_TRUNCATED {
                throw DatasetError.truncated(path: source, format: "gzip", reason: reason)
            }
            throw DatasetError.corrupt(path: source, format: "gzip", reason: reason)
        }
        return Int(n)
    }

    /// Inflates up to `count` more bytes onto the end of `output`; returns how many.
    func append(upTo count: Int, to output: inout [UInt8]) throws -> Int {
        let start = output.count
        output.reserveCapacity(start + count)
        var got = 0
        var failure: Error?
        output.append(contentsOf: repeatElement(0, count: count))
        output.withUnsafeMutableBufferPointer { buffer in
            do {
                got = try read(into: UnsafeMutableBufferPointer(rebasing: buffer[start...]))
            } catch {
                failure = error
            }
        }
        output.removeLast(count - got)
        if let failure { throw failure }
        return got
    }

    /// Whether the stream has no more bytes.
    func isAtEnd() throws -> Bool {
        var byte: UInt8 = 0
        return try withUnsafeMutablePointer(to: &byte) {
            try read(into: UnsafeMutableBufferPointer(start: $0, count: 1))
        } == 0
    }
}
