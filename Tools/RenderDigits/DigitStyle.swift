import Datasets
import Foundation
import TensorMath

/// How one sample digit is drawn: canvas size, the digit's size, pen, slant, rotation,
/// proportions and position, and the ink and paper colours.
struct DigitStyle {
    /// The canvas width in pixels.
    var width: Int
    /// The canvas height in pixels.
    var height: Int
    /// The digit's height in pixels.
    var digitHeight: Double
    /// The pen's width as a fraction of the digit's height.
    var penFraction: Double
    /// Horizontal shear: `x += slant × (centre.y − y)` (positive leans right, like italics).
    var slant: Double
    /// Rotation in radians, clockwise.
    var rotation: Double
    /// Horizontal stretch of the glyph.
    var aspect: Double
    /// Where the glyph's centre goes on the canvas, as fractions of the free room left and
    /// right, above and below (0.5 is centred).
    var placement: Point
    /// The ink's colour.
    var ink: Color
    /// The paper's colour.
    var paper: Color

    /// A random style from `generator`: a canvas of `width × height` pixels (each drawn from
    /// 40...200 when `nil`), the digit 45–80% as tall as fits, a pen 8–15% of its height,
    /// slant within ±0.2, rotation within ±7°, width within ±15%, anywhere on the canvas;
    /// dark ink on light paper.
    static func random(
        width: Int?, height: Int?, generator: inout Xoshiro256
    ) -> DigitStyle {
        func uniform(_ range: ClosedRange<Double>) -> Double {
            let unit = Double(generator.next() >> 11) * 0x1p-53
            return range.lowerBound + (range.upperBound - range.lowerBound) * unit
        }
        let w = width ?? Int(uniform(40...200))
        let h = height ?? Int(uniform(40...200))
        let fits = min(Double(h), Double(w) / 0.85)
        return DigitStyle(
            width: w, height: h, digitHeight: fits * uniform(0.45...0.8),
            penFraction: uniform(0.08...0.15), slant: uniform(-0.2...0.2),
            rotation: uniform(-7...7) * .pi / 180, aspect: uniform(0.85...1.15),
            placement: Point(x: uniform(0...1), y: uniform(0...1)),
            ink: Color(grey: UInt8(uniform(0...60))), paper: Color(grey: UInt8(uniform(215...255))))
    }

    /// The digit's ink coverage, 0...1 per pixel, row-major.
    func coverage(of digit: Int) -> [Double] {
        let strokes = DigitGlyphs.strokes(of: digit) ?? []
        let scale = digitHeight
        let glyphWidth = DigitGlyphs.width
        // Glyph box centred on the origin, then shape, then size.
        func transform(_ p: Point) -> Point {
            var x = (p.x - glyphWidth / 2) * aspect * scale, y = (p.y - 0.5) * scale
            x -= slant * y
            let (c, s) = (cos(rotation), sin(rotation))
            (x, y) = (c * x - s * y, s * x + c * y)
            return Point(x: x, y: y)
        }
        let shaped = strokes.map { $0.map(transform) }
        let all = shaped.flatMap { $0 }
        let pen = max(1.5, penFraction * digitHeight)
        let minX = (all.map(\.x).min() ?? 0) - pen / 2, maxX = (all.map(\.x).max() ?? 0) + pen / 2
        let minY = (all.map(\.y).min() ?? 0) - pen / 2, maxY = (all.map(\.y).max() ?? 0) + pen / 2
        // Place the ink's box in the free room (or centre it if there is none).
        let roomX = max(0, Double(width) - (maxX - minX))
        let roomY = max(0, Double(height) - (maxY - minY))
        let dx = roomX * placement.x - minX, dy = roomY * placement.y - minY
        var rasterizer = StrokeRasterizer(width: width, height: height, penWidth: pen)
        for stroke in shaped {
            rasterizer.stroke(stroke.map { Point(x: $0.x + dx, y: $0.y + dy) })
        }
        return rasterizer.coverage
    }
}
