import Datasets

extension FeatureMapGrid {
    /// The colour of a connected cell of a connection table.
    public static let connectedColor = Color(red: 25, green: 25, blue: 25)
    /// The colour of an unconnected cell.
    public static let unconnectedColor = Color(red: 255, green: 255, blue: 255)

    /// A connection table as a picture: one square `cell`-pixel cell per (input map, output
    /// map) pair, rows for the input maps (top to bottom) and columns for the output maps
    /// (left to right), filled (``connectedColor``) where the output map takes the input map,
    /// white elsewhere, with `gap`-pixel steel-blue lines between and around the cells. For
    /// LeNet-5's C3 (``NeuralNet/PartiallyConnectedConv2D/connectionTable``) it is the paper's
    /// Table I: 6 rows, 16 columns.
    /// - Parameters:
    ///   - table: `table[input][output]`, every row the same length.
    ///   - cell: The side of a cell in pixels; default 12.
    ///   - gap: The width of the lines; default 2.
    /// - Throws: ``ImageClassifierError/invalidArgument(operation:reason:)`` for an empty or
    ///   ragged table, a cell below 1 pixel, a negative gap, or a picture above
    ///   ``maximumPixels``.
    public static func image(connectionTable table: [[Bool]], cell: Int = 12, gap: Int = 2)
        throws -> Image
    {
        let rows = table.count
        let columns = table.first?.count ?? 0
        guard rows > 0, columns > 0, table.allSatisfy({ $0.count == columns }) else {
            throw invalid("a connection table needs rows of one positive length")
        }
        guard cell >= 1, gap >= 0, cell <= 1024, gap <= 1024 else {
            throw invalid("cell \(cell) must be in 1...1024 and gap \(gap) in 0...1024")
        }
        let width = gap + columns * (cell + gap)
        let height = gap + rows * (cell + gap)
        guard width.multipliedReportingOverflow(by: height).partialValue <= maximumPixels,
            width <= maximumPixels, height <= maximumPixels
        else {
            throw invalid(
                "a \(columns)x\(rows) connection table of \(cell)-pixel cells is too large")
        }
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        func paint(_ x: Int, _ y: Int, _ color: Color) {
            let i = (y * width + x) * 3
            pixels[i] = color.red
            pixels[i + 1] = color.green
            pixels[i + 2] = color.blue
        }
        for y in 0..<height {
            for x in 0..<width { paint(x, y, gapColor) }
        }
        for (row, cells) in table.enumerated() {
            for (column, connected) in cells.enumerated() {
                let left = gap + column * (cell + gap), top = gap + row * (cell + gap)
                for y in top..<top + cell {
                    for x in left..<left + cell {
                        paint(x, y, connected ? connectedColor : unconnectedColor)
                    }
                }
            }
        }
        return try Image(width: width, height: height, format: .rgb, pixels: pixels)
    }
}
