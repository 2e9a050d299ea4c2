import Checkpoints
import Datasets
import ImageClassification
import Testing

/// A `width × height` grey image of `paper` with `ink` rectangles (x, y, width, height).
private func page(
    width: Int, height: Int, paper: UInt8 = 255, ink: UInt8 = 0,
    rectangles: [(Int, Int, Int, Int)]
) throws -> Image {
    var image = try Image(width: width, height: height, format: .grey, filledWith: paper)
    for (x0, y0, w, h) in rectangles {
        for y in y0..<(y0 + h) { for x in x0..<(x0 + w) { image[x, y, 0] = ink } }
    }
    return image
}

private let mnist = try! PreprocessingPipeline(
    input: .init(height: 28, width: 28, colorMode: .grayscale),
    preprocessing: .init(method: .mnistCentering, mean: [0.1307], standardDeviation: [0.3081]))

/// The bounding box of the non-zero pixels of a grey image.
private func nonZeroBox(_ image: Image) -> (width: Int, height: Int)? {
    var xs: [Int] = [], ys: [Int] = []
    for y in 0..<image.height {
        for x in 0..<image.width where image[x, y, 0] > 0 {
            xs.append(x)
            ys.append(y)
        }
    }
    guard let minX = xs.min(), let maxX = xs.max(), let minY = ys.min(), let maxY = ys.max()
    else { return nil }
    return (maxX - minX + 1, maxY - minY + 1)
}

@Suite struct MNISTCenteringTests {
    @Test func digitBoxIsTwentyPixelsAndCentreOfMassIsAtTheCentre() throws {
        // An L-shaped mark far from the centre of a 200x120 page, dark on white.
        let image = try page(
            width: 200, height: 120, rectangles: [(20, 10, 12, 80), (20, 78, 50, 12)])
        let prepared = try mnist.preparedImage(image)
        #expect(prepared.width == 28 && prepared.height == 28 && prepared.format == .grey)
        let box = try #require(nonZeroBox(prepared))
        #expect(max(box.width, box.height) == 20)
        // The mark is 80 tall and 50 wide: 20 x 12.5, within rounding.
        #expect(box.height == 20 && (12...13).contains(box.width))
        let centre = try #require(PreprocessingPipeline.centreOfMass(of: prepared))
        #expect(abs(centre.x - 14) <= 0.5 && abs(centre.y - 14) <= 0.5)
        // Ink is light on black: the corners are background.
        #expect(prepared[0, 0, 0] == 0 && prepared[27, 27, 0] == 0)
        #expect(prepared.pixels.max() == 255)
    }

    @Test func keepsTheAspectRatioOfAThinStroke() throws {
        let image = try page(width: 60, height: 100, rectangles: [(25, 10, 8, 80)])
        let box = try #require(nonZeroBox(try mnist.preparedImage(image)))
        #expect(box.height == 20 && box.width == 2)
    }

    @Test func enlargesATinyDigit() throws {
        let image = try page(width: 12, height: 12, rectangles: [(4, 3, 2, 5)])
        let box = try #require(nonZeroBox(try mnist.preparedImage(image)))
        #expect(box.height == 20 && (8...10).contains(box.width))
    }

    @Test func darkInkOnLightPaperAndLightInkOnDarkGiveTheSameDigit() throws {
        let shapes = [(30, 20, 10, 60), (30, 20, 40, 10), (60, 20, 10, 30)]
        let darkOnLight = try page(
            width: 100, height: 100, paper: 240, ink: 20, rectangles: shapes)
        let lightOnDark = try page(
            width: 100, height: 100, paper: 10, ink: 230, rectangles: shapes)
        let a = try mnist.preparedImage(darkOnLight), b = try mnist.preparedImage(lightOnDark)
        #expect(a == b)
        #expect(a.pixels.max() == 255 && a[0, 0, 0] == 0)
    }

    @Test func darkInkOnMidGreyPaperIsFound() throws {
        let shapes = [(30, 20, 12, 60)]
        let reference = try mnist.preparedImage(
            try page(width: 100, height: 100, rectangles: shapes))
        let grey = try mnist.preparedImage(
            try page(width: 100, height: 100, paper: 110, ink: 30, rectangles: shapes))
        #expect(grey == reference)
    }

    @Test func transparentBackgroundsAreCompositedOntoTheRightPaper() throws {
        let shapes = [(10, 10, 6, 40), (10, 44, 30, 6)]
        let reference = try mnist.preparedImage(
            try page(width: 60, height: 60, rectangles: shapes))
        // Drawing-app export: black ink, fully transparent black elsewhere (dropping alpha
        // would leave a black page).
        var darkInk = try Image(width: 60, height: 60, format: .rgba, filledWith: 0)
        // White ink on transparent white (dropping alpha would leave a white page).
        var lightInk = try Image(width: 60, height: 60, format: .rgba, filledWith: 255)
        for y in 0..<60 {
            for x in 0..<60 { lightInk[x, y, 3] = 0 }
        }
        for (x0, y0, w, h) in shapes {
            for y in y0..<(y0 + h) {
                for x in x0..<(x0 + w) {
                    darkInk[x, y, 3] = 255
                    lightInk[x, y, 3] = 255
                }
            }
        }
        #expect(try mnist.preparedImage(darkInk) == reference)
        #expect(try mnist.preparedImage(lightInk) == reference)
    }

