/// A height and a width: kernel sizes, strides, paddings and dilations of 2-D operations.
///
/// Integer literals make square sizes: `let stride: Size2D = 2` is `Size2D(2, 2)`.
public struct Size2D: Hashable, Codable, Sendable, CustomStringConvertible,
    ExpressibleByIntegerLiteral
{
    /// The vertical extent.
    public var height: Int
    /// The horizontal extent.
    public var width: Int

    /// Creates a size from a height and a width.
    public init(_ height: Int, _ width: Int) {
        self.height = height
        self.width = width
    }

    /// Creates a square size.
    public init(_ side: Int) { self.init(side, side) }

    /// Creates a square size from an integer literal.
    public init(integerLiteral side: Int) { self.init(side, side) }

    public var description: String { "\(height)x\(width)" }
}
