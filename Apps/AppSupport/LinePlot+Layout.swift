/// Laying a ``LinePlot`` out in pixels: title, panels side by side, and in each panel its
/// title, axes with ticks, grid, lines and legend.
extension LinePlot {
    /// The smallest and largest sizes drawn.
    static let minimumSize = (width: 100, height: 80)
    static let maximumSide = 8192

    /// The plot laid out on a canvas of `width × height` pixels (clamped to the limits).
    func scene(width: Int, height: Int) -> PlotScene {
        let width = min(max(width, Self.minimumSize.width), Self.maximumSide)
        let height = min(max(height, Self.minimumSize.height), Self.maximumSide)
        var scene = PlotScene(width: width, height: height)
        scene.elements.append(
            .rectangle(
                .init(x: 0, y: 0, width: Double(width), height: Double(height)), fill: .white,
                stroke: nil))
        let margin = 8.0
        var top = margin
        if let title, !title.isEmpty {
            scene.elements.append(
                .text(
                    title, x: Double(width) / 2, y: top + 14, scale: 2, anchor: .middle,
                    vertical: false, color: .ink))
            top += 28
        }
        guard !panels.isEmpty else { return scene }
        let panelWidth = (Double(width) - 2 * margin) / Double(panels.count)
        for (index, panel) in panels.enumerated() {
            let frame = PlotScene.Rect(
                x: margin + Double(index) * panelWidth, y: top, width: panelWidth,
                height: Double(height) - top - margin)
            scene.elements += panel.elements(in: frame)
        }
        return scene
    }
}

extension LinePlot.Panel {
    /// A series ready to draw: its colour and its points' runs in pixels.
    private struct Drawn {
        var series: LinePlot.Series
        var color: PlotColor
        var runs: [[(x: Double, y: Double)]]
    }

    /// The drawing operations of the panel inside `frame`.
    func elements(in frame: PlotScene.Rect) -> [PlotScene.Element] {
        var elements: [PlotScene.Element] = []
        let finite = series.flatMap { $0.points.filter(\.isFinite) }
        let xAxis = PlotAxis(data: Self.range(finite.map(\.x)))
        let yAxis = PlotAxis(data: Self.range(finite.map(\.y)), fixed: yRange)
        let tickLabels = yAxis.ticks.map(yAxis.label)
        let labelWidth = Double(tickLabels.map { BitmapFont.width(of: $0) }.max() ?? 0)

        // The plot area, its edges on pixel centres so that 1-pixel lines stay sharp.
        let left = (frame.x + 16 + labelWidth + 6).rounded(.down) + 0.5
        let right = max(left + 20, (frame.maxX - 14).rounded(.down) + 0.5)
        let top = (frame.y + 28).rounded(.down) + 0.5
        let bottom = max(top + 20, (frame.maxY - 32).rounded(.down) + 0.5)
        let area = PlotScene.Rect(x: left, y: top, width: right - left, height: bottom - top)
        // The axes' ranges map to the area less a small inset, so that lines and markers at
        // the ends of a range stay clear of the frame.
        let inset = 6.0
        func px(_ x: Double) -> Double {
            left + inset + xAxis.fraction(x) * (right - left - 2 * inset)
        }
        func py(_ y: Double) -> Double {
            bottom - inset - yAxis.fraction(y) * (bottom - top - 2 * inset)
        }
        func snapped(_ value: Double) -> Double { value.rounded(.down) + 0.5 }

        elements.append(
            .text(
                title, x: (left + right) / 2, y: frame.y + 14, scale: 2, anchor: .middle,
                vertical: false, color: .ink))
        // Grid, frame, ticks and their labels.
        for (tick, label) in zip(yAxis.ticks, tickLabels) {
            let y = snapped(py(tick))
            elements.append(Self.line((left, y), (right, y), .grid, clip: area))
            elements.append(Self.line((left - 4, y), (left, y), .ink, clip: frame))
            elements.append(
                .text(
                    label, x: left - 7, y: y + 3.5, scale: 1, anchor: .end, vertical: false,
                    color: .ink))
        }
        for tick in xAxis.ticks {
            let x = snapped(px(tick))
            elements.append(Self.line((x, top), (x, bottom), .grid, clip: area))
            elements.append(Self.line((x, bottom), (x, bottom + 4), .ink, clip: frame))
            elements.append(
                .text(
                    xAxis.label(tick), x: x, y: bottom + 14, scale: 1, anchor: .middle,
                    vertical: false, color: .ink))
        }
        elements.append(.rectangle(area, fill: nil, stroke: .ink))
        elements.append(
            .text(
                xLabel, x: (left + right) / 2, y: bottom + 28, scale: 1, anchor: .middle,
                vertical: false, color: .ink))
        elements.append(
            .text(
                yLabel, x: frame.x + 9, y: (top + bottom) / 2, scale: 1, anchor: .middle,
                vertical: true, color: .ink))

        // The lines: runs of finite points; markers on lone points, and on every point of a
        // short series.
        var drawn: [Drawn] = []
        var nextColor = 0
        for item in series {
            var color = item.color
            if color == nil {
                color = PlotColor.palette[nextColor % PlotColor.palette.count]
                nextColor += 1
            }
            var runs: [[(x: Double, y: Double)]] = [[]]
            for point in item.points {
                if point.isFinite {
                    runs[runs.count - 1].append((px(point.x), py(point.y)))
                } else if !runs[runs.count - 1].isEmpty {
                    runs.append([])
                }
            }
            runs.removeAll { $0.isEmpty }
            if !runs.isEmpty { drawn.append(Drawn(series: item, color: color!, runs: runs)) }
        }
        for item in drawn {
            let count = item.runs.reduce(0) { $0 + $1.count }
            for run in item.runs {
                if run.count > 1 {
                    elements.append(
                        .polyline(
                            run, color: item.color, width: 2, dashed: item.series.style == .dashed,
                            clip: area))
                }
                if run.count == 1 || count <= 30 {
                    let radius = run.count == 1 ? 3.5 : 2.5
                    for point in run {
                        elements.append(
                            .marker(
                                x: point.x, y: point.y, radius: radius, color: item.color,
                                clip: area))
                    }
                }
            }
        }
        elements += Self.legend(drawn, in: area)
        return elements
    }

