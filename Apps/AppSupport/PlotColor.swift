import Datasets

/// An opaque 8-bit RGB colour for plots: Datasets' ``Datasets/Color``, with the plots' palette.
public typealias PlotColor = Color

extension Color {
    /// The colours series take in turn when they give none: the ten of Tableau 10 (and
    /// Matplotlib's default cycle): blue, orange, green, red, purple, brown, pink, grey, olive,
    /// cyan.
    public static let palette: [Color] = [
        Color(red: 31, green: 119, blue: 180), Color(red: 255, green: 127, blue: 14),
        Color(red: 44, green: 160, blue: 44), Color(red: 214, green: 39, blue: 40),
        Color(red: 148, green: 103, blue: 189), Color(red: 140, green: 86, blue: 75),
        Color(red: 227, green: 119, blue: 194), Color(red: 127, green: 127, blue: 127),
        Color(red: 188, green: 189, blue: 34), Color(red: 23, green: 190, blue: 207),
    ]

    /// The colour of text and axes: near black.
    static let ink = Color(grey: 34)
    /// The colour of grid lines: light grey.
    static let grid = Color(grey: 225)
    /// The colour of the legend's frame: mid grey.
    static let frame = Color(grey: 170)

    /// `#1f77b4`.
    var hex: String {
        let digits = Array("0123456789abcdef")
        return "#"
            + [red, green, blue].map {
                String([digits[Int($0 >> 4)], digits[Int($0 & 15)]])
            }.joined()
    }
}
