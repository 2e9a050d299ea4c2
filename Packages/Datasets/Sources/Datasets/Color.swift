/// An opaque 8-bit RGB colour: the background that alpha is composited onto, or a padding fill.
public struct Color: Equatable, Hashable, Sendable {
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

    /// A grey level, equal in every component.
    public init(grey: UInt8) { self.init(red: grey, green: grey, blue: grey) }

    /// White, `(255, 255, 255)`.
    public static let white = Color(grey: 255)
    /// Black, `(0, 0, 0)`.
    public static let black = Color(grey: 0)

    /// The colour's luminance, as ``Image/converted(to:)`` computes it.
    public var luminance: UInt8 { Image.luma(red, green, blue) }
}