    /// The legend: one row per drawn series, in the corner of `area` that hides the fewest
    /// points of the lines (top right first).
    private static func legend(_ drawn: [Drawn], in area: PlotScene.Rect) -> [PlotScene.Element] {
        guard !drawn.isEmpty else { return [] }
        let labelWidth = Double(drawn.map { BitmapFont.width(of: $0.series.label) }.max() ?? 0)
        let rowHeight = 13.0, padding = 6.0, sample = 22.0, inset = 8.0
        let boxWidth = (padding + sample + 6 + labelWidth + padding).rounded(.up)
        let boxHeight = padding + Double(drawn.count) * rowHeight + 1
        let corners = [
            (area.maxX - inset - boxWidth, area.y + inset),
            (area.x + inset, area.y + inset),
            (area.maxX - inset - boxWidth, area.maxY - inset - boxHeight),
            (area.x + inset, area.maxY - inset - boxHeight),
        ].map {
            PlotScene.Rect(
                x: $0.0.rounded(.down) + 0.5, y: $0.1.rounded(.down) + 0.5,
                width: boxWidth, height: boxHeight)
        }
        let samples = drawn.flatMap { item in item.runs.flatMap(Self.sampled) }
        let box =
            corners.min { a, b in
                samples.filter(a.contains).count < samples.filter(b.contains).count
            } ?? corners[0]

        var elements: [PlotScene.Element] = [.rectangle(box, fill: .white, stroke: .frame)]
        for (row, item) in drawn.enumerated() {
            let baseline = box.y + padding + 7 + Double(row) * rowHeight
            let middle = baseline - 3.5
            elements.append(
                .polyline(
                    [(box.x + padding, middle), (box.x + padding + sample, middle)],
                    color: item.color, width: 2, dashed: item.series.style == .dashed,
                    clip: box))
            elements.append(
                .text(
                    item.series.label, x: box.x + padding + sample + 6, y: baseline, scale: 1,
                    anchor: .start, vertical: false, color: .ink))
        }
        return elements
    }

    /// The points of a run and points every 4 pixels along its segments.
    private static func sampled(_ run: [(x: Double, y: Double)]) -> [(x: Double, y: Double)] {
        var result = run
        for (a, b) in zip(run, run.dropFirst()) {
            let length = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
            let steps = min(Int(length / 4), 1000)
            guard steps > 1 else { continue }
            for k in 1..<steps {
                let t = Double(k) / Double(steps)
                result.append((a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t))
            }
        }
        return result
    }

    /// A 1-pixel line.
    private static func line(
        _ a: (Double, Double), _ b: (Double, Double), _ color: PlotColor, clip: PlotScene.Rect
    ) -> PlotScene.Element {
        .polyline([(a.0, a.1), (b.0, b.1)], color: color, width: 1, dashed: false, clip: clip)
    }

    /// The smallest and largest of `values`, `nil` for none.
    private static func range(_ values: [Double]) -> ClosedRange<Double>? {
        guard let low = values.min(), let high = values.max() else { return nil }
        return low...high
    }
}
