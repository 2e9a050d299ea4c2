import Datasets
import ImageClassification
import TensorMath
import Testing

/// `FeatureMapGrid`: layout, per-tile min-max normalization, nearest-neighbour enlargement,
/// filters in colour, and shape errors.
@Suite struct FeatureMapGridTests {
    @Test func layoutIsNearlySquare() {
        #expect(
            FeatureMapGrid.layout(count: 16, tileWidth: 10, tileHeight: 10) == (4, 4, 50, 50))
        #expect(
            FeatureMapGrid.layout(count: 6, tileWidth: 5, tileHeight: 3, gap: 1) == (3, 2, 19, 9))
        #expect(
            FeatureMapGrid.layout(count: 1, tileWidth: 7, tileHeight: 7, gap: 0) == (1, 1, 7, 7))
        #expect(FeatureMapGrid.scale(forSide: 28) == 3 && FeatureMapGrid.scale(forSide: 7) == 10)
        #expect(FeatureMapGrid.scale(forSide: 1) == 16 && FeatureMapGrid.scale(forSide: 500) == 1)
    }

    @Test func tilesAreNormalizedOnTheirOwnAndEnlarged() throws {
        // Channel 0: 0, 1, 2, 3 (a ramp); channel 1: constant 5.
        let maps = try Tensor(shape: [1, 2, 2, 2], scalars: [0, 1, 2, 3, 5, 5, 5, 5])
        let image = try FeatureMapGrid.image(featureMaps: maps, scale: 2, gap: 1)
        #expect(image.format == .rgb)
        #expect(image.width == 1 + 2 * (4 + 1) && image.height == 1 + 1 * (4 + 1))
        func grey(_ x: Int, _ y: Int) -> UInt8? {
            let r = image[x, y, 0]
            return r == image[x, y, 1] && r == image[x, y, 2] ? r : nil
        }
        // Tile 0 starts at (1, 1); each value covers 2x2 pixels.
        #expect(grey(1, 1) == 0 && grey(2, 2) == 0)
        #expect(grey(3, 1) == 85 && grey(1, 3) == 170 && grey(4, 4) == 255)
        // The constant tile is black.
        #expect(grey(6, 1) == 0 && grey(9, 4) == 0)
        // Gaps.
        let gap = FeatureMapGrid.gapColor
        #expect(image[0, 0, 0] == gap.red && image[5, 2, 2] == gap.blue)
    }

    @Test func filtersWithThreeInputChannelsAreInColour() throws {
        // One 1x1 filter whose red weight is the largest and blue the smallest.
        let weight = try Tensor(shape: [1, 3, 1, 1], scalars: [2, 1, 0])
        let image = try FeatureMapGrid.image(filters: weight, scale: 1, gap: 0)
        #expect(image.width == 1 && image.height == 1)
        #expect(image.pixels == [255, 128, 0])
        // Two input channels: one tile per channel, a row per filter.
        let two = try Tensor(shape: [3, 2, 2, 2], scalars: (0..<24).map(Float.init))
        let grid = try FeatureMapGrid.image(filters: two, scale: 1, gap: 1)
        #expect(grid.width == 1 + 2 * 3 && grid.height == 1 + 3 * 3)
    }

    @Test func upscalingRepeatsPixels() throws {
        let image = try Image(width: 2, height: 1, format: .grey, pixels: [10, 200])
        let big = try FeatureMapGrid.upscaled(image, by: 3)
        #expect(big.width == 6 && big.height == 3)
        #expect(Array(big.pixels.prefix(6)) == [10, 10, 10, 200, 200, 200])
        #expect(throws: ImageClassifierError.self) {
            try FeatureMapGrid.upscaled(image, by: 0)
        }
    }

    @Test func wrongShapesAreErrorsNamingTheShape() throws {
        let flat = try Tensor.zeros([4, 10])
        let error = #expect(throws: ImageClassifierError.self) {
            try FeatureMapGrid.image(featureMaps: flat, scale: 1)
        }
        #expect(error?.description.contains("[4, 10]") == true)
        #expect(throws: ImageClassifierError.self) {
            try FeatureMapGrid.image(filters: flat, scale: 1)
        }
        #expect(throws: ImageClassifierError.self) {
            try FeatureMapGrid.image(featureMaps: try Tensor.zeros([2, 3, 3]), scale: 0)
        }
    }
}
