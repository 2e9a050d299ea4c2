import Datasets
import Testing

@Suite struct ImageTests {
    @Test func validatesItsBytes() throws {
        #expect(throws: DatasetError.self) {
            try Image(width: 2, height: 2, format: .rgb, pixels: [1, 2, 3])
        }
        #expect(throws: DatasetError.self) { try Image(width: -1, height: 2, format: .grey) }
        var image = try Image(width: 3, height: 2, format: .rgb, filledWith: 9)
        image[2, 1, 2] = 200
        #expect(image.pixels.last == 200 && image[0, 0, 0] == 9)
        #expect(image.channels == 3)
        #expect("\(image)" == "Image(3x2 RGB)")
    }

    @Test func convertsBetweenFormatsLikePillow() throws {
        let rgb = try Image(
            width: 3, height: 1, format: .rgb, pixels: [255, 0, 0, 0, 255, 0, 10, 20, 30])
        // Pillow: L = (19595 R + 38470 G + 7471 B + 0x8000) >> 16
        #expect(rgb.converted(to: .grey).pixels == [76, 150, 18])
        let opaque: [UInt8] = [255, 0, 0, 255, 0, 255, 0, 255, 10, 20, 30, 255]
        #expect(rgb.converted(to: .rgba).pixels == opaque)
        let grey = try Image(width: 2, height: 1, format: .grey, pixels: [7, 200])
        #expect(grey.converted(to: .rgb).pixels == [7, 7, 7, 200, 200, 200])
        #expect(grey.converted(to: .rgba).pixels == [7, 7, 7, 255, 200, 200, 200, 255])
        let rgba = try Image(width: 1, height: 1, format: .rgba, pixels: [10, 20, 30, 0])
        #expect(rgba.converted(to: .rgb).pixels == [10, 20, 30])  // alpha dropped, as Pillow does
        #expect(rgb.converted(to: .rgb) == rgb)
    }

    @Test func compositesAlphaOntoABackground() throws {
        let rgba = try Image(
            width: 3, height: 1, format: .rgba,
            pixels: [200, 100, 0, 255, 200, 100, 0, 0, 200, 100, 0, 128])
        let onWhite = rgba.composited(onto: .white)
        #expect(onWhite.format == .rgb)
        // Half-covered: (200·128 + 255·127) / 255 = 227.4; (100·128 + 255·127) / 255 = 177.2
        #expect(onWhite.pixels == [200, 100, 0, 255, 255, 255, 227, 177, 127])
        let onColour = rgba.composited(onto: Color(red: 0, green: 50, blue: 250))
        #expect(onColour.pixels[3...5] == [0, 50, 250])
        let grey = try Image(width: 1, height: 1, format: .grey, pixels: [3])
        #expect(grey.composited() == grey)
        #expect(Color(grey: 9) == Color(red: 9, green: 9, blue: 9))
        #expect(Color(red: 255, green: 0, blue: 0).luminance == 76)
    }

    @Test func invertsColoursButNotAlpha() throws {
        let rgba = try Image(width: 1, height: 1, format: .rgba, pixels: [0, 100, 255, 77])
        #expect(rgba.inverted().pixels == [255, 155, 0, 77])
        let grey = try Image(width: 2, height: 1, format: .grey, pixels: [0, 200])
        #expect(grey.inverted().pixels == [255, 55])
    }

    @Test func cropsPadsAndFlips() throws {
        let image = try patternImage(width: 5, height: 4, format: .rgb)
        let crop = try image.cropped(x: 1, y: 2, width: 3, height: 2)
        #expect(crop.width == 3 && crop.height == 2)
        for y in 0..<2 {
            for x in 0..<3 {
                for c in 0..<3 {
                    #expect(crop[x, y, c] == image[x + 1, y + 2, c])
                }
            }
        }
        #expect(throws: DatasetError.self) { try image.cropped(x: 3, y: 0, width: 3, height: 1) }
        #expect(throws: DatasetError.self) { try image.cropped(x: -1, y: 0, width: 1, height: 1) }

        let padded = try image.padded(top: 1, left: 2, bottom: 0, right: 1, value: 9)
        #expect(padded.width == 8 && padded.height == 5)
        #expect(padded[0, 0, 0] == 9 && padded[7, 4, 2] == 9)
        #expect(padded[2, 1, 1] == image[0, 0, 1] && padded[6, 4, 0] == image[4, 3, 0])
        #expect(try padded.cropped(x: 2, y: 1, width: 5, height: 4) == image)
        #expect(throws: DatasetError.self) { try image.padded(by: -1) }

        let flipped = image.flippedHorizontally()
        #expect(flipped[0, 1, 2] == image[4, 1, 2] && flipped[4, 3, 0] == image[0, 3, 0])
        #expect(flipped.flippedHorizontally() == image)

        let centre = try image.centerCropped(width: 3, height: 2)
        #expect(centre == (try image.cropped(x: 1, y: 1, width: 3, height: 2)))
    }
}
