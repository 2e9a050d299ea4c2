import AppSupport
import Datasets
import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// `LinePlot`: the PNG (size, lines where the data is, dashes, markers), the SVG (well-formed
/// XML with its labels), edge cases (empty series, NaN, one point, constant data) and writing.
@Suite struct LinePlotTests {
    static let red = PlotColor(red: 255, green: 0, blue: 0)
    static let green = PlotColor(red: 0, green: 200, blue: 0)

    /// A rising solid red line and a falling dashed green one, of more than 30 points (so
    /// without markers).
    static let crossing = LinePlot(
        title: "Crossing lines",
        panels: [
            .init(
                title: "Panel one", xLabel: "step", yLabel: "value",
                series: [
                    .init(
                        label: "rising",
                        points: (0...40).map { .init(x: Double($0) / 4, y: Double($0) / 4) },
                        color: red),
                    .init(
                        label: "falling",
                        points: (0...40).map { .init(x: Double($0) / 4, y: 10 - Double($0) / 4) },
                        style: .dashed, color: green),
                ])
        ])

    /// The pixels of exactly `color`, as (x, y).
    static func pixels(of color: PlotColor, in image: Image) -> [(x: Int, y: Int)] {
        var result: [(x: Int, y: Int)] = []
        let pixels = image.pixels, c = image.channels
        for y in 0..<image.height {
            for x in 0..<image.width {
                let i = (y * image.width + x) * c
                if pixels[i] == color.red && pixels[i + 1] == color.green
                    && pixels[i + 2] == color.blue
                {
                    result.append((x, y))
                }
            }
        }
        return result
    }

    /// The mean row of `points` left and right of column `split`.
    static func meanRows(_ points: [(x: Int, y: Int)], split: Int) -> (left: Double, right: Double)
    {
        let left = points.filter { $0.x < split }.map { Double($0.y) }
        let right = points.filter { $0.x >= split }.map { Double($0.y) }
        return (
            left.reduce(0, +) / Double(max(left.count, 1)),
            right.reduce(0, +) / Double(max(right.count, 1))
        )
    }

    @Test func pngHasTheSizeAndDrawsTheLinesWhereTheDataIs() throws {
        let folder = try ClassifyTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let png = folder.appendingPathComponent("plot.png").path
        try Self.crossing.write(pngPath: png, width: 640, height: 300)
        let image = try Image(contentsOf: png)
        #expect(image.width == 640 && image.height == 300)
        #expect(image.format == .rgb)
        #expect(image == Self.crossing.image(width: 640, height: 300))

        let red = Self.pixels(of: Self.red, in: image)
        let green = Self.pixels(of: Self.green, in: image)
        // Two-pixel lines across most of the width (about one fully covered pixel per pixel of
        // length, less what the legend hides).
        #expect(red.count > 400, "\(red.count) red pixels")
        #expect((red.map(\.x).max() ?? 0) - (red.map(\.x).min() ?? 0) > 400)
        // Rising: rows near the bottom on the left, near the top on the right; falling: the
        // reverse.
        let rising = Self.meanRows(red, split: 320), falling = Self.meanRows(green, split: 320)
        #expect(rising.left > rising.right + 50, "\(rising)")
        #expect(falling.right > falling.left + 50, "\(falling)")
        // The dashed line covers about 8/13 of its length.
        let ratio = Double(green.count) / Double(red.count)
        #expect(ratio > 0.4 && ratio < 0.8, "dashed/solid pixel ratio \(ratio)")
        // Text and axes are dark.
        let dark = image.pixels.enumerated().filter { $0.offset % 3 == 0 && $0.element < 80 }
        #expect(dark.count > 500)
    }

    @Test func svgIsWellFormedAndCarriesTheLabels() throws {
        var plot = Self.crossing
        plot.panels.append(
            .init(
                title: "Accuracy <&> \"quotes\"", xLabel: "epoch", yLabel: "accuracy (%)",
                series: [.init(label: "train", points: [.init(x: 1, y: 90), .init(x: 2, y: 95)])],
                yRange: 0...100))
        let svg = plot.svg(width: 900, height: 400)
        let collector = SVGCollector()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = collector
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(collector.root == "svg")
        #expect(collector.attributes["svg"]?["width"] == "900")
        #expect(collector.attributes["svg"]?["height"] == "400")
        for label in [
            "Crossing lines", "Panel one", "step", "value", "rising", "falling",
            "Accuracy <&> \"quotes\"", "epoch", "accuracy (%)", "train", "100", "0",
        ] {
            #expect(collector.texts.contains(label), "missing text \(label)")
        }
        #expect(collector.counts["polyline", default: 0] >= 3)
        #expect(svg.contains("stroke-dasharray"))
        #expect(svg.contains("#ff0000") && svg.contains("#00c800"))
        #expect(!svg.lowercased().contains("nan"))
    }

