import Datasets
import Foundation
import Testing

/// Small files that would make a decoder do unbounded work or allocate far more than their
/// size: each is refused quickly, with an error naming the file and the problem.
@Suite struct WorkBombTests {
    let folder: TemporaryDirectory

    init() throws { folder = try TemporaryDirectory() }

    /// Decodes `bytes` from a file; returns the error's description and the seconds it took.
    func refusal(_ bytes: [UInt8], named name: String) throws -> (text: String, seconds: Double) {
        let path = try folder.write(bytes, to: name)
        let clock = ContinuousClock()
        let start = clock.now
        do {
            _ = try Image(contentsOf: path)
        } catch {
            let elapsed = clock.now - start
            #expect("\(error)".hasPrefix(path), "the message names the file: \(error)")
            let seconds =
                Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            return ("\(error)", seconds)
        }
        Issue.record("\(name) decoded without an error")
        return ("", 0)
    }

    /// A 28x28 grey PNG's signature and IHDR.
    func pngStart(_ png: PNGSynthesizer) -> [UInt8] {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        bytes += png.chunk(
            "IHDR",
            bigEndian32(UInt32(png.width)) + bigEndian32(UInt32(png.height))
                + [UInt8(png.bitDepth), png.colorType.rawValue, 0, 0, 0])
        return bytes
    }

    @Test(arguments: ["tEXt", "zTXt", "iTXt", "sPLT", "iCCP", "prVt"])
    func chunkDeclaringTwoGibibytes(type: String) throws {
        // libpng allocates (and zeroes) a text chunk's declared length before reading it.
        let png = PNGSynthesizer(width: 28, height: 28, colorType: .grey, bitDepth: 8)
        var bytes = pngStart(png)
        bytes += bigEndian32(0x7fff_ffff) + Array(type.utf8) + [UInt8](repeating: 65, count: 100)
        let (text, seconds) = try refusal(bytes, named: "\(type)-bomb.png")
        #expect(text.contains("chunk \(type)") && text.contains("2147483647"), "\(text)")
        #expect(seconds < 0.5, "took \(seconds) s")
    }

    @Test func chunkCutShortAfterTheImageData() throws {
        let png = PNGSynthesizer(width: 4, height: 4, colorType: .grey, bitDepth: 8)
        var bytes = png.encode([UInt16](repeating: 9, count: 16))
        bytes.removeLast(12)  // IEND
        bytes += bigEndian32(1000) + Array("tEXt".utf8) + Array("Comment\0hi".utf8)
        let (text, _) = try refusal(bytes, named: "short-text.png")
        #expect(text.contains("chunk tEXt") && text.contains("only"), "\(text)")
    }

    @Test func firstChunkMustBeTheHeader() throws {
        let png = PNGSynthesizer(width: 4, height: 4, colorType: .grey, bitDepth: 8)
        var bytes = Array(png.encode([UInt16](repeating: 9, count: 16)).prefix(8))
        bytes += png.chunk("tEXt", Array("Comment\0hi".utf8))
        let (text, _) = try refusal(bytes, named: "no-header.png")
        #expect(text.contains("not the 13-byte IHDR"), "\(text)")
    }

    /// A 28x28 image whose zlib stream goes on with about 77 MB of compressed zeros after the
    /// last row (a 490 KB file): libpng would inflate all of it before the file is accepted.
    @Test func zlibStreamThatGoesOnAfterTheLastRow() throws {
        let png = PNGSynthesizer(width: 28, height: 28, colorType: .grey, bitDepth: 8)
        let rows = png.scanlines([UInt16](repeating: 200, count: 28 * 28))
        var bytes = pngStart(png)
        bytes += png.chunk("IDAT", zlibFollowedByZeros(rows, runs: 300_000))
        bytes += png.chunk("IEND", [])
        let (text, seconds) = try refusal(bytes, named: "zlib-bomb.png")
        #expect(text.contains("decompression bomb") && text.contains("refused"), "\(text)")
        #expect(seconds < 1, "took \(seconds) s")
    }

