import Datasets
import TensorMath

/// Pictures of what a convolutional layer sees: its feature maps (or the first layer's
/// filters) as a grid of tiles, each tile min-max normalized on its own (its minimum black,
/// its maximum white; a constant tile is black), enlarged by an integer factor with nearest
/// neighbour so that 7x7 maps stay visible, with `gap`-pixel steel-blue lines between tiles and
/// around the grid. Tiles run left to right, then top to bottom, in channel order, in a grid
/// of `⌈√count⌉` columns.
///
/// ```swift
/// let maps = trace.steps[0].output                               // [1, 16, 28, 28]
/// let scale = FeatureMapGrid.scale(forSide: 28)                  // 3
/// try FeatureMapGrid.image(featureMaps: maps, scale: scale).write(to: "conv1.png")
/// ```
public enum FeatureMapGrid {
    /// The colour between and around tiles.
    public static let gapColor = Color(red: 70, green: 110, blue: 160)
    /// The largest grid drawn, in pixels.
    public static let maximumPixels = 1 << 26

    /// The integer enlargement that brings a side of `side` pixels to at least `target`
    /// pixels (default 64), between 1 and 16.
    public static func scale(forSide side: Int, target: Int = 64) -> Int {
        guard side > 0 else { return 1 }
        return min(16, max(1, (target + side - 1) / side))
    }

    /// The grid of `count` tiles of `tileWidth × tileHeight` pixels: its columns, rows and size
    /// in pixels with `gap`-pixel lines between and around the tiles.
    public static func layout(count: Int, tileWidth: Int, tileHeight: Int, gap: Int = 2)
        -> (columns: Int, rows: Int, width: Int, height: Int)
    {
        let count = max(count, 1)
        var columns = Int(Double(count).squareRoot().rounded(.up))
        while columns * columns < count { columns += 1 }
        let rows = (count + columns - 1) / columns
        return (
            columns, rows, gap + columns * (tileWidth + gap), gap + rows * (tileHeight + gap)
        )
    }

    /// The feature maps of one sample as a grid: one grey tile per channel.
    /// - Parameters:
    ///   - featureMaps: `[C, H, W]` or `[1, C, H, W]`.
    ///   - scale: The enlargement, at least 1 (see ``scale(forSide:target:)``).
    ///   - gap: The width of the lines between tiles; default 2.
    /// - Returns: An RGB image of ``layout(count:tileWidth:tileHeight:gap:)``'s size for C
    ///   tiles of `W·scale × H·scale`.
    /// - Throws: ``ImageClassifierError/invalidArgument(operation:reason:)`` for another shape,
    ///   a scale below 1, a negative gap, or a grid above ``maximumPixels``.
    public static func image(featureMaps: Tensor, scale: Int, gap: Int = 2) throws -> Image {
        var shape = featureMaps.shape
        if shape.count == 4 && shape[0] == 1 { shape.removeFirst() }
        guard shape.count == 3, shape.allSatisfy({ $0 > 0 }) else {
            throw invalid(
                "feature maps must be [C, H, W] or [1, C, H, W], got \(featureMaps.shape)")
        }
        let (channels, height, width) = (shape[0], shape[1], shape[2])
        return try featureMaps.withUnsafeBufferPointer { values in
            try grid(
                count: channels, tileWidth: width, tileHeight: height, scale: scale, gap: gap
            ) { tile in
                let start = tile * height * width
                let plane = UnsafeBufferPointer(rebasing: values[start..<start + height * width])
                return Tile(planes: [plane], width: width, height: height)
            }
        }
    }

    /// Convolution filters as a grid: one tile per filter, in colour when the filters have 3
    /// input channels (read as RGB), grey for 1; otherwise one grey tile per filter and input
    /// channel, each filter on a row of its own. Each filter is normalized on its own (all its
    /// channels together).
    /// - Parameters:
    ///   - filters: A convolution weight `[O, I, KH, KW]`.
    ///   - scale: The enlargement, at least 1.
    ///   - gap: The width of the lines between tiles; default 2.
    /// - Throws: ``ImageClassifierError/invalidArgument(operation:reason:)`` for another shape,
    ///   a scale below 1, a negative gap, or a grid above ``maximumPixels``.
    public static func image(filters: Tensor, scale: Int, gap: Int = 2) throws -> Image {
        let shape = filters.shape
        guard shape.count == 4, shape.allSatisfy({ $0 > 0 }) else {
            throw invalid("filters must be [O, I, KH, KW], got \(filters.shape)")
        }
        let (outputs, inputs, height, width) = (shape[0], shape[1], shape[2], shape[3])
        let plane = height * width
        return try filters.withUnsafeBufferPointer { values in
            func planes(_ filter: Int, _ channels: Range<Int>) -> [UnsafeBufferPointer<Float>] {
                channels.map { c in
                    let start = (filter * inputs + c) * plane
                    return UnsafeBufferPointer(rebasing: values[start..<start + plane])
                }
            }
            if inputs == 1 || inputs == 3 {
                return try grid(
                    count: outputs, tileWidth: width, tileHeight: height, scale: scale, gap: gap
                ) { Tile(planes: planes($0, 0..<inputs), width: width, height: height) }
            }
            // One row per filter, one tile per input channel, normalized per filter.
            return try grid(
                count: outputs * inputs, tileWidth: width, tileHeight: height, scale: scale,
                gap: gap, columns: inputs
            ) { index in
                let filter = index / inputs, channel = index % inputs
                var tile = Tile(
                    planes: planes(filter, channel..<channel + 1), width: width, height: height)
                tile.range = Tile.range(of: planes(filter, 0..<inputs))
                return tile
            }
        }
    }

