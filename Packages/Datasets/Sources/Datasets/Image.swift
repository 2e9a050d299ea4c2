/// A small 8-bit raster image: `height` rows of `width` pixels, each of `channels` interleaved
/// bytes (grey, RGB or RGBA), rows top to bottom.
///
/// Decode one with ``init(contentsOf:format:maxPixels:)``, which detects PNG or JPEG from the
/// file's first bytes rather than its name; prepare it with the conversion, geometry and resize
/// operations; then turn it into a normalized NCHW tensor with ``tensor(mean:std:)``.
///
/// ```swift
/// let image = try Image(contentsOf: "seven.png")
///     .composited(onto: .white)
///     .converted(to: .grey)
///     .resized(width: 28, height: 28, method: .area)
/// let input = try image.tensor(mean: [0.1307], std: [0.3081])   // [1, 1, 28, 28]
/// ```
public struct Image: Equatable, Sendable {
    /// The width in pixels.
    public let width: Int
    /// The height in pixels.
    public let height: Int
    /// The pixel format: grey, RGB or RGBA.
    public let format: PixelFormat
    /// The bytes: `height × width × channels`, row-major, channels interleaved.
    public private(set) var pixels: [UInt8]

    /// The number of channels per pixel, 1, 3 or 4.
    public var channels: Int { format.channels }

    /// Creates an image from its pixel bytes.
    /// - Throws: ``DatasetError/invalidArgument(operation:reason:)`` for a negative size or a
    ///   byte count other than `width × height × format.channels`.
    public init(width: Int, height: Int, format: PixelFormat, pixels: [UInt8]) throws {
        let count = try Image.byteCount(width, height, format, "Image(width:height:format:pixels:)")
        guard pixels.count == count else {
            throw DatasetError.invalidArgument(
                operation: "Image(width:height:format:pixels:)",
                reason: "a \(width)x\(height) \(format) image needs \(count) bytes, "
                    + "got \(pixels.count)")
        }
        self.init(uncheckedWidth: width, height: height, format: format, pixels: pixels)
    }

    /// Creates an image with every byte set to `value` (default 0: black, and transparent for
    /// RGBA).
    /// - Throws: ``DatasetError/invalidArgument(operation:reason:)`` for a negative size.
    public init(width: Int, height: Int, format: PixelFormat, filledWith value: UInt8 = 0) throws {
        let count = try Image.byteCount(width, height, format, "Image(width:height:format:)")
        self.init(
            uncheckedWidth: width, height: height, format: format,
            pixels: [UInt8](repeating: value, count: count))
    }

    /// Creates an image without validation; `pixels.count` must match.
    init(uncheckedWidth width: Int, height: Int, format: PixelFormat, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.format = format
        self.pixels = pixels
    }

    /// Creates an image whose bytes `fill` writes completely, without zeroing them first.
    init(
        uncheckedWidth width: Int, height: Int, format: PixelFormat,
        fill: (UnsafeMutableBufferPointer<UInt8>) -> Void
    ) {
        let count = width * height * format.channels
        let pixels = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            fill(buffer)
            initialized = count
        }
        self.init(uncheckedWidth: width, height: height, format: format, pixels: pixels)
    }

    /// The byte for channel `channel` of the pixel at column `x`, row `y`. Like an array
    /// subscript, it traps when an index is out of range.
    public subscript(x: Int, y: Int, channel: Int) -> UInt8 {
        get {
            precondition(Image.contains(x, y, channel, width, height, channels), "Image index")
            return pixels[(y * width + x) * channels + channel]
        }
        set {
            precondition(Image.contains(x, y, channel, width, height, channels), "Image index")
            pixels[(y * width + x) * channels + channel] = newValue
        }
    }

    /// Calls `body` with the pixel bytes for writing.
    public mutating func withUnsafeMutablePixels<R>(
        _ body: (UnsafeMutableBufferPointer<UInt8>) throws -> R
    ) rethrows -> R {
        try pixels.withUnsafeMutableBufferPointer { try body($0) }
    }

    private static func contains(
        _ x: Int, _ y: Int, _ c: Int, _ width: Int, _ height: Int, _ channels: Int
    ) -> Bool {
        x >= 0 && x < width && y >= 0 && y < height && c >= 0 && c < channels
    }

    /// `width × height × channels`, or an error naming `operation`.
    static func byteCount(_ width: Int, _ height: Int, _ format: PixelFormat, _ operation: String)
        throws -> Int
    {
        guard width >= 0, height >= 0 else {
            throw DatasetError.invalidArgument(
                operation: operation, reason: "size \(width)x\(height) is negative")
        }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= Int(Int32.max) else {
            throw DatasetError.invalidArgument(
                operation: operation, reason: "size \(width)x\(height) is too large")
        }
        return pixels * format.channels
    }
}

extension Image: CustomStringConvertible {
    /// A summary such as `Image(32x32 RGB)`.
    public var description: String { "Image(\(width)x\(height) \(format))" }
}