    /// A progressive JPEG whose last scan is repeated `extra` more times.
    func progressiveJPEG(side: Int, extraScans extra: Int) throws -> [UInt8] {
        let jpeg = try Image(width: side, height: side, format: .grey).jpegData(
            quality: 90, progressive: true)
        let lastScan = try #require(
            jpeg.indices.dropLast().last { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xDA })
        let scan = jpeg[lastScan..<(jpeg.count - 2)]  // up to EOI
        var bytes = Array(jpeg.prefix(jpeg.count - 2))
        for _ in 0..<extra { bytes += scan }
        return bytes + [0xFF, 0xD9]
    }

    /// 400 scans of 2048x2048 pixels (a 30 KB file) ask for 1.7 billion pixel-scans.
    @Test func jpegRepeatingARefinementScanOfALargeImage() throws {
        let bytes = try progressiveJPEG(side: 2048, extraScans: 400)
        let (text, seconds) = try refusal(bytes, named: "scan-bomb.jpg")
        #expect(text.contains("scans of 2048x2048 pixels exceed the limit"), "\(text)")
        #expect(seconds < 0.5, "took \(seconds) s")
    }

    /// Over 1,000 scans are refused before any is decoded, whatever the image's size.
    @Test func jpegWithMoreScansThanTheLimit() throws {
        let bytes = try progressiveJPEG(side: 16, extraScans: 1000)
        let (text, _) = try refusal(bytes, named: "many-scans.jpg")
        #expect(text.contains("scans of 16x16 pixels exceed the limit of 1000 scans"), "\(text)")
    }

    /// A 1 MB gzip IDX file whose header declares a million 28x28 images (784 MB): refused from
    /// the header, since 1 MB of deflate data may not inflate past 200 MB.
    @Test func gzipIDXDeclaringFarMoreThanItsDataCanHold() throws {
        var generator = SystemRandomNumberGenerator()
        let noise = (0..<1_000_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let header: [UInt8] =
            [0, 0, 0x08, 3] + bigEndian32(1_000_000) + bigEndian32(28)
            + bigEndian32(28)
        let path = try folder.write(try Gzip.compress(header + noise, level: 1), to: "bomb.gz")
        #expect {
            try IDXArray(contentsOf: path)
        } throws: { error in
            describes(error, path, "1000000x28x28", "200 times", "decompression bombs")
        }
    }

    /// Found by FuzzIDX: dimensions whose product overflows, then a zero one, gave an "empty"
    /// array whose shape a reader multiplying its dimensions would trap on. Refused now.
    @Test func idxDimensionsOverflowingBeforeAZero() throws {
        let bytes: [UInt8] = [
            0, 0, 0x0B, 5, 0x3D, 0xFE, 0xD4, 0xFF, 0x01, 0x12, 0x00, 0x53, 0x75, 0x01, 0, 0,
            0, 0, 0, 0, 0x0C, 0x65, 0, 0,
        ]
        #expect {
            try IDXArray(bytes: bytes, source: "overflow.idx")
        } throws: { error in
            describes(error, "overflow.idx", "more than")
        }
        for shape in [[0, 1 << 30, 1 << 30], [1 << 20, 0, 1 << 20]] {
            var header: [UInt8] = [0, 0, 0x08, UInt8(shape.count)]
            for d in shape { header += bigEndian32(UInt32(d)) }
            #expect(throws: DatasetError.self) { try IDXArray(bytes: header, source: "e.idx") }
        }
    }

    /// Text, ICC and private chunks do not stop a good image from decoding.
    @Test func ancillaryChunksAreSkipped() throws {
        let png = PNGSynthesizer(width: 3, height: 2, colorType: .grey, bitDepth: 8)
        let samples: [UInt16] = [0, 50, 100, 150, 200, 250]
        var bytes = png.encode(samples)
        let iend = Array(bytes.suffix(12))
        bytes.removeLast(12)
        bytes += png.chunk("tEXt", Array("Comment\0a digit".utf8))
        bytes += png.chunk("zTXt", Array("Comment\0\0".utf8) + zlibStored(Array("x".utf8)))
        bytes += png.chunk("prVt", [1, 2, 3])
        bytes += iend
        let path = try folder.write(bytes, to: "text.png")
        let image = try Image(contentsOf: path)
        #expect(image.pixels == samples.map { UInt8($0) })
    }
}

/// A zlib stream holding `data` in a stored block, then a fixed-Huffman block of `runs`
/// back-references of 258 zero bytes each (13 bits per 258 bytes: a 1,000-fold expansion).
func zlibFollowedByZeros(_ data: [UInt8], runs: Int) -> [UInt8] {
    var bits = BitWriter()
    bits.bytes = [0x78, 0x01]
    bits.write(0, count: 1)  // not final
    bits.write(0, count: 2)  // stored
    bits.alignToByte()
    bits.bytes += [UInt8(data.count & 0xFF), UInt8(data.count >> 8)]
    bits.bytes += [UInt8(~data.count & 0xFF), UInt8((~data.count >> 8) & 0xFF)]
    bits.bytes += data
    bits.write(1, count: 1)  // final
    bits.write(1, count: 2)  // fixed Huffman codes
    bits.writeCode(0x30, length: 8)  // literal 0
    for _ in 0..<runs {
        bits.writeCode(0xC5, length: 8)  // length code 285: 258 bytes
        bits.writeCode(0, length: 5)  // distance code 0: 1 byte back
    }
    bits.writeCode(0, length: 7)  // end of block
    bits.alignToByte()
    let zeros = 1 + 258 * runs
    var a: UInt32 = 1
    var b: UInt32 = 0
    for byte in data {
        a = (a + UInt32(byte)) % 65521
        b = (b + a) % 65521
    }
    b = UInt32((UInt64(b) + UInt64(a) * UInt64(zeros)) % 65521)
    return bits.bytes + bigEndian32(b << 16 | a)
}

/// Writes a deflate bit stream: values least significant bit first, Huffman codes most
/// significant bit first.
struct BitWriter {
    var bytes: [UInt8] = []
    private var current: UInt32 = 0
    private var used = 0

    mutating func write(_ value: UInt32, count: Int) {
        for i in 0..<count {
            current |= ((value >> UInt32(i)) & 1) << UInt32(used)
            used += 1
            if used == 8 { flush() }
        }
    }

    mutating func writeCode(_ code: UInt32, length: Int) {
        for i in stride(from: length - 1, through: 0, by: -1) {
            write((code >> UInt32(i)) & 1, count: 1)
        }
    }

    mutating func alignToByte() { if used > 0 { flush() } }

    private mutating func flush() {
        bytes.append(UInt8(current))
        current = 0
        used = 0
    }
}
