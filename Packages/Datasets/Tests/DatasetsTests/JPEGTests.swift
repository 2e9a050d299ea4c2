import Datasets
import Testing

@Suite struct JPEGTests {
    @Test func roundTripsRGBCloselyAtHighQuality() throws {
        let image = try smoothImage(width: 32, height: 24, format: .rgb)
        let jpeg = try image.jpegData(quality: 95)
        #expect(ImageFileFormat.detect(jpeg) == .jpeg)
        let decoded = try Image(encoded: jpeg)
        #expect(decoded.format == .rgb && decoded.width == 32 && decoded.height == 24)
        #expect(maxDifference(decoded.pixels, image.pixels) <= 12)
        let total = zip(decoded.pixels, image.pixels).map { abs(Int($0) - Int($1)) }.reduce(0, +)
        #expect(Double(total) / Double(image.pixels.count) < 2)
    }

    @Test func qualityTradesSizeForFidelity() throws {
        let image = try patternImage(width: 64, height: 64, format: .rgb)
        let small = try image.jpegData(quality: 10), large = try image.jpegData(quality: 100)
        #expect(small.count < large.count)
        let error: ([UInt8]) throws -> Int = { jpeg in
            let pixels = try Image(encoded: jpeg).pixels
            return zip(pixels, image.pixels).map { abs(Int($0) - Int($1)) }.reduce(0, +)
        }
        #expect(try error(small) > error(large))
        #expect(throws: DatasetError.self) { try image.jpegData(quality: 0) }
        #expect(throws: DatasetError.self) { try image.jpegData(quality: 101) }
    }

    @Test func greyStaysGrey() throws {
        let image = try smoothImage(width: 16, height: 16, format: .grey)
        let decoded = try Image(encoded: image.jpegData(quality: 95))
        #expect(decoded.format == .grey)
        #expect(maxDifference(decoded.pixels, image.pixels) <= 4)
    }

    /// Progressive and baseline files with the same quantization hold the same coefficients,
    /// so they decode to the same pixels.
    @Test func progressiveDecodesLikeBaseline() throws {
        let image = try patternImage(width: 40, height: 30, format: .rgb)
        let baseline = try image.jpegData(quality: 80)
        let progressive = try image.jpegData(quality: 80, progressive: true)
        #expect(containsMarker(progressive, 0xC2) && !containsMarker(baseline, 0xC2))
        #expect(try Image(encoded: progressive) == Image(encoded: baseline))
    }

    @Test func matchesPillowOnPillowsFiles() throws {
        let progressive = try Image(encoded: ReferenceFixtures.progressiveJPEG)
        #expect(progressive.format == .rgb && progressive.width == 16 && progressive.height == 12)
        #expect(maxDifference(progressive.pixels, ReferenceFixtures.progressiveJPEGPixels) <= 1)
        let grey = try Image(encoded: ReferenceFixtures.greyJPEG)
        #expect(grey.format == .grey)
        #expect(maxDifference(grey.pixels, ReferenceFixtures.greyJPEGPixels) <= 1)
    }

    @Test func decodesAdobeCMYKToRGB() throws {
        let image = try Image(encoded: ReferenceFixtures.cmykJPEG)
        #expect(image.format == .rgb && image.width == 8 && image.height == 8)
        #expect(maxDifference(image.pixels, ReferenceFixtures.cmykJPEGPixels) <= 2)
    }

    /// Like Pillow and web browsers, CMYK is read as Photoshop writes it (inverted) whether or
    /// not the Adobe marker says so.
    @Test func decodesCMYKWithoutAnAdobeMarkerLikePillow() throws {
        let image = try Image(encoded: ReferenceFixtures.plainCMYKJPEG)
        #expect(image.format == .rgb)
        #expect(maxDifference(image.pixels, ReferenceFixtures.plainCMYKJPEGPixels) <= 2)
    }

    @Test func refusesAlphaAndConvertsOnRequest() throws {
        let rgba = try patternImage(width: 4, height: 4, format: .rgba)
        #expect { try rgba.jpegData() } throws: { describes($0, "alpha") }
        let jpeg = try rgba.composited(onto: .white).jpegData()
        #expect(try Image(encoded: jpeg, format: .grey).format == .grey)
        #expect(try Image(encoded: jpeg, format: .rgba).format == .rgba)
    }

    func containsMarker(_ bytes: [UInt8], _ marker: UInt8) -> Bool {
        zip(bytes, bytes.dropFirst()).contains { $0 == 0xFF && $1 == marker }
    }
}
