/// An opaque 8-bit RGB colour for plots.
public struct PlotColor: Sendable, Equatable {
    /// The red component.
    public var red: UInt8
    /// The green component.
    public var green: UInt8
    /// The blue component.
    public var blue: UInt8

    /// Creates a colour from its components.
    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// The colours series take in turn when they give none: the ten of Tableau 10 (and
    /// Matplotlib's default cycle): blue, orange, green, red, purple, brown, pink, grey, olive,
    /// cyan.
    public static let palette: [PlotColor] = [
        PlotColor(red: 31, green: 119, blue: 180), PlotColor(red: 255, green: 127, blue: 14),
        PlotColor(red: 44, green: 160, blue: 44), PlotColor(red: 214, green: 39, blue: 40),
        PlotColor(red: 148, green: 103, blue: 189), PlotColor(red: 140, green: 86, blue: 75),
        PlotColor(red: 227, green: 119, blue: 194), PlotColor(red: 127, green: 127, blue: 127),
        PlotColor(red: 188, green: 189, blue: 34), PlotColor(red: 23, green: 190, blue: 207),
    ]

    /// Black.
    static let black = PlotColor(red: 0, green: 0, blue: 0)
    /// White.
    static let white = PlotColor(red: 255, green: 255, blue: 255)
    /// The colour of text and axes: near black.
    static let ink = PlotColor(red: 34, green: 34, blue: 34)
    /// The colour of grid lines: light grey.
    static let grid = PlotColor(red: 225, green: 225, blue: 225)
    /// The colour of the legend's frame: mid grey.
    static let frame = PlotColor(red: 170, green: 170, blue: 170)

    /// `#1f77b4`.
    var hex: String {
        let digits = Array("0123456789abcdef")
        return "#" + [red, green, blue].map {
            String([digits[Int($0 >> 4)], digits[Int($0 & 15)]])
        }.joined()
    }
}
