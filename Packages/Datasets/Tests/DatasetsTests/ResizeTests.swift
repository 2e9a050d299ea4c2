import Datasets
import Testing

/// Goldens: Tools/reference/datasets_fixtures.py (PyTorch F.interpolate).
@Suite struct ResizeTests {
    @Test func bilinearMatchesPyTorch() throws {
        let image = try patternImage(width: 7, height: 5, format: .rgb)
        let shrunk = try image.resized(width: 4, height: 3)
        let expectedSmall = ReferenceFixtures.bilinear5x7To3x4.map(UInt8.init)
        #expect(maxDifference(shrunk.pixels, expectedSmall) <= 1)
        let grown = try image.resized(width: 11, height: 9, method: .bilinear)
        let expectedLarge = ReferenceFixtures.bilinear5x7To9x11.map(UInt8.init)
        #expect(maxDifference(grown.pixels, expectedLarge) <= 1)
    }

    @Test func areaMatchesPyTorchForIntegerFactors() throws {
        let image = try patternImage(width: 8, height: 6, format: .rgb)
        let shrunk = try image.resized(width: 4, height: 3, method: .area)
        #expect(maxDifference(shrunk.pixels, ReferenceFixtures.area6x8To3x4.map(UInt8.init)) <= 1)
    }

    /// 3 pixels to 2: each output covers 1.5 inputs, the middle one split in half.
    @Test func areaWeighsPartialPixelsByOverlap() throws {
        let image = try Image(width: 3, height: 1, format: .grey, pixels: [30, 90, 150])
        let out = try image.resized(width: 2, height: 1, method: .area)
        // (30 + 0.5·90) / 1.5 = 50; (0.5·90 + 150) / 1.5 = 130
        #expect(out.pixels == [50, 130])
        // Doubling with area repeats each pixel.
        let doubled = try image.resized(width: 6, height: 2, method: .area)
        #expect(doubled.pixels == [30, 30, 90, 90, 150, 150, 30, 30, 90, 90, 150, 150])
    }

    /// Hand-computed: 2 pixels to 4 with half-pixel centres samples at −0.25 (clamped), 0.25,
    /// 0.75, 1.25 (clamped).
    @Test func bilinearHandComputed() throws {
        let image = try Image(width: 2, height: 1, format: .grey, pixels: [0, 200])
        #expect(try image.resized(width: 4, height: 1).pixels == [0, 50, 150, 200])
    }

    @Test func keepsConstantsConstantAndRejectsEmptySizes() throws {
        let flat = try Image(width: 13, height: 7, format: .rgba, filledWith: 77)
        for method in [Image.ResizeMethod.bilinear, .area] {
            let out = try flat.resized(width: 5, height: 9, method: method)
            #expect(out.pixels.allSatisfy { $0 == 77 })
        }
        #expect(try flat.resized(width: 13, height: 7) == flat)
        #expect(throws: DatasetError.self) { try flat.resized(width: 0, height: 3) }
    }
}
