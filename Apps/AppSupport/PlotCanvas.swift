import Datasets

/// An RGB raster the plots are painted on: anti-aliased lines and discs of any width, filled
/// rectangles, and text in the ``BitmapFont``.
struct PlotCanvas {
    /// The width in pixels.
    let width: Int
    /// The height in pixels.
    let height: Int
    /// The pixels, RGB interleaved, rows top to bottom.
    private(set) var pixels: [UInt8]

    /// A canvas filled with `background`.
    init(width: Int, height: Int, background: PlotColor = .white) {
        self.width = max(width, 0)
        self.height = max(height, 0)
        pixels = [UInt8](repeating: 0, count: self.width * self.height * 3)
        for i in 0..<(self.width * self.height) {
            pixels[3 * i] = background.red
            pixels[3 * i + 1] = background.green
            pixels[3 * i + 2] = background.blue
        }
    }

    /// The canvas as an 8-bit RGB image.
    var image: Image {
        do {
            return try Image(width: width, height: height, format: .rgb, pixels: pixels)
        } catch {
            preconditionFailure("PlotCanvas: \(width)x\(height) holds \(pixels.count) bytes")
        }
    }

    /// Mixes `color` into the pixel at column `x`, row `y` with opacity `alpha` in [0, 1];
    /// nothing outside the canvas.
    mutating func blend(_ x: Int, _ y: Int, _ color: PlotColor, _ alpha: Double) {
        guard x >= 0, x < width, y >= 0, y < height, alpha > 0 else { return }
        let a = min(alpha, 1)
        let i = (y * width + x) * 3
        func mix(_ old: UInt8, _ new: UInt8) -> UInt8 {
            UInt8((Double(old) * (1 - a) + Double(new) * a).rounded())
        }
        pixels[i] = mix(pixels[i], color.red)
        pixels[i + 1] = mix(pixels[i + 1], color.green)
        pixels[i + 2] = mix(pixels[i + 2], color.blue)
    }

    /// Fills the pixels whose centres lie in `rect`.
    mutating func fill(_ rect: PlotScene.Rect, _ color: PlotColor) {
        let (x0, x1) = Self.pixelSpan(rect.x, rect.maxX)
        let (y0, y1) = Self.pixelSpan(rect.y, rect.maxY)
        guard x0 <= x1, y0 <= y1 else { return }
        for y in max(y0, 0)...min(y1, height - 1) where x0 <= width - 1 {
            for x in max(x0, 0)...min(x1, width - 1) { blend(x, y, color, 1) }
        }
    }

    /// Strokes connected segments `lineWidth` pixels wide, only on pixels whose centres lie
    /// within `clip` widened by a pixel. Coverage is the distance from each pixel centre to
    /// the nearest segment, so joints are not painted twice.
    mutating func stroke(
        _ segments: [((x: Double, y: Double), (x: Double, y: Double))], color: PlotColor,
        lineWidth: Double, clip: PlotScene.Rect
    ) {
        guard !segments.isEmpty else { return }
        let reach = lineWidth / 2 + 1
        let xs = segments.flatMap { [$0.0.x, $0.1.x] }, ys = segments.flatMap { [$0.0.y, $0.1.y] }
        let x0 = max(0, Int((max(xs.min()! - reach, clip.x - 1)).rounded(.down)))
        let x1 = min(width - 1, Int((min(xs.max()! + reach, clip.maxX + 1)).rounded(.up)))
        let y0 = max(0, Int((max(ys.min()! - reach, clip.y - 1)).rounded(.down)))
        let y1 = min(height - 1, Int((min(ys.max()! + reach, clip.maxY + 1)).rounded(.up)))
        guard x0 <= x1, y0 <= y1 else { return }
        let boxWidth = x1 - x0 + 1
        var coverage = [Double](repeating: 0, count: boxWidth * (y1 - y0 + 1))
        for (a, b) in segments {
            let sx0 = max(x0, Int((min(a.x, b.x) - reach).rounded(.down)))
            let sx1 = min(x1, Int((max(a.x, b.x) + reach).rounded(.up)))
            let sy0 = max(y0, Int((min(a.y, b.y) - reach).rounded(.down)))
            let sy1 = min(y1, Int((max(a.y, b.y) + reach).rounded(.up)))
            guard sx0 <= sx1, sy0 <= sy1 else { continue }
            for y in sy0...sy1 {
                for x in sx0...sx1 {
                    let d = Self.distance((Double(x) + 0.5, Double(y) + 0.5), a, b)
                    let value = min(max(lineWidth / 2 + 0.5 - d, 0), 1)
                    let k = (y - y0) * boxWidth + (x - x0)
                    if value > coverage[k] { coverage[k] = value }
                }
            }
        }
        for y in y0...y1 {
            let cy = Double(y) + 0.5
            guard cy >= clip.y - 1, cy <= clip.maxY + 1 else { continue }
            for x in x0...x1 {
                let cx = Double(x) + 0.5
                guard cx >= clip.x - 1, cx <= clip.maxX + 1 else { continue }
                blend(x, y, color, coverage[(y - y0) * boxWidth + (x - x0)])
            }
        }
    }

