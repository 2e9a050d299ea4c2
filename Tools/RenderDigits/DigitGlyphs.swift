import Foundation

/// A point of a glyph or of the canvas: `x` to the right, `y` down.
struct Point: Equatable {
    var x: Double
    var y: Double
}

/// The ten digits drawn as pen strokes, designed by hand (never traced from MNIST): each digit
/// is a few strokes, each a polyline flattened from lines, elliptic arcs and cubic Béziers, in
/// a box 0.6 wide and 1 tall (`x` in `0...0.6`, `y` in `0...1`, `y` down).
enum DigitGlyphs {
    /// The glyph box's width (its height is 1).
    static let width = 0.6

    /// The strokes of `digit` (0...9), or `nil` for another number.
    static func strokes(of digit: Int) -> [[Point]]? {
        switch digit {
        case 0:
            return [arc(centre: P(0.3, 0.5), radii: P(0.27, 0.47), from: -90, to: 270)]
        case 1:
            return [line(P(0.25, 0.1), P(0.36, 0.02)) + line(P(0.36, 0.02), P(0.36, 0.98))]
        case 2:
            return [
                cubic(P(0.04, 0.24), P(0.06, -0.04), P(0.56, -0.06), P(0.55, 0.27))
                    + cubic(P(0.55, 0.27), P(0.54, 0.5), P(0.2, 0.7), P(0.03, 0.97))
                    + line(P(0.03, 0.97), P(0.6, 0.97))
            ]
        case 3:
            return [
                arc(centre: P(0.28, 0.26), radii: P(0.24, 0.23), from: -160, to: 90)
                    + arc(centre: P(0.28, 0.74), radii: P(0.28, 0.25), from: -90, to: 155)
            ]
        case 4:
            return [
                line(P(0.44, 0.98), P(0.44, 0.02)) + line(P(0.44, 0.02), P(0.02, 0.68))
                    + line(P(0.02, 0.68), P(0.6, 0.68))
            ]
        case 5:
            return [
                line(P(0.55, 0.03), P(0.12, 0.03)) + line(P(0.12, 0.03), P(0.07, 0.47))
                    + arc(centre: P(0.3, 0.69), radii: P(0.28, 0.28), from: -135, to: 150)
            ]
        case 6:
            return [
                cubic(P(0.5, 0.03), P(0.2, 0.1), P(0.03, 0.4), P(0.03, 0.72))
                    + arc(centre: P(0.3, 0.73), radii: P(0.27, 0.25), from: 180, to: 540)
            ]
        case 7:
            return [line(P(0.02, 0.03), P(0.6, 0.03)) + line(P(0.6, 0.03), P(0.2, 0.98))]
        case 8:
            return [
                arc(centre: P(0.3, 0.26), radii: P(0.22, 0.23), from: 90, to: 450),
                arc(centre: P(0.3, 0.74), radii: P(0.27, 0.25), from: -90, to: 270),
            ]
        case 9:
            return [
                arc(centre: P(0.29, 0.28), radii: P(0.26, 0.26), from: 0, to: 360)
                    + cubic(P(0.55, 0.28), P(0.56, 0.6), P(0.52, 0.8), P(0.48, 0.98))
            ]
        default:
            return nil
        }
    }

    private static func P(_ x: Double, _ y: Double) -> Point { Point(x: x, y: y) }

    /// A straight segment.
    private static func line(_ a: Point, _ b: Point) -> [Point] { [a, b] }

    /// An elliptic arc from angle `start` to `end` in degrees (0 is to the right, 90 down).
    private static func arc(centre: Point, radii: Point, from start: Double, to end: Double)
        -> [Point]
    {
        let steps = max(8, Int(abs(end - start) / 8))
        return (0...steps).map { i in
            let angle = (start + (end - start) * Double(i) / Double(steps)) * .pi / 180
            return Point(x: centre.x + radii.x * cos(angle), y: centre.y + radii.y * sin(angle))
        }
    }

    /// A cubic Bézier curve from `a` to `d` with control points `b` and `c`.
    private static func cubic(_ a: Point, _ b: Point, _ c: Point, _ d: Point) -> [Point] {
        (0...24).map { i in
            let t = Double(i) / 24, u = 1 - t
            let wa = u * u * u, wb = 3 * u * u * t, wc = 3 * u * t * t, wd = t * t * t
            return Point(
                x: wa * a.x + wb * b.x + wc * c.x + wd * d.x,
                y: wa * a.y + wb * b.y + wc * c.y + wd * d.y)
        }
    }
}
