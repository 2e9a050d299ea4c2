/// How an ``Image`` stores a pixel: 8-bit grey, RGB or RGBA, interleaved.
public enum PixelFormat: Int, CaseIterable, Sendable, CustomStringConvertible {
    /// One channel: luminance.
    case grey = 1
    /// Three channels: red, green, blue.
    case rgb = 3
    /// Four channels: red, green, blue and alpha (255 is opaque; not premultiplied).
    case rgba = 4

    /// The number of channels, 1, 3 or 4.
    public var channels: Int { rawValue }

    /// Whether the format has an alpha channel.
    public var hasAlpha: Bool { self == .rgba }

    /// The format with `channels` channels, or `nil` for a count other than 1, 3 or 4.
    public init?(channels: Int) { self.init(rawValue: channels) }

    public var description: String {
        switch self {
        case .grey: return "grey"
        case .rgb: return "RGB"
        case .rgba: return "RGBA"
        }
    }
}
