import Checkpoints
import Datasets
import Foundation

/// Line charts drawn without any graphics library: one or more panels side by side, each with
/// its own axes ("nice" ticks with labels, grid lines), axis labels, title and legend, drawn
/// as SVG (real text) or as an RGB image (a built-in 5x7 bitmap font, doubled for titles),
/// with 2-pixel anti-aliased lines.
///
/// ```swift
/// let plot = LinePlot(title: "Training", panels: [
///     .init(title: "Loss", xLabel: "epoch", yLabel: "loss", series: [
///         .init(label: "train", points: [.init(x: 1, y: 0.9), .init(x: 2, y: 0.4)]),
///         .init(label: "validation", points: [.init(x: 1, y: 1.0), .init(x: 2, y: 0.6)],
///               style: .dashed),
///     ]),
/// ])
/// try plot.write(pngPath: "loss.png", svgPath: "loss.svg")
/// ```
///
/// Points with a NaN or infinite coordinate leave a gap in their line; empty series are left
/// out (legend included); a series of one point draws a marker; constant data still gets a
/// range around its value.
public struct LinePlot: Sendable {
    /// How a series' line is drawn.
    public enum LineStyle: Sendable {
        /// A continuous line.
        case solid
        /// A dashed line.
        case dashed
    }

    /// One line of a panel.
    public struct Series: Sendable {
        /// The name in the legend.
        public var label: String
        /// The points, joined in order.
        public var points: [PlotPoint]
        /// Solid (default) or dashed.
        public var style: LineStyle
        /// The colour; `nil` takes the palette's next colour (the panel's n-th series without
        /// a colour takes `PlotColor.palette[n % 10]`).
        public var color: PlotColor?

        /// Creates a series.
        public init(
            label: String, points: [PlotPoint], style: LineStyle = .solid,
            color: PlotColor? = nil
        ) {
            self.label = label
            self.points = points
            self.style = style
            self.color = color
        }
    }

    /// One chart: axes, series and a legend.
    public struct Panel: Sendable {
        /// The title above the chart.
        public var title: String
        /// The horizontal axis' label.
        public var xLabel: String
        /// The vertical axis' label.
        public var yLabel: String
        /// The lines.
        public var series: [Series]
        /// The vertical range; `nil` (default) fits the data, widened to tick values.
        public var yRange: ClosedRange<Double>?

        /// Creates a panel.
        public init(
            title: String, xLabel: String, yLabel: String, series: [Series],
            yRange: ClosedRange<Double>? = nil
        ) {
            self.title = title
            self.xLabel = xLabel
            self.yLabel = yLabel
            self.series = series
            self.yRange = yRange
        }
    }

    /// The title above all panels; `nil` (default) for none.
    public var title: String?
    /// The charts, side by side in equal widths.
    public var panels: [Panel]

    /// Creates a plot.
    public init(title: String? = nil, panels: [Panel]) {
        self.title = title
        self.panels = panels
    }

    /// The plot as an SVG document of `width × height` pixels (default 1000 × 420; sizes
    /// below 100 × 80 are raised to that).
    public func svg(width: Int = 1000, height: Int = 420) -> String {
        scene(width: width, height: height).svg()
    }

    /// The plot as an RGB image of `width × height` pixels (default 1000 × 420; sizes below
    /// 100 × 80 are raised to that, above 8192 lowered to it).
    public func image(width: Int = 1000, height: Int = 420) -> Image {
        scene(width: width, height: height).image()
    }

    /// Writes the plot as PNG to `pngPath` and, when `svgPath` is given, as SVG, each
    /// atomically (a temporary file renamed into place).
    /// - Parameters:
    ///   - pngPath: The PNG file.
    ///   - svgPath: The SVG file; default none.
    ///   - width: The width in pixels; default 1000.
    ///   - height: The height in pixels; default 420.
    /// - Throws: ``AppError`` naming the file that could not be written.
    public func write(
        pngPath: String, svgPath: String? = nil, width: Int = 1000, height: Int = 420
    ) throws {
        let scene = scene(width: width, height: height)
        do {
            try AtomicFile.write(
                try scene.image().pngData(), to: URL(fileURLWithPath: pngPath))
        } catch {
            throw AppError("cannot write the plot \(pngPath): \(error)")
        }
        guard let svgPath else { return }
        do {
            try AtomicFile.write(Array(scene.svg().utf8), to: URL(fileURLWithPath: svgPath))
        } catch {
            throw AppError("cannot write the plot \(svgPath): \(error)")
        }
    }
}
