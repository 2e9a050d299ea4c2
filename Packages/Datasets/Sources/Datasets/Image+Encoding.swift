import CDatasetCodecs

extension Image {
    /// The image encoded as PNG (8-bit grey, RGB or RGBA, not interlaced).
    /// - Parameter compressionLevel: zlib's level, 0 (fastest) to 9 (smallest); default 6.
    /// - Throws: ``DatasetError/invalidArgument(operation:reason:)`` for an empty image or a
    ///   level outside 0…9.
    public func pngData(compressionLevel: Int = 6) throws -> [UInt8] {
        guard width > 0, height > 0, (0...9).contains(compressionLevel) else {
            throw DatasetError.invalidArgument(
                operation: "Image.pngData",
                reason: "cannot encode a \(width)x\(height) image at level \(compressionLevel)")
        }
        return try encode("PNG") { output, size, message in
            pixels.withUnsafeBufferPointer {
                dc_png_encode(
                    $0.baseAddress, Int32(width), Int32(height), Int32(channels),
                    Int32(compressionLevel), &output, &size, &message, Int(DC_MESSAGE_SIZE))
            }
        }
    }

    /// The image encoded as a JFIF JPEG. JPEG has no alpha: composite RGBA images first with
    /// ``composited(onto:)``.
    /// - Parameters:
    ///   - quality: 1 (smallest) to 100 (best); default 90.
    ///   - progressive: Whether to write a progressive file; default `false` (baseline).
    /// - Throws: ``DatasetError/invalidArgument(operation:reason:)`` for an RGBA or empty
    ///   image, a side above 65500, or a quality outside 1…100.
    public func jpegData(quality: Int = 90, progressive: Bool = false) throws -> [UInt8] {
        guard format != .rgba else {
            throw DatasetError.invalidArgument(
                operation: "Image.jpegData",
                reason: "JPEG has no alpha channel: composite the RGBA image onto a background "
                    + "first")
        }
        guard width > 0, height > 0, width <= 65500, height <= 65500, (1...100).contains(quality)
        else {
            throw DatasetError.invalidArgument(
                operation: "Image.jpegData",
                reason: "cannot encode a \(width)x\(height) image at quality \(quality)")
        }
        return try encode("JPEG") { output, size, message in
            pixels.withUnsafeBufferPointer {
                dc_jpeg_encode(
                    $0.baseAddress, Int32(width), Int32(height), Int32(channels), Int32(quality),
                    progressive ? 1 : 0, &output, &size, &message, Int(DC_MESSAGE_SIZE))
            }
        }
    }

    /// Writes the image as PNG or JPEG, atomically (a temporary file renamed into place).
    /// - Parameters:
    ///   - path: The destination.
    ///   - fileFormat: The format, or `nil` (default) to choose it from the extension.
    ///   - quality: The JPEG quality, 1…100; default 90.
    /// - Throws: ``DatasetError/invalidArgument(operation:reason:)`` when the format is neither
    ///   given nor implied by the extension; ``DatasetError/writeFailed(path:reason:)``.
    public func write(to path: String, as fileFormat: ImageFileFormat? = nil, quality: Int = 90)
        throws
    {
        guard let fileFormat = fileFormat ?? ImageFileFormat(pathExtensionOf: path) else {
            throw DatasetError.invalidArgument(
                operation: "Image.write(to:)",
                reason: "cannot tell the format of \(path): use a .png or .jpg extension")
        }
        let bytes = fileFormat == .png ? try pngData() : try jpegData(quality: quality)
        try FileIO.writeAtomically(bytes, to: path)
    }

    /// Runs an encoder shim and copies its malloc'd output into an array.
    private func encode(
        _ name: String,
        _ body: (inout UnsafeMutablePointer<UInt8>?, inout Int, inout [CChar]) -> Int32
    ) throws -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: Int(DC_MESSAGE_SIZE))
        let status = body(&output, &size, &message)
        defer { dc_free(output) }
        guard status == DC_OK, let output else {
            throw Image.codecError(status, String(cString: message), name, "\(self)")
        }
        return Array(UnsafeBufferPointer(start: output, count: size))
    }
}
