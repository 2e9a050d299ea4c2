/// Rasterizes thick pen strokes with anti-aliasing: each pixel's ink coverage, 0...1, from its
/// centre's distance to the nearest stroke segment (a disc-shaped pen, so joints and ends are
/// round).
struct StrokeRasterizer {
    /// The canvas width in pixels.
    let width: Int
    /// The canvas height in pixels.
    let height: Int
    /// The pen's width in pixels.
    let penWidth: Double
    /// The distance from each pixel centre to the nearest segment drawn so far.
    private var distances: [Double]

    init(width: Int, height: Int, penWidth: Double) {
        self.width = width
        self.height = height
        self.penWidth = penWidth
        distances = [Double](repeating: .infinity, count: width * height)
    }

    /// Draws a polyline in canvas coordinates (pixel `(i, j)` covers `[i, i+1) × [j, j+1)`).
    mutating func stroke(_ points: [Point]) {
        let reach = penWidth / 2 + 1
        for (a, b) in zip(points, points.dropFirst()) {
            let x0 = max(0, Int((min(a.x, b.x) - reach).rounded(.down)))
            let x1 = min(width - 1, Int((max(a.x, b.x) + reach).rounded(.up)))
            let y0 = max(0, Int((min(a.y, b.y) - reach).rounded(.down)))
            let y1 = min(height - 1, Int((max(a.y, b.y) + reach).rounded(.up)))
            guard x0 <= x1, y0 <= y1 else { continue }
            let dx = b.x - a.x, dy = b.y - a.y
            let lengthSquared = dx * dx + dy * dy
            for y in y0...y1 {
                let py = Double(y) + 0.5
                for x in x0...x1 {
                    let px = Double(x) + 0.5
                    let projection = ((px - a.x) * dx + (py - a.y) * dy) / lengthSquared
                    let t = lengthSquared > 0 ? min(1, max(0, projection)) : 0
                    let ex = px - (a.x + t * dx), ey = py - (a.y + t * dy)
                    let distance = (ex * ex + ey * ey).squareRoot()
                    if distance < distances[y * width + x] { distances[y * width + x] = distance }
                }
            }
        }
    }

    /// Each pixel's ink coverage, 0...1: 1 within the pen's radius less half a pixel, fading
    /// linearly over one pixel across the stroke's edge.
    var coverage: [Double] {
        let radius = penWidth / 2
        return distances.map { min(1, max(0, radius - $0 + 0.5)) }
    }
}
