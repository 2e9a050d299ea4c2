import Foundation

/// Writes baseline CMYK JPEGs as Photoshop does (four components, inverted samples, an Adobe
/// APP14 marker with transform 0), which `Image.jpegData()` cannot: print workflows and some
/// scanners produce such files, and `classify` must read them.
///
/// A plain baseline encoder (ITU-T T.81): 8x8 blocks, no subsampling, the example
/// quantization and Huffman tables of Annex K for every component, floating-point DCT.
enum CMYKJPEGWriter {
    /// Encodes RGB pixels (`height × width × 3` bytes) as a CMYK JPEG at `quality` (1...100).
    static func encode(rgb: [UInt8], width: Int, height: Int, quality: Int = 90) -> [UInt8] {
        // Inverted CMYK (stored = 255 − ink), the Adobe convention: K from the brightest
        // channel, then C, M, Y so that R = C'·K'/255 and so on.
        var planes = [[Double]](repeating: [Double](repeating: 0, count: width * height), count: 4)
        for i in 0..<(width * height) {
            let r = Double(rgb[3 * i]), g = Double(rgb[3 * i + 1]), b = Double(rgb[3 * i + 2])
            let kPrime = max(r, g, b)
            planes[3][i] = kPrime
            for (c, value) in [r, g, b].enumerated() {
                planes[c][i] = kPrime > 0 ? 255 * value / kPrime : 255
            }
        }
        let table = quantizationTable(quality: quality)
        var writer = BitWriter()
        var predictors = [0, 0, 0, 0]
        let dc = HuffmanTable(bits: dcBits, values: dcValues)
        let ac = HuffmanTable(bits: acBits, values: acValues)
        for blockY in stride(from: 0, to: height, by: 8) {
            for blockX in stride(from: 0, to: width, by: 8) {
                for c in 0..<4 {
                    var block = [Double](repeating: 0, count: 64)
                    for y in 0..<8 {
                        for x in 0..<8 {
                            let sx = min(width - 1, blockX + x), sy = min(height - 1, blockY + y)
                            block[y * 8 + x] = planes[c][sy * width + sx] - 128
                        }
                    }
                    let coefficients = quantized(forwardDCT(block), table)
                    encodeBlock(coefficients, &predictors[c], dc, ac, &writer)
                }
            }
        }
        writer.flush()

        var jpeg: [UInt8] = [0xFF, 0xD8]
        segment(0xEE, Array("Adobe".utf8) + [0, 100, 0, 0, 0, 0, 0], &jpeg)
        segment(0xDB, [0] + zigzag.map { table[$0] }, &jpeg)
        var frame: [UInt8] = [8, UInt8(height >> 8), UInt8(height & 0xFF)]
        frame += [UInt8(width >> 8), UInt8(width & 0xFF), 4]
        for id in 1...4 { frame += [UInt8(id), 0x11, 0] }
        segment(0xC0, frame, &jpeg)
        segment(0xC4, [0x00] + dcBits + dcValues, &jpeg)
        segment(0xC4, [0x10] + acBits + acValues, &jpeg)
        var scan: [UInt8] = [4]
        for id in 1...4 { scan += [UInt8(id), 0x00] }
        scan += [0, 63, 0]
        segment(0xDA, scan, &jpeg)
        jpeg += writer.bytes
        jpeg += [0xFF, 0xD9]
        return jpeg
    }

    /// Appends a marker segment: `FF marker`, length, payload.
    private static func segment(_ marker: UInt8, _ payload: [UInt8], _ out: inout [UInt8]) {
        let length = payload.count + 2
        out += [0xFF, marker, UInt8(length >> 8), UInt8(length & 0xFF)]
        out += payload
    }

    /// Annex K's luminance table scaled as the IJG library scales it for `quality`, in
    /// natural (row-major) order.
    static func quantizationTable(quality: Int) -> [UInt8] {
        let q = min(100, max(1, quality))
        let scale = q < 50 ? 5000 / q : 200 - 2 * q
        return baseTable.map { UInt8(min(255, max(1, ($0 * scale + 50) / 100))) }
    }

    /// The 2-D DCT-II of an 8x8 block, scaled as JPEG defines it.
    static func forwardDCT(_ block: [Double]) -> [Double] {
        let half: Double = 0.5.squareRoot()
        var out = [Double](repeating: 0, count: 64)
        for v in 0..<8 {
            for u in 0..<8 {
                var sum = 0.0
                for y in 0..<8 {
                    for x in 0..<8 {
                        let weight: Double = cosines[x * 8 + u] * cosines[y * 8 + v]
                        sum += block[y * 8 + x] * weight
                    }
                }
                let cu: Double = u == 0 ? half : 1
                let cv: Double = v == 0 ? half : 1
                out[v * 8 + u] = 0.25 * cu * cv * sum
            }
        }
        return out
    }

