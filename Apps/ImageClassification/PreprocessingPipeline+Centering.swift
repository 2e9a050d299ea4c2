import Datasets

extension PreprocessingPipeline {
    /// The fraction of each side of the input that the digit's box fills: MNIST scaled every
    /// digit into a 20x20 box of its 28x28 pictures.
    public static let digitBoxFraction = 20.0 / 28.0

    /// When cropping to the ink, the rows (and columns) at each edge holding together at most
    /// this fraction of all ink are left out, so that a speck of dust far from the digit does
    /// not shrink it.
    public static let strayInkFraction = 0.003

    /// A rectangle of pixels: the ink's bounding box.
    public struct PixelBox: Equatable, Sendable {
        /// The leftmost column.
        public var x: Int
        /// The top row.
        public var y: Int
        /// The width in pixels, at least 1.
        public var width: Int
        /// The height in pixels, at least 1.
        public var height: Int

        /// Creates a box.
        public init(x: Int, y: Int, width: Int, height: Int) {
            self.x = x
            self.y = y
            self.width = width
            self.height = height
        }
    }

    /// The bounding box of the ink (non-zero pixels) of a grey light-on-black digit image,
    /// leaving out edge rows and columns that together hold at most ``strayInkFraction`` of
    /// the ink; `nil` for an image without ink.
    public static func inkBounds(of digit: Image) -> PixelBox? {
        let grey = digit.converted(to: .grey)
        let width = grey.width, height = grey.height
        // Integer sums (exact), then Doubles: the same values as summing in Double.
        var rowSums = [Int](repeating: 0, count: height)
        var columnSums = [Int](repeating: 0, count: width)
        grey.pixels.withUnsafeBufferPointer { pixels in
            columnSums.withUnsafeMutableBufferPointer { columnSums in
                guard let first = pixels.baseAddress, let columns = columnSums.baseAddress
                else { return }
                for y in 0..<height {
                    // Wrapping adds (no overflow check, so the loop vectorizes): the sums stay
                    // below 255 · width · height.
                    let row = first + y * width
                    var sum = 0
                    for x in 0..<width {
                        let v = Int(row[x])
                        sum &+= v
                        columns[x] &+= v
                    }
                    rowSums[y] = sum
                }
            }
        }
        let rows = rowSums.map(Double.init), columns = columnSums.map(Double.init)
        let total = rows.reduce(0, +)
        guard total > 0 else { return nil }
        let stray = strayInkFraction * total
        func span(_ sums: [Double]) -> Range<Int> {
            var low = 0, lowMass = 0.0
            while low < sums.count - 1, lowMass + sums[low] <= stray || sums[low] == 0 {
                lowMass += sums[low]
                low += 1
            }
            var high = sums.count - 1, highMass = 0.0
            while high > low, highMass + sums[high] <= stray || sums[high] == 0 {
                highMass += sums[high]
                high -= 1
            }
            return low..<(high + 1)
        }
        let ys = span(rows), xs = span(columns)
        return PixelBox(x: xs.lowerBound, y: ys.lowerBound, width: xs.count, height: ys.count)
    }

    /// The centre of mass of a grey image's pixel values, in pixel-index coordinates (the
    /// top-left pixel's centre is `(0, 0)`); `nil` for an all-black image.
    public static func centreOfMass(of image: Image) -> (x: Double, y: Double)? {
        let grey = image.converted(to: .grey)
        let width = grey.width
        var mass = 0.0, sumX = 0.0, sumY = 0.0
        grey.pixels.withUnsafeBufferPointer { pixels in
            for y in 0..<grey.height {
                var row = 0.0, rowX = 0.0
                for x in 0..<width {
                    let v = Double(pixels[y * width + x])
                    row += v
                    rowX += v * Double(x)
                }
                mass += row
                sumX += rowX
                sumY += row * Double(y)
            }
        }
        guard mass > 0 else { return nil }
        return (sumX / mass, sumY / mass)
    }

    /// A grey light-on-black digit image (see ``digitImage(_:)``) centred as MNIST's: cropped
    /// to its ink (``inkBounds(of:)``), scaled keeping its aspect ratio so that its longer side
    /// fills ``digitBoxFraction`` of the output (20 of 28 pixels; area averaging when
    /// shrinking, bilinear when enlarging), and placed on a black `width × height` canvas
    /// shifted by whole pixels so that its centre of mass lands at `(width / 2, height / 2)`
    /// in pixel-index coordinates (MNIST's digits have theirs at 14.0 on average). Ink shifted
    /// past the canvas edge is cut. A digit without ink gives a black canvas.
    /// - Throws: ``Datasets/DatasetError/invalidArgument(operation:reason:)`` for a size below
    ///   1.
    public static func centeredDigit(_ digit: Image, width: Int, height: Int) throws -> Image {
        guard width >= 1, height >= 1 else {
            throw DatasetError.invalidArgument(
                operation: "PreprocessingPipeline.centeredDigit",
                reason: "cannot centre a digit in \(width)x\(height) pixels")
        }
        var canvas = try Image(width: width, height: height, format: .grey)
        guard let box = inkBounds(of: digit) else { return canvas }
        let ink = try digit.converted(to: .grey).cropped(
            x: box.x, y: box.y, width: box.width, height: box.height)
        let boxWidth = max(1.0, (Double(width) * digitBoxFraction).rounded())
        let boxHeight = max(1.0, (Double(height) * digitBoxFraction).rounded())
        let scale = min(boxWidth / Double(box.width), boxHeight / Double(box.height))
        let scaledWidth = max(1, Int((Double(box.width) * scale).rounded()))
        let scaledHeight = max(1, Int((Double(box.height) * scale).rounded()))
        let scaled = try ink.resized(
            width: scaledWidth, height: scaledHeight, method: scale < 1 ? .area : .bilinear)
        guard let centre = centreOfMass(of: scaled) else { return canvas }
        let left = Int((Double(width) / 2 - centre.x).rounded())
        let top = Int((Double(height) / 2 - centre.y).rounded())
        scaled.pixels.withUnsafeBufferPointer { source in
            canvas.withUnsafeMutablePixels { out in
                for y in 0..<scaledHeight where (0..<height).contains(top + y) {
                    for x in 0..<scaledWidth where (0..<width).contains(left + x) {
                        out[(top + y) * width + left + x] = source[y * scaledWidth + x]
                    }
                }
            }
        }
        return canvas
    }
}
