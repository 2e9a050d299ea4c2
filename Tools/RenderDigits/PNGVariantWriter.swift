import Datasets

/// Writes the PNG variants that `Image.pngData()` does not: palette, grey with alpha, 16-bit
/// samples, bit depths below 8, and Adam7 interlacing, so the samples cover every kind of PNG
/// a user may hand to `classify`. Deflate comes from Datasets' zlib (`Gzip.compress`), the
/// rest (chunks, CRC-32, Adler-32, filtering, interlacing) is here.
enum PNGVariantWriter {
    /// PNG colour types.
    enum ColorType: UInt8 {
        case grey = 0, rgb = 2, palette = 3, greyAlpha = 4, rgba = 6

        /// Samples per pixel.
        var samples: Int {
            switch self {
            case .grey, .palette: return 1
            case .greyAlpha: return 2
            case .rgb: return 3
            case .rgba: return 4
            }
        }
    }

    /// Errors writing a variant.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Encodes `samples` (`height × width × colorType.samples` values, each below
    /// `2^bitDepth`, row-major) as a PNG.
    /// - Parameters:
    ///   - palette: For ``ColorType/palette``: the RGB entries (at most `2^bitDepth`).
    ///   - paletteAlpha: For palette images: a `tRNS` chunk of per-entry alpha, if any.
    ///   - interlaced: Whether to write Adam7-interlaced passes.
    static func encode(
        width: Int, height: Int, colorType: ColorType, bitDepth: Int, samples: [UInt16],
        palette: [Color] = [], paletteAlpha: [UInt8] = [], interlaced: Bool = false
    ) throws -> [UInt8] {
        let channels = colorType.samples
        guard width > 0, height > 0, samples.count == width * height * channels,
            [1, 2, 4, 8, 16].contains(bitDepth),
            colorType == .grey || colorType == .palette ? bitDepth <= 16 : bitDepth >= 8,
            colorType != .palette
                || (bitDepth <= 8 && !palette.isEmpty
                    && palette.count <= 1 << bitDepth),
            samples.allSatisfy({ Int($0) < 1 << bitDepth })
        else {
            throw Failure(
                description: "PNGVariantWriter: invalid \(width)x\(height) \(colorType) image "
                    + "at \(bitDepth) bits")
        }
        var raw: [UInt8] = []
        let passes: [(x: Int, y: Int, dx: Int, dy: Int)] =
            interlaced
            ? [
                (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4),
                (1, 0, 2, 2), (0, 1, 1, 2),
            ]
            : [(0, 0, 1, 1)]
        for pass in passes {
            let columns = stride(from: pass.x, to: width, by: pass.dx).map { $0 }
            guard !columns.isEmpty else { continue }
            for y in stride(from: pass.y, to: height, by: pass.dy) {
                raw.append(0)  // filter type None
                var accumulator = 0, bits = 0
                for x in columns {
                    for c in 0..<channels {
                        let value = Int(samples[(y * width + x) * channels + c])
                        if bitDepth == 16 {
                            raw.append(UInt8(value >> 8))
                            raw.append(UInt8(value & 0xFF))
                        } else {
                            accumulator = accumulator << bitDepth | value
                            bits += bitDepth
                            if bits == 8 {
                                raw.append(UInt8(accumulator))
                                accumulator = 0
                                bits = 0
                            }
                        }
                    }
                }
                if bits > 0 { raw.append(UInt8((accumulator << (8 - bits)) & 0xFF)) }
            }
        }
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header = bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [UInt8(bitDepth), colorType.rawValue, 0, 0, interlaced ? 1 : 0]
        appendChunk("IHDR", header, to: &png)
        if colorType == .palette {
            appendChunk("PLTE", palette.flatMap { [$0.red, $0.green, $0.blue] }, to: &png)
            if !paletteAlpha.isEmpty { appendChunk("tRNS", paletteAlpha, to: &png) }
        }
        appendChunk("IDAT", try zlibStream(raw), to: &png)
        appendChunk("IEND", [], to: &png)
        return png
    }

    /// `bytes` as a zlib stream: the deflate data of a gzip member re-wrapped with a zlib
    /// header and an Adler-32 trailer.
    static func zlibStream(_ bytes: [UInt8]) throws -> [UInt8] {
        let gzip = try Gzip.compress(bytes, level: 9)
        guard gzip.count >= 18, gzip[0] == 0x1F, gzip[1] == 0x8B, gzip[2] == 8 else {
            throw Failure(description: "PNGVariantWriter: unexpected gzip stream")
        }
        let flags = gzip[3]
        var start = 10
        if flags & 4 != 0 { start += 2 + Int(gzip[start]) + Int(gzip[start + 1]) << 8 }
        if flags & 8 != 0 { while gzip[start] != 0 { start += 1 }; start += 1 }
        if flags & 16 != 0 { while gzip[start] != 0 { start += 1 }; start += 1 }
        if flags & 2 != 0 { start += 2 }
        return [0x78, 0xDA] + gzip[start..<(gzip.count - 8)] + bigEndian(adler32(bytes))
    }

    /// Appends a chunk: length, type, data, CRC-32 of type and data.
    private static func appendChunk(_ type: String, _ data: [UInt8], to png: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        png += bigEndian(UInt32(data.count))
        png += typeBytes
        png += data
        png += bigEndian(crc32(typeBytes + data))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [
            UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF),
            UInt8(value & 0xFF),
        ]
    }

    /// The CRC-32 of PNG chunks (ISO 3309, polynomial 0xEDB88320).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// zlib's Adler-32 checksum.
    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return b << 16 | a
    }
}
