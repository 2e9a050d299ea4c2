import Datasets

/// Painting a ``PlotScene`` on a ``PlotCanvas``.
extension PlotScene {
    /// The scene as an RGB image of `width × height` pixels.
    func image() -> Image {
        var canvas = PlotCanvas(width: width, height: height)
        for element in elements {
            switch element {
            case let .rectangle(rect, fill, stroke):
                if let fill { canvas.fill(rect, fill) }
                if let stroke {
                    let corners = [
                        (x: rect.x, y: rect.y), (x: rect.maxX, y: rect.y),
                        (x: rect.maxX, y: rect.maxY), (x: rect.x, y: rect.maxY),
                    ]
                    let sides = (0..<4).map { (corners[$0], corners[($0 + 1) % 4]) }
                    let everywhere = Rect(
                        x: 0, y: 0, width: Double(width), height: Double(height))
                    canvas.stroke(sides, color: stroke, lineWidth: 1, clip: everywhere)
                }
            case let .polyline(points, color, lineWidth, dashed, clip):
                var segments = Array(zip(points, points.dropFirst()))
                if dashed { segments = Self.dashed(segments) }
                canvas.stroke(segments, color: color, lineWidth: lineWidth, clip: clip)
            case let .marker(x, y, radius, color, clip):
                canvas.disc(x: x, y: y, radius: radius, color: color, clip: clip)
            case let .text(text, x, y, scale, anchor, vertical, color):
                canvas.text(
                    text, x: x, y: y, scale: scale, anchor: anchor, vertical: vertical,
                    color: color)
            }
        }
        return canvas.image
    }

    /// The parts of `segments` under the dashes of ``dash``, measured along the whole line.
    static func dashed(_ segments: [((x: Double, y: Double), (x: Double, y: Double))])
        -> [((x: Double, y: Double), (x: Double, y: Double))]
    {
        let period = dash.on + dash.off
        var result: [((x: Double, y: Double), (x: Double, y: Double))] = []
        var travelled = 0.0
        for (a, b) in segments {
            let length = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
            guard length > 0 else { continue }
            func point(_ distance: Double) -> (x: Double, y: Double) {
                let t = distance / length
                return (a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t)
            }
            var position = 0.0
            while position < length {
                let phase = (travelled + position).truncatingRemainder(dividingBy: period)
                if phase < dash.on {
                    let end = min(length, position + dash.on - phase)
                    result.append((point(position), point(end)))
                    position = end
                } else {
                    position = min(length, position + period - phase)
                }
            }
            travelled += length
        }
        return result
    }
}