    /// `cos((2x + 1)uπ/16)` at `[x * 8 + u]`.
    private static let cosines: [Double] = (0..<64).map { (i: Int) -> Double in
        let x = Double(2 * (i / 8) + 1), u = Double(i % 8)
        return cos(x * u * Double.pi / 16)
    }

    /// Coefficients divided by the table and rounded, in zigzag order.
    private static func quantized(_ coefficients: [Double], _ table: [UInt8]) -> [Int] {
        zigzag.map { Int((coefficients[$0] / Double(table[$0])).rounded()) }
    }

    /// Huffman-codes one block's zigzag coefficients.
    private static func encodeBlock(
        _ coefficients: [Int], _ predictor: inout Int, _ dc: HuffmanTable, _ ac: HuffmanTable,
        _ writer: inout BitWriter
    ) {
        let difference = coefficients[0] - predictor
        predictor = coefficients[0]
        let dcCategory = category(difference)
        writer.write(dc.codes[dcCategory])
        writer.write(amplitude(difference, dcCategory))
        var run = 0
        for k in 1..<64 {
            let value = coefficients[k]
            if value == 0 {
                run += 1
                continue
            }
            while run > 15 {
                writer.write(ac.codes[0xF0])
                run -= 16
            }
            let size = category(value)
            writer.write(ac.codes[run << 4 | size])
            writer.write(amplitude(value, size))
            run = 0
        }
        if run > 0 { writer.write(ac.codes[0x00]) }
    }

    /// The number of bits of `|value|`.
    private static func category(_ value: Int) -> Int {
        var magnitude = abs(value), bits = 0
        while magnitude > 0 {
            bits += 1
            magnitude >>= 1
        }
        return bits
    }

    /// The `size` extra bits of `value`: itself when positive, `value − 1` (its low bits)
    /// when negative.
    private static func amplitude(_ value: Int, _ size: Int) -> (code: Int, length: Int) {
        (value >= 0 ? value : value + (1 << size) - 1, size)
    }

    /// Canonical Huffman codes from a DHT's counts and values.
    struct HuffmanTable {
        /// `(code, length)` per symbol value.
        var codes = [(code: Int, length: Int)](repeating: (0, 0), count: 256)

        init(bits: [UInt8], values: [UInt8]) {
            var code = 0, k = 0
            for length in 1...16 {
                for _ in 0..<Int(bits[length - 1]) {
                    codes[Int(values[k])] = (code, length)
                    code += 1
                    k += 1
                }
                code <<= 1
            }
        }
    }

    /// Packs bits most significant first, stuffing a zero byte after every `FF`.
    struct BitWriter {
        var bytes: [UInt8] = []
        private var accumulator = 0
        private var count = 0

        mutating func write(_ bits: (code: Int, length: Int)) {
            guard bits.length > 0 else { return }
            accumulator = accumulator << bits.length | (bits.code & ((1 << bits.length) - 1))
            count += bits.length
            while count >= 8 {
                let byte = UInt8((accumulator >> (count - 8)) & 0xFF)
                bytes.append(byte)
                if byte == 0xFF { bytes.append(0) }
                count -= 8
            }
            accumulator &= (1 << count) - 1
        }

        /// Pads the last byte with one bits.
        mutating func flush() {
            if count > 0 { write(((1 << (8 - count)) - 1, 8 - count)) }
        }
    }

    /// The zigzag order: the natural index of the k-th coefficient.
    static let zigzag: [Int] = [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34,
        27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37,
        44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    ]

    /// Annex K.1's luminance quantization table, row-major.
    private static let baseTable: [Int] = [
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
        14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
        18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
    ]

    /// Annex K.3's luminance DC table.
    private static let dcBits: [UInt8] = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
    private static let dcValues: [UInt8] = Array(0...11)

    /// Annex K.3's luminance AC table.
    private static let acBits: [UInt8] = [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D]
    private static let acValues: [UInt8] = [
        0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51,
        0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xA1, 0x08, 0x23, 0x42, 0xB1, 0xC1,
        0x15, 0x52, 0xD1, 0xF0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0A, 0x16, 0x17, 0x18,
        0x19, 0x1A, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39,
        0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x53, 0x54, 0x55, 0x56, 0x57,
        0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x73, 0x74, 0x75,
        0x76, 0x77, 0x78, 0x79, 0x7A, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x92,
        0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7,
        0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3,
        0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8,
        0xD9, 0xDA, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF1, 0xF2,
        0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA,
    ]
}