    @Test func emptySeriesNaNPointsOnePointAndConstantDataAreDrawnSensibly() throws {
        let plot = LinePlot(panels: [
            .init(
                title: "Edge cases", xLabel: "x", yLabel: "y",
                series: [
                    .init(label: "empty", points: []),
                    .init(label: "only NaN", points: [.init(x: .nan, y: 1), .init(x: 2, y: .nan)]),
                    .init(label: "one point", points: [.init(x: 3, y: 0.5)], color: Self.red),
                ]),
            .init(
                title: "Constant", xLabel: "x", yLabel: "y",
                series: [
                    .init(
                        label: "flat",
                        points: [
                            .init(x: 1, y: 7), .init(x: 2, y: .infinity), .init(x: 3, y: 7),
                            .init(x: 4, y: 7),
                        ], color: Self.green)
                ]),
            .init(title: "Nothing", xLabel: "x", yLabel: "y", series: []),
        ])
        let image = plot.image(width: 900, height: 300)
        #expect(image.width == 900 && image.height == 300)
        // The lone point is a marker: a small round blob of fully covered pixels.
        let marker = Self.pixels(of: Self.red, in: image)
        #expect(marker.count >= 9 && marker.count < 200, "\(marker.count) marker pixels")
        // The constant line is drawn (after its gap), flat.
        let flat = Self.pixels(of: Self.green, in: image)
        #expect(flat.count > 100)
        let rows = Set(flat.map(\.y))
        #expect(rows.count <= 12, "a flat line with markers spans few rows, got \(rows.sorted())")

        let svg = plot.svg()
        #expect(!svg.contains("empty"), "empty series stay out of the legend")
        #expect(!svg.contains("only NaN"))
        #expect(svg.contains(">one point<") && svg.contains(">flat<"))
        #expect(svg.contains(">7<") || svg.contains(">7.0<"), "ticks around the constant value")
        #expect(!svg.lowercased().contains("nan<") && !svg.contains("inf"))
    }

    @Test func nilColorsTakeThePaletteInTurn() {
        let plot = LinePlot(panels: [
            .init(
                title: "t", xLabel: "x", yLabel: "y",
                series: (0..<3).map { k in
                    .init(label: "s\(k)", points: [.init(x: 0, y: 0), .init(x: 1, y: Double(k))])
                })
        ])
        let svg = plot.svg()
        for color in PlotColor.palette.prefix(3) {
            let hex = String(format: "#%02x%02x%02x", color.red, color.green, color.blue)
            #expect(svg.contains("stroke=\"\(hex)\""), "\(hex)")
        }
        #expect(PlotColor.palette.count == 10)
    }

    @Test func writeAddsTheSVGAndNamesAFileItCannotWrite() throws {
        let folder = try ClassifyTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let png = folder.appendingPathComponent("a.png").path
        let svg = folder.appendingPathComponent("a.svg").path
        try Self.crossing.write(pngPath: png, svgPath: svg)
        #expect(try Image(contentsOf: png).width == 1000)
        let text = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(text.hasPrefix("<?xml") && text.contains("Crossing lines"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(Set(leftovers) == ["a.png", "a.svg"], "no temporary files left")

        let missing = folder.appendingPathComponent("no/such/folder/b.png").path
        let error = #expect(throws: AppError.self) {
            try Self.crossing.write(pngPath: missing)
        }
        #expect(error?.description.contains(missing) == true)
    }
}

/// Collects the elements, attributes and text of an SVG document.
final class SVGCollector: NSObject, XMLParserDelegate {
    var root: String?
    var counts: [String: Int] = [:]
    var attributes: [String: [String: String]] = [:]
    var texts: [String] = []
    private var current: String?

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
        qualifiedName: String?, attributes: [String: String] = [:]
    ) {
        if root == nil { root = name }
        counts[name, default: 0] += 1
        if self.attributes[name] == nil { self.attributes[name] = attributes }
        current = name == "text" ? "" : nil
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if current != nil { current! += string }
    }

    func parser(
        _ parser: XMLParser, didEndElement name: String, namespaceURI: String?,
        qualifiedName: String?
    ) {
        if name == "text", let text = current { texts.append(text) }
        current = nil
    }
}
