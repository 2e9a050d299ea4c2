/// A laid-out plot: what to draw, in pixel coordinates (origin top left, y down), shared by the
/// SVG writer and the rasterizer so that both draw the same picture.
struct PlotScene {
    /// An axis-aligned rectangle in pixels.
    struct Rect: Equatable {
        var x: Double
        var y: Double
        var width: Double
        var height: Double

        var maxX: Double { x + width }
        var maxY: Double { y + height }

        func contains(_ point: (x: Double, y: Double)) -> Bool {
            point.x >= x && point.x <= maxX && point.y >= y && point.y <= maxY
        }
    }

    /// Where a text's position lies along the text.
    enum Anchor {
        case start, middle, end
    }

    /// One drawing operation.
    enum Element {
        /// A rectangle, filled and/or outlined with a 1-pixel line.
        case rectangle(Rect, fill: PlotColor?, stroke: PlotColor?)
        /// Connected line segments of `width` pixels, drawn inside `clip`.
        case polyline(
            [(x: Double, y: Double)], color: PlotColor, width: Double, dashed: Bool, clip: Rect)
        /// A filled disc.
        case marker(x: Double, y: Double, radius: Double, color: PlotColor, clip: Rect)
        /// Text whose baseline passes through `(x, y)`, at an integer `scale` of the bitmap
        /// font; `vertical` text reads upwards (rotated a quarter turn anticlockwise).
        case text(
            String, x: Double, y: Double, scale: Int, anchor: Anchor, vertical: Bool,
            color: PlotColor)
    }

    /// The width in pixels.
    var width: Int
    /// The height in pixels.
    var height: Int
    /// The drawing operations, in painting order.
    var elements: [Element] = []

    /// The length of a dash and of the gap after it, in pixels.
    static let dash = (on: 8.0, off: 5.0)
}