    @Test func aSpeckOfDustFarAwayIsIgnored() throws {
        let digit = [(100, 100, 16, 120)]
        let clean = try mnist.preparedImage(try page(width: 400, height: 400, rectangles: digit))
        let dusty = try mnist.preparedImage(
            try page(width: 400, height: 400, rectangles: digit + [(350, 20, 2, 2)]))
        #expect(dusty == clean)
    }

    @Test func aBlankPageGivesABlackInput() throws {
        let blank = try Image(width: 50, height: 40, format: .rgb, filledWith: 250)
        let prepared = try mnist.preparedImage(blank)
        #expect(prepared.width == 28 && prepared.pixels.allSatisfy { $0 == 0 })
        #expect(PreprocessingPipeline.inkBounds(of: prepared) == nil)
    }

    @Test func centeredDigitPlacesTheCentreOfMassAtTheCentreByWholePixels() throws {
        // A light 3x3 block in the top-left corner of a black 40x40 image.
        var digit = try Image(width: 40, height: 40, format: .grey)
        for y in 2..<5 { for x in 2..<5 { digit[x, y, 0] = 255 } }
        let centred = try PreprocessingPipeline.centeredDigit(digit, width: 28, height: 28)
        // Scaled to 20x20, its centre of mass (9.5, 9.5) moves to 14 (rounded shift 4.5 → 5).
        let centre = try #require(PreprocessingPipeline.centreOfMass(of: centred))
        #expect(centre.x == 14.5 && centre.y == 14.5)
        #expect(nonZeroBox(centred)! == (20, 20))
    }

    @Test func tensorIsNormalizedWithTheFileStatistics() throws {
        let image = try page(width: 50, height: 50, rectangles: [(20, 10, 10, 30)])
        let tensor = try mnist.tensor(for: [image, image])
        #expect(tensor.shape == [2, 1, 28, 28])
        let background: Float = (0 - 0.1307) / 0.3081, ink: Float = (1 - 0.1307) / 0.3081
        #expect(tensor.scalars[0] == background)
        #expect(tensor.scalars.max() == ink)
        #expect(throws: ImageClassifierError.self) { try mnist.tensor(for: []) }
    }
}

@Suite struct ResizePreprocessingTests {
    let pipeline = try! PreprocessingPipeline(
        input: .init(height: 8, width: 8, colorMode: .rgb),
        preprocessing: .init(
            method: .resize, mean: [0.5, 0.5, 0.5], standardDeviation: [0.25, 0.25, 0.25]))

    @Test func resizesToTheInputAndNormalizesEachChannel() throws {
        var pixels: [UInt8] = []
        for _ in 0..<(32 * 16) { pixels += [255, 0, 128] }
        let image = try Image(width: 32, height: 16, format: .rgb, pixels: pixels)
        let tensor = try pipeline.tensor(for: [image])
        #expect(tensor.shape == [1, 3, 8, 8])
        #expect(tensor.scalars[0] == (1 - 0.5) / 0.25)
        #expect(tensor.scalars[64] == (0 - 0.5) / 0.25)
        #expect(abs(tensor.scalars[128] - (128.0 / 255 - 0.5) / 0.25) < 1e-6)
    }

    @Test func greyAndTransparentImagesBecomeRGBOverWhite() throws {
        let grey = try Image(width: 4, height: 4, format: .grey, filledWith: 0)
        #expect(try pipeline.preparedImage(grey).format == .rgb)
        let clear = try Image(width: 8, height: 8, format: .rgba, filledWith: 0)
        #expect(try pipeline.preparedImage(clear).pixels.allSatisfy { $0 == 255 })
    }

    @Test func refusesAMethodItDoesNotImplementNamingIt() {
        let error = #expect(throws: ImageClassifierError.self) {
            try PreprocessingPipeline(
                input: .init(height: 8, width: 8, colorMode: .rgb),
                preprocessing: .init(
                    method: "center-crop", mean: [0, 0, 0], standardDeviation: [1, 1, 1]))
        }
        #expect(
            error
                == .unknownPreprocessingMethod(
                    method: "center-crop", known: ["mnist-centering", "resize"]))
        #expect(PreprocessingPipeline.methods == [.mnistCentering, .resize])
    }

    @Test func refusesStatisticsThatDoNotFitTheChannels() {
        #expect(throws: ImageClassifierError.self) {
            try PreprocessingPipeline(
                input: .init(height: 8, width: 8, colorMode: .rgb),
                preprocessing: .init(method: .resize, mean: [0.5], standardDeviation: [0.25]))
        }
        #expect(throws: ImageClassifierError.self) {
            try PreprocessingPipeline(
                input: .init(height: 8, width: 8, colorMode: .grayscale),
                preprocessing: .init(method: .resize, mean: [0.5], standardDeviation: [0]))
        }
    }
}
