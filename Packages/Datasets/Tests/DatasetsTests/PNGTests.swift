import Datasets
import Testing

/// Every PNG colour type and bit depth, plain and interlaced, from a synthesizer independent of
/// libpng, checked against expectations computed here.
@Suite struct PNGTests {
    /// 5x4 is odd-sized, so every Adam7 pass has partial rows and columns.
    let width = 5, height = 4

    func samples(count: Int, maximum: Int) -> [UInt16] {
        (0..<count).map { UInt16(($0 * 7919 + 13) % (maximum + 1)) }
    }

    @Test(arguments: [1, 2, 4, 8, 16], [false, true])
    func greyOfEveryBitDepth(bitDepth: Int, interlaced: Bool) throws {
        let maximum = (1 << bitDepth) - 1
        var values = samples(count: width * height, maximum: maximum)
        if bitDepth == 16 {
            values = values.indices.map { UInt16(257 * ($0 * 13 % 256) + 40) }
        }
        let png = PNGSynthesizer(
            width: width, height: height, colorType: .grey, bitDepth: bitDepth,
            interlaced: interlaced
        ).encode(values)
        let image = try Image(encoded: png)
        #expect(image.format == .grey)
        #expect(image.width == width && image.height == height)
        let expected = values.map { v -> UInt8 in
            bitDepth == 16 ? UInt8(v / 257) : UInt8(Int(v) * 255 / maximum)
        }
        #expect(image.pixels == expected)
    }

    @Test(arguments: [8, 16], [false, true])
    func rgbAndRGBA(bitDepth: Int, interlaced: Bool) throws {
        for colorType in [PNGSynthesizer.ColorType.rgb, .rgba] {
            let channels = colorType.samplesPerPixel
            let bytes = pattern(height: height, width: width, channels: channels)
            let values = bytes.map { (byte: UInt8) -> UInt16 in
                bitDepth == 16 ? UInt16(byte) * 257 + (byte < 255 ? 100 : 0) : UInt16(byte)
            }
            let png = PNGSynthesizer(
                width: width, height: height, colorType: colorType, bitDepth: bitDepth,
                interlaced: interlaced
            ).encode(values)
            let image = try Image(encoded: png)
            #expect(image.format == (colorType == .rgb ? .rgb : .rgba))
            #expect(image.pixels == bytes)
        }
    }

    @Test(arguments: [8, 16], [false, true])
    func greyWithAlphaBecomesRGBA(bitDepth: Int, interlaced: Bool) throws {
        let bytes = pattern(height: height, width: width, channels: 2)
        let values = bytes.map { bitDepth == 16 ? UInt16($0) * 257 : UInt16($0) }
        let png = PNGSynthesizer(
            width: width, height: height, colorType: .greyAlpha, bitDepth: bitDepth,
            interlaced: interlaced
        ).encode(values)
        let image = try Image(encoded: png)
        #expect(image.format == .rgba)
        let expected = stride(from: 0, to: bytes.count, by: 2).flatMap {
            [bytes[$0], bytes[$0], bytes[$0], bytes[$0 + 1]]
        }
        #expect(image.pixels == expected)
    }

    @Test(arguments: [1, 2, 4, 8], [false, true])
    func paletteOfEveryBitDepth(bitDepth: Int, interlaced: Bool) throws {
        let entries = 1 << bitDepth
        let palette: [[UInt8]] = (0..<entries).map { (i: Int) -> [UInt8] in
            [UInt8(i * 3 % 256), UInt8(255 - i % 256), UInt8(i * 7 % 256)]
        }
        let indices = samples(count: width * height, maximum: entries - 1)
        var synthesizer = PNGSynthesizer(
            width: width, height: height, colorType: .palette, bitDepth: bitDepth,
            interlaced: interlaced)
        synthesizer.palette = palette
        let opaque = try Image(encoded: synthesizer.encode(indices))
        #expect(opaque.format == .rgb)
        #expect(opaque.pixels == indices.flatMap { palette[Int($0)] })

        // A tRNS chunk gives alpha to the first entries; the rest stay opaque.
        synthesizer.transparency = [0, 128]
        let translucent = try Image(encoded: synthesizer.encode(indices))
        #expect(translucent.format == .rgba)
        let alpha: (UInt16) -> UInt8 = { $0 == 0 ? 0 : $0 == 1 ? 128 : 255 }
        #expect(translucent.pixels == indices.flatMap { palette[Int($0)] + [alpha($0)] })
    }

    @Test func greyAndRGBTransparencyKeysBecomeAlpha() throws {
        var grey = PNGSynthesizer(width: 3, height: 1, colorType: .grey, bitDepth: 8)
        grey.transparency = [0, 7]
        let image = try Image(encoded: grey.encode([7, 8, 9]))
        #expect(image.format == .rgba)
        #expect(image.pixels == [7, 7, 7, 0, 8, 8, 8, 255, 9, 9, 9, 255])

        var rgb = PNGSynthesizer(width: 2, height: 1, colorType: .rgb, bitDepth: 8)
        rgb.transparency = [0, 1, 0, 2, 0, 3]
        let keyed = try Image(encoded: rgb.encode([1, 2, 3, 4, 5, 6]))
        #expect(keyed.pixels == [1, 2, 3, 0, 4, 5, 6, 255])
    }

    @Test func decodesPillowFilesWithFiltersAndCompression() throws {
        let palette = try Image(encoded: ReferenceFixtures.palettePNG)
        #expect(palette.format == .rgba && palette.width == 6 && palette.height == 5)
        #expect(palette.pixels == ReferenceFixtures.palettePNGPixels)
        let rgba = try Image(encoded: ReferenceFixtures.rgbaPNG)
        #expect(rgba.pixels == pattern(height: 4, width: 5, channels: 4))
    }

    @Test(arguments: PixelFormat.allCases)
    func encodesAndDecodesLosslessly(format: PixelFormat) throws {
        let image = try patternImage(width: 37, height: 23, format: format)
        let png = try image.pngData()
        #expect(ImageFileFormat.detect(png) == .png)
        #expect(try Image(encoded: png) == image)
        #expect(try Image(encoded: image.pngData(compressionLevel: 0)) == image)
        #expect(throws: DatasetError.self) { try image.pngData(compressionLevel: 10) }
    }

    @Test func writesAtomicallyAndReadsBackByMagicNotName() throws {
        let folder = try TemporaryDirectory()
        let image = try patternImage(width: 8, height: 6, format: .rgb)
        try image.write(to: folder.file("plot.png"))
        #expect(try Image(contentsOf: folder.file("plot.png")) == image)
        #expect(try folder.contents() == ["plot.png"])  // no temporary file left behind
        // A PNG named .jpg is still decoded as the PNG it is.
        try folder.write(image.pngData(), to: "misnamed.jpg")
        #expect(try Image(contentsOf: folder.file("misnamed.jpg")) == image)
        #expect(throws: DatasetError.self) { try image.write(to: folder.file("plot.bmp")) }
    }

    @Test func convertsOnDecodingWhenAsked() throws {
        let rgba = try Image(encoded: ReferenceFixtures.rgbaPNG, format: .grey)
        #expect(rgba.format == .grey)
        #expect(rgba == (try Image(encoded: ReferenceFixtures.rgbaPNG)).converted(to: .grey))
    }
}
