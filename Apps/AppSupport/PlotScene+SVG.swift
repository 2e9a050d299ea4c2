import Foundation

/// Writing a ``PlotScene`` as an SVG document.
extension PlotScene {
    /// The font sizes of the two text scales, close to the bitmap font's 6- and 12-pixel
    /// advances in a monospaced font.
    static let svgFontSizes = [1: 10, 2: 20]

    /// The scene as a standalone SVG 1.1 document.
    func svg() -> String {
        var clips: [Rect] = []
        func clipID(_ rect: Rect) -> String {
            if let index = clips.firstIndex(of: rect) { return "clip\(index)" }
            clips.append(rect)
            return "clip\(clips.count - 1)"
        }
        var body: [String] = []
        for element in elements {
            switch element {
            case let .rectangle(rect, fill, stroke):
                body.append(
                    "<rect x=\"\(Self.number(rect.x))\" y=\"\(Self.number(rect.y))\" "
                        + "width=\"\(Self.number(rect.width))\" "
                        + "height=\"\(Self.number(rect.height))\" "
                        + "fill=\"\(fill?.hex ?? "none")\" stroke=\"\(stroke?.hex ?? "none")\"/>")
            case let .polyline(points, color, width, dashed, clip):
                let coordinates = points.map { "\(Self.number($0.x)),\(Self.number($0.y))" }
                let pattern = "\(Self.number(Self.dash.on)),\(Self.number(Self.dash.off))"
                let dash = dashed ? " stroke-dasharray=\"\(pattern)\"" : ""
                body.append(
                    "<polyline points=\"\(coordinates.joined(separator: " "))\" fill=\"none\" "
                        + "stroke=\"\(color.hex)\" stroke-width=\"\(Self.number(width))\""
                        + "\(dash) stroke-linejoin=\"round\" clip-path=\"url(#\(clipID(clip)))\"/>")
            case let .marker(x, y, radius, color, clip):
                body.append(
                    "<circle cx=\"\(Self.number(x))\" cy=\"\(Self.number(y))\" "
                        + "r=\"\(Self.number(radius))\" fill=\"\(color.hex)\" "
                        + "clip-path=\"url(#\(clipID(clip)))\"/>")
            case let .text(text, x, y, scale, anchor, vertical, color):
                let size = Self.svgFontSizes[scale] ?? 10 * scale
                let rotation =
                    vertical
                    ? " transform=\"rotate(-90 \(Self.number(x)) \(Self.number(y)))\"" : ""
                let anchorName: String
                switch anchor {
                case .start: anchorName = "start"
                case .middle: anchorName = "middle"
                case .end: anchorName = "end"
                }
                body.append(
                    "<text x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" "
                        + "font-size=\"\(size)\" text-anchor=\"\(anchorName)\" "
                        + "fill=\"\(color.hex)\"\(rotation)>\(Self.escaped(text))</text>")
            }
        }
        var lines = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(width)\" "
                + "height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" "
                + "font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\">",
            "<defs>",
        ]
        for (index, rect) in clips.enumerated() {
            lines.append(
                "<clipPath id=\"clip\(index)\"><rect x=\"\(Self.number(rect.x - 1))\" "
                    + "y=\"\(Self.number(rect.y - 1))\" width=\"\(Self.number(rect.width + 2))\" "
                    + "height=\"\(Self.number(rect.height + 2))\"/></clipPath>")
        }
        lines.append("</defs>")
        lines += body
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A coordinate with at most two decimals and no trailing zeros (`12`, `12.5`, `3.14`).
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let hundredths = (value * 100).rounded()
        if hundredths == (hundredths / 100).rounded() * 100 {
            return String(Int(hundredths / 100))
        }
        var text = String(format: "%.2f", hundredths / 100)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }

    /// `text` with the XML special characters escaped (control characters dropped).
    static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default:
                if scalar.value >= 32 || scalar == "\t" { result.unicodeScalars.append(scalar) }
            }
        }
        return result
    }
}