    /// A filled disc, anti-aliased at its edge, inside `clip` widened by a pixel.
    mutating func disc(
        x: Double, y: Double, radius: Double, color: PlotColor, clip: PlotScene.Rect
    ) {
        guard x >= clip.x - 1, x <= clip.maxX + 1, y >= clip.y - 1, y <= clip.maxY + 1 else {
            return
        }
        let reach = radius + 1
        let (x0, x1) = (Int((x - reach).rounded(.down)), Int((x + reach).rounded(.up)))
        let (y0, y1) = (Int((y - reach).rounded(.down)), Int((y + reach).rounded(.up)))
        for py in y0...y1 {
            for px in x0...x1 {
                let dx = Double(px) + 0.5 - x, dy = Double(py) + 0.5 - y
                let d = (dx * dx + dy * dy).squareRoot()
                blend(px, py, color, min(max(radius + 0.5 - d, 0), 1))
            }
        }
    }

    /// Draws `text` in the bitmap font at an integer `scale`, its baseline through `(x, y)`;
    /// `vertical` text reads upwards, its glyphs' tops to the left.
    mutating func text(
        _ text: String, x: Double, y: Double, scale: Int, anchor: PlotScene.Anchor,
        vertical: Bool, color: PlotColor
    ) {
        let s = max(scale, 1)
        let length = BitmapFont.width(of: text, scale: s)
        let start: Int
        switch anchor {
        case .start: start = 0
        case .middle: start = -length / 2
        case .end: start = -length
        }
        let originX = Int(x.rounded()), originY = Int(y.rounded())
        for (index, scalar) in text.unicodeScalars.enumerated() {
            let glyph = BitmapFont.glyph(scalar)
            for (row, bits) in glyph.enumerated() where bits != 0 {
                for column in 0..<BitmapFont.glyphWidth
                where bits & (1 << (BitmapFont.glyphWidth - 1 - column)) != 0 {
                    // The glyph pixel's top-left corner in text space: u along the text, w down
                    // from the baseline.
                    let u = start + (index * BitmapFont.advance + column) * s
                    let w = (row - BitmapFont.ascent) * s
                    for du in 0..<s {
                        for dw in 0..<s {
                            if vertical {
                                blend(originX + w + dw, originY - (u + du) - 1, color, 1)
                            } else {
                                blend(originX + u + du, originY + w + dw, color, 1)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The first and last pixel whose centres lie in `low...high`.
    static func pixelSpan(_ low: Double, _ high: Double) -> (Int, Int) {
        (Int((low - 0.5).rounded(.up)), Int((high - 0.5).rounded(.down)))
    }

    /// The distance from `p` to the segment from `a` to `b`.
    static func distance(
        _ p: (Double, Double), _ a: (x: Double, y: Double), _ b: (x: Double, y: Double)
    ) -> Double {
        let (dx, dy) = (b.x - a.x, b.y - a.y)
        let lengthSquared = dx * dx + dy * dy
        var t = lengthSquared > 0 ? ((p.0 - a.x) * dx + (p.1 - a.y) * dy) / lengthSquared : 0
        t = min(max(t, 0), 1)
        let (ex, ey) = (p.0 - (a.x + t * dx), p.1 - (a.y + t * dy))
        return (ex * ex + ey * ey).squareRoot()
    }
}
