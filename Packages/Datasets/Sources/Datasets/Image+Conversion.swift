extension Image {
    /// The image in another pixel format.
    ///
    /// - grey → RGB(A): the grey level is copied to red, green and blue.
    /// - RGB(A) → grey: ITU-R 601-2 luma, `L = (19595 R + 38470 G + 7471 B + 32768) >> 16`,
    ///   exactly as Pillow's `convert("L")` computes it.
    /// - RGBA → RGB or grey: alpha is dropped, as in Pillow. To blend transparent pixels with a
    ///   background instead, call ``composited(onto:)`` first.
    /// - grey or RGB → RGBA: alpha is 255 (opaque).
    public func converted(to target: PixelFormat) -> Image {
        if target == format { return self }
        let count = width * height
        let from = channels, to = target.channels
        return pixels.withUnsafeBufferPointer { source in
            Image(uncheckedWidth: width, height: height, format: target) { out in
                for i in 0..<count {
                    let s = i * from, d = i * to
                    if from == 1 {
                        let v = source[s]
                        out[d] = v
                        if to >= 3 { out[d + 1] = v; out[d + 2] = v }
                    } else if to == 1 {
                        out[d] = Image.luma(source[s], source[s + 1], source[s + 2])
                    } else {
                        out[d] = source[s]
                        out[d + 1] = source[s + 1]
                        out[d + 2] = source[s + 2]
                    }
                    if to == 4 { out[d + 3] = 255 }
                }
            }
        }
    }

    /// The image with its transparency blended onto an opaque background:
    /// `out = (colour × alpha + background × (255 − alpha)) / 255`, rounded. An RGBA image
    /// becomes RGB; grey and RGB images have no alpha and are returned unchanged.
    /// - Parameter background: The colour behind the image; default white (the paper a digit
    ///   is drawn on).
    public func composited(onto background: Color = .white) -> Image {
        guard format == .rgba else { return self }
        let count = width * height
        let b = [UInt32(background.red), UInt32(background.green), UInt32(background.blue)]
        return pixels.withUnsafeBufferPointer { source in
            Image(uncheckedWidth: width, height: height, format: .rgb) { out in
                for i in 0..<count {
                    let alpha = UInt32(source[4 * i + 3])
                    for c in 0..<3 {
                        let blend = UInt32(source[4 * i + c]) * alpha + b[c] * (255 - alpha)
                        out[3 * i + c] = Image.divideBy255(blend)
                    }
                }
            }
        }
    }

    /// The image with every colour byte replaced by `255 − byte` (alpha is kept): dark ink on
    /// white paper becomes MNIST's light ink on black.
    public func inverted() -> Image {
        var copy = self
        let hasAlpha = format.hasAlpha
        copy.withUnsafeMutablePixels { bytes in
            for i in 0..<bytes.count where !(hasAlpha && i % 4 == 3) { bytes[i] = 255 &- bytes[i] }
        }
        return copy
    }

    /// Pillow's luma: `(19595 R + 38470 G + 7471 B + 32768) >> 16`.
    @inline(__always)
    static func luma(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        let red: UInt32 = 19595 * UInt32(r)
        let green: UInt32 = 38470 * UInt32(g)
        let blue: UInt32 = 7471 * UInt32(b)
        return UInt8((red + green + blue + 0x8000) >> 16)
    }

    /// `x / 255` rounded to nearest, exact for `x` in `0...65025`.
    @inline(__always)
    static func divideBy255(_ x: UInt32) -> UInt8 {
        let t = x + 128
        return UInt8((t + (t >> 8)) >> 8)
    }
}
