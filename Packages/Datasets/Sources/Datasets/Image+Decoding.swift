import CDatasetCodecs

extension Image {
    /// Decodes a PNG or JPEG file, detecting the format from its first bytes, not its name.
    ///
    /// PNGs of every colour type and bit depth, interlaced or not, decode to grey, RGB or RGBA
    /// (palette images to RGB or RGBA, grey with alpha to RGBA, 16-bit samples rounded to 8
    /// bits). JPEGs decode to grey or RGB, CMYK included.
    /// - Parameters:
    ///   - path: The file.
    ///   - format: The pixel format wanted, or `nil` (default) for the file's own; conversion
    ///     follows ``converted(to:)`` (dropping alpha without compositing: composite first with
    ///     ``composited(onto:)`` when the background matters).
    ///   - maxPixels: The most pixels accepted (default ``DatasetLimits/maxImagePixels``); a
    ///     file declaring more is refused before anything is allocated for it.
    /// - Throws: ``DatasetError`` naming the file: `unreadable`, `unsupportedFormat` (neither
    ///   PNG nor JPEG), `corrupt`, `truncated`, or `limitExceeded`.
    public init(
        contentsOf path: String, format: PixelFormat? = nil,
        maxPixels: Int = DatasetLimits.maxImagePixels
    ) throws {
        let bytes = try FileIO.read(path, maxBytes: DatasetLimits.maxImageFileBytes)
        try self.init(encoded: bytes, source: path, format: format, maxPixels: maxPixels)
    }

    /// Decodes PNG or JPEG bytes, detecting the format from its signature.
    /// - Parameters:
    ///   - bytes: The encoded file.
    ///   - source: The name used in error messages (a path, say).
    ///   - format: The pixel format wanted, or `nil` for the file's own.
    ///   - maxPixels: The most pixels accepted.
    /// - Throws: ``DatasetError`` as ``init(contentsOf:format:maxPixels:)`` does.
    public init(
        encoded bytes: [UInt8], source: String = "<memory>", format: PixelFormat? = nil,
        maxPixels: Int = DatasetLimits.maxImagePixels
    ) throws {
        guard let fileFormat = ImageFileFormat.detect(bytes) else {
            throw DatasetError.unsupportedFormat(
                path: source, reason: ImageFileFormat.describeUnknown(bytes))
        }
        var image = try Image.decode(bytes, as: fileFormat, source: source, maxPixels: maxPixels)
        if let format, format != image.format { image = image.converted(to: format) }
        self = image
    }

    /// Decodes `bytes` with the codec for `fileFormat`.
    static func decode(
        _ bytes: [UInt8], as fileFormat: ImageFileFormat, source: String, maxPixels: Int
    ) throws -> Image {
        var decoded = dc_image()
        var message = [CChar](repeating: 0, count: Int(DC_MESSAGE_SIZE))
        let limit = UInt64(max(0, maxPixels))
        let status = bytes.withUnsafeBufferPointer { input -> Int32 in
            switch fileFormat {
            case .png:
                return dc_png_decode(
                    input.baseAddress, input.count, limit, UInt32(DatasetLimits.maxImageSide),
                    &decoded, &message, Int(DC_MESSAGE_SIZE))
            case .jpeg:
                return dc_jpeg_decode(
                    input.baseAddress, input.count, limit, Int32(DatasetLimits.maxJPEGScans),
                    UInt64(DatasetLimits.maxJPEGScanPixels),
                    &decoded, &message, Int(DC_MESSAGE_SIZE))
            }
        }
        defer { dc_free(decoded.pixels) }
        guard status == DC_OK, let pixels = decoded.pixels,
            let format = PixelFormat(channels: Int(decoded.channels))
        else {
            throw codecError(status, String(cString: message), fileFormat.name, source)
        }
        let width = Int(decoded.width), height = Int(decoded.height)
        return Image(uncheckedWidth: width, height: height, format: format) { buffer in
            buffer.baseAddress!.update(from: pixels, count: buffer.count)
        }
    }

    /// The ``DatasetError`` for a shim status code.
    static func codecError(_ status: Int32, _ message: String, _ format: String, _ source: String)
        -> DatasetError
    {
        let reason = message.isEmpty ? "\(format) decoding failed" : message
        switch status {
        case Int32(DC_ERROR_TRUNCATED):
            return .truncated(path: source, format: format, reason: reason)
        case Int32(DC_ERROR_LIMIT):
            return .limitExceeded(path: source, reason: reason)
        case Int32(DC_ERROR_MEMORY):
            return .unreadable(path: source, reason: reason)
        case Int32(DC_ERROR_ARGUMENT):
            return .invalidArgument(operation: "\(format) encoding of \(source)", reason: reason)
        default:
            return .corrupt(path: source, format: format, reason: reason)
        }
    }
}
