extension Image {
    /// The rectangle of `width × height` pixels whose top-left corner is at column `x`, row `y`.
    /// - Throws: ``DatasetError/invalidArgument(operation:reason:)`` unless the rectangle has
    ///   a non-negative size and lies inside the image.
    public func cropped(x: Int, y: Int, width: Int, height: Int) throws -> Image {
        guard width >= 0, height >= 0, x >= 0, y >= 0, x + width <= self.width,
            y + height <= self.height
        else {
            throw DatasetError.invalidArgument(
                operation: "Image.cropped",
                reason: "rectangle \(width)x\(height) at (\(x), \(y)) is not inside the "
                    + "\(self.width)x\(self.height) image")
        }
        let c = channels, sourceRow = self.width * c, row = width * c
        return pixels.withUnsafeBufferPointer { source in
            Image(uncheckedWidth: width, height: height, format: format) { out in
                guard row > 0 else { return }
                for r in 0..<height {
                    (out.baseAddress! + r * row).update(
                        from: source.baseAddress! + (y + r) * sourceRow + x * c, count: row)
                }
            }
        }
    }

    /// The centred `width × height` rectangle (rounding the offsets down), as torchvision's
    /// `CenterCrop` takes it.
    /// - Throws: ``DatasetError/invalidArgument(operation:reason:)`` if it is larger than the
    ///   image.
    public func centerCropped(width: Int, height: Int) throws -> Image {
        try cropped(
            x: (self.width - width) / 2, y: (self.height - height) / 2, width: width,
            height: height)
    }

    /// The image with borders added on each side, filled with `value` in every channel
    /// (default 0: black, and transparent for RGBA).
    /// - Throws: ``DatasetError/invalidArgument(operation:reason:)`` for a negative border.
    public func padded(top: Int, left: Int, bottom: Int, right: Int, value: UInt8 = 0) throws
        -> Image
    {
        guard top >= 0, left >= 0, bottom >= 0, right >= 0 else {
            throw DatasetError.invalidArgument(
                operation: "Image.padded",
                reason: "borders (top \(top), left \(left), bottom \(bottom), right \(right)) "
                    + "must be non-negative")
        }
        var result = try Image(
            width: width + left + right, height: height + top + bottom, format: format,
            filledWith: value)
        let c = channels, row = width * c, outRow = result.width * c
        guard row > 0 else { return result }
        pixels.withUnsafeBufferPointer { source in
            result.withUnsafeMutablePixels { out in
                for r in 0..<height {
                    (out.baseAddress! + (top + r) * outRow + left * c).update(
                        from: source.baseAddress! + r * row, count: row)
                }
            }
        }
        return result
    }

    /// The image with `border` pixels added on every side, filled with `value`.
    /// - Throws: ``DatasetError/invalidArgument(operation:reason:)`` for a negative border.
    public func padded(by border: Int, value: UInt8 = 0) throws -> Image {
        try padded(top: border, left: border, bottom: border, right: border, value: value)
    }

    /// The mirror image, left and right swapped.
    public func flippedHorizontally() -> Image {
        let c = channels, w = width
        return pixels.withUnsafeBufferPointer { source in
            Image(uncheckedWidth: width, height: height, format: format) { out in
                for r in 0..<height {
                    let base = r * w * c
                    for x in 0..<w {
                        let s = base + (w - 1 - x) * c, d = base + x * c
                        for k in 0..<c { out[d + k] = source[s + k] }
                    }
                }
            }
        }
    }
}
