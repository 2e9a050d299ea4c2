/// A point of a ``LinePlot`` series, in data coordinates.
public struct PlotPoint: Sendable, Equatable {
    /// The horizontal value.
    public var x: Double
    /// The vertical value. A NaN or infinite value (or `x`) leaves a gap in the line.
    public var y: Double

    /// Creates a point.
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    /// Whether both coordinates are finite (only such points are drawn).
    var isFinite: Bool { x.isFinite && y.isFinite }
}