    /// `image` enlarged `scale` times with nearest neighbour (each pixel becomes a square).
    /// - Throws: ``ImageClassifierError/invalidArgument(operation:reason:)`` for a scale below 1
    ///   or a result above ``maximumPixels``.
    public static func upscaled(_ image: Image, by scale: Int) throws -> Image {
        guard scale >= 1 else { throw invalid("scale \(scale) is below 1") }
        let width = image.width * scale, height = image.height * scale
        guard width * height <= maximumPixels else {
            throw invalid("a \(width)x\(height) image is too large")
        }
        let c = image.channels, source = image.pixels
        var pixels = [UInt8](repeating: 0, count: width * height * c)
        for y in 0..<height {
            let row = (y / scale) * image.width
            for x in 0..<width {
                let from = (row + x / scale) * c, to = (y * width + x) * c
                for k in 0..<c { pixels[to + k] = source[from + k] }
            }
        }
        return try Image(width: width, height: height, format: image.format, pixels: pixels)
    }

    /// The error of a bad argument: `FeatureMapGrid: reason`.
    static func invalid(_ reason: String) -> ImageClassifierError {
        .invalidArgument(operation: "FeatureMapGrid", reason: reason)
    }

    /// One tile's values: one plane (grey) or three (RGB) of `width × height` values, and the
    /// range mapped to black…white.
    struct Tile {
        var planes: [UnsafeBufferPointer<Float>]
        var width: Int
        var height: Int
        var range: (low: Float, high: Float)

        init(planes: [UnsafeBufferPointer<Float>], width: Int, height: Int) {
            self.planes = planes
            self.width = width
            self.height = height
            range = Tile.range(of: planes)
        }

        /// The smallest and largest finite values of `planes` (`(0, 0)` for none).
        static func range(of planes: [UnsafeBufferPointer<Float>]) -> (low: Float, high: Float) {
            var low = Float.infinity, high = -Float.infinity
            for plane in planes {
                for v in plane where v.isFinite {
                    low = min(low, v)
                    high = max(high, v)
                }
            }
            return low <= high ? (low, high) : (0, 0)
        }

        /// The byte of value `v`: 0 at the low end of the range, 255 at the high end; 0 for a
        /// constant tile or a value that is not finite.
        func byte(_ v: Float) -> UInt8 {
            let span = range.high - range.low
            guard span > 0, span.isFinite, v.isFinite else { return 0 }
            return UInt8(min(max(((v - range.low) / span * 255).rounded(), 0), 255))
        }
    }

    /// Paints `count` tiles into an RGB grid.
    static func grid(
        count: Int, tileWidth: Int, tileHeight: Int, scale: Int, gap: Int,
        columns fixedColumns: Int? = nil, tile: (Int) -> Tile
    ) throws -> Image {
        guard scale >= 1, gap >= 0 else {
            throw invalid("scale \(scale) must be ≥ 1 and gap \(gap) ≥ 0")
        }
        let tileW = tileWidth * scale, tileH = tileHeight * scale
        var (columns, rows, width, height) = layout(
            count: count, tileWidth: tileW, tileHeight: tileH, gap: gap)
        if let fixedColumns {
            columns = fixedColumns
            rows = (count + columns - 1) / columns
            width = gap + columns * (tileW + gap)
            height = gap + rows * (tileH + gap)
        }
        guard width.multipliedReportingOverflow(by: height).partialValue <= maximumPixels,
            width <= maximumPixels, height <= maximumPixels
        else {
            throw invalid("a grid of \(count) tiles of \(tileW)x\(tileH) pixels is too large")
        }
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) {
            pixels[3 * i] = gapColor.red
            pixels[3 * i + 1] = gapColor.green
            pixels[3 * i + 2] = gapColor.blue
        }
        for index in 0..<count {
            let values = tile(index)
            let left = gap + (index % columns) * (tileW + gap)
            let top = gap + (index / columns) * (tileH + gap)
            for y in 0..<tileH {
                let sourceRow = (y / scale) * tileWidth
                for x in 0..<tileW {
                    let source = sourceRow + x / scale
                    let target = ((top + y) * width + left + x) * 3
                    if values.planes.count == 3 {
                        for k in 0..<3 {
                            pixels[target + k] = values.byte(values.planes[k][source])
                        }
                    } else {
                        let v = values.byte(values.planes[0][source])
                        pixels[target] = v
                        pixels[target + 1] = v
                        pixels[target + 2] = v
                    }
                }
            }
        }
        return try Image(width: width, height: height, format: .rgb, pixels: pixels)
    }
}
