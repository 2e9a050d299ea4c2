import Foundation

/// Writes PNG files of any colour type, bit depth and interlacing, independently of libpng:
/// stored (uncompressed) deflate blocks, filter type 0, CRCs and Adler-32 computed here. Lets
/// the tests feed the decoder every layout the PNG specification allows with known samples.
struct PNGSynthesizer {
    /// PNG colour types.
    enum ColorType: UInt8 {
        case grey = 0, rgb = 2, palette = 3, greyAlpha = 4, rgba = 6

        var samplesPerPixel: Int {
            switch self {
            case .grey, .palette: return 1
            case .greyAlpha: return 2
            case .rgb: return 3
            case .rgba: return 4
            }
        }
    }

    var width: Int
    var height: Int
    var colorType: ColorType
    var bitDepth: Int
    var interlaced = false
    /// Palette entries (RGB) for palette images.
    var palette: [[UInt8]] = []
    /// The raw tRNS chunk content, if any.
    var transparency: [UInt8]? = nil

    /// The PNG for `samples`: `width × height × samplesPerPixel` values, row-major.
    func encode(_ samples: [UInt16]) -> [UInt8] {
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        header += bigEndian32(UInt32(width)) + bigEndian32(UInt32(height))
        header += [UInt8(bitDepth), colorType.rawValue, 0, 0, interlaced ? 1 : 0]
        png += chunk("IHDR", header)
        if !palette.isEmpty { png += chunk("PLTE", palette.flatMap { $0 }) }
        if let transparency { png += chunk("tRNS", transparency) }
        png += chunk("IDAT", zlibStored(scanlines(samples)))
        png += chunk("IEND", [])
        return png
    }

    /// The filtered (filter 0) scanlines, pass by pass when interlaced.
    func scanlines(_ samples: [UInt16]) -> [UInt8] {
        let passes: [(Int, Int, Int, Int)] =
            interlaced
            ? [
                (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
                (0, 1, 1, 2),
            ]
            : [(0, 0, 1, 1)]
        let spp = colorType.samplesPerPixel
        var out: [UInt8] = []
        for (x0, y0, dx, dy) in passes {
            let xs = Array(stride(from: x0, to: width, by: dx))
            guard !xs.isEmpty else { continue }
            for y in stride(from: y0, to: height, by: dy) {
                out.append(0)
                var row: [UInt16] = []
                for x in xs {
                    let first = (y * width + x) * spp
                    row += samples[first..<(first + spp)]
                }
                out += pack(row)
            }
        }
        return out
    }

    /// Packs samples at the bit depth, most significant bits first.
    func pack(_ row: [UInt16]) -> [UInt8] {
        switch bitDepth {
        case 16: return row.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        case 8: return row.map { UInt8($0) }
        default:
            var bytes: [UInt8] = []
            var current = 0, used = 0
            for value in row {
                current = current << bitDepth | Int(value)
                used += bitDepth
                if used == 8 { bytes.append(UInt8(current)); current = 0; used = 0 }
            }
            if used > 0 { bytes.append(UInt8(current << (8 - used))) }
            return bytes
        }
    }

    func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian32(UInt32(data.count)) + body + bigEndian32(crc32(body))
    }
}

/// A zlib stream of stored deflate blocks.
func zlibStored(_ data: [UInt8]) -> [UInt8] {
    var out: [UInt8] = [0x78, 0x01]
    var offset = 0
    repeat {
        let n = min(65535, data.count - offset)
        let final: UInt8 = offset + n == data.count ? 1 : 0
        out += [final, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
        out += data[offset..<(offset + n)]
        offset += n
    } while offset < data.count
    return out + bigEndian32(adler32(data))
}

func bigEndian32(_ value: UInt32) -> [UInt8] {
    [24, 16, 8, 0].map { UInt8((value >> $0) & 0xFF) }
}

func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

func adler32(_ bytes: [UInt8]) -> UInt32 {
    var a: UInt32 = 1, b: UInt32 = 0
    for byte in bytes {
        a = (a + UInt32(byte)) % 65521
        b = (b + a) % 65521
    }
    return b << 16 | a
}
