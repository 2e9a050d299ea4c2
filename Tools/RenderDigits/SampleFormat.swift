import Datasets

/// The file kinds `render-digits` writes: every PNG and JPEG variant `classify` must read,
/// each with its own ink and paper.
enum SampleFormat: String, CaseIterable {
    /// 8-bit greyscale PNG, dark ink on white.
    case pngGrey = "png-grey"
    /// 8-bit greyscale PNG, light ink on a dark board.
    case pngDark = "png-dark"
    /// RGB PNG, blue ink on cream paper.
    case pngRGB = "png-rgb"
    /// RGBA PNG with a transparent background (transparent black), dark ink: what drawing
    /// apps export.
    case pngTransparent = "png-transparent"
    /// RGBA PNG with a transparent background (transparent white), white ink.
    case pngTransparentLight = "png-transparent-light"
    /// Grey + alpha PNG (colour type 4), dark ink on a transparent background.
    case pngGreyAlpha = "png-grey-alpha"
    /// 4-bit palette PNG (16 shades of red ink on paper).
    case pngPalette = "png-palette"
    /// 16-bit greyscale PNG, light ink on dark.
    case png16Grey = "png-16bit-grey"
    /// 16-bit RGB PNG, green ink on white.
    case png16RGB = "png-16bit-rgb"
    /// Adam7-interlaced RGB PNG.
    case pngInterlaced = "png-interlaced"
    /// Baseline RGB JPEG, dark blue ink on cream paper.
    case jpegBaseline = "jpeg-baseline"
    /// Progressive RGB JPEG.
    case jpegProgressive = "jpeg-progressive"
    /// Greyscale (one-component) JPEG.
    case jpegGrey = "jpeg-grey"
    /// CMYK JPEG (inverted, with an Adobe marker, as Photoshop writes it).
    case jpegCMYK = "jpeg-cmyk"
    /// Baseline RGB JPEG, chalk on a dark green board.
    case jpegDark = "jpeg-dark"

    /// The file extension.
    var fileExtension: String { rawValue.hasPrefix("png") ? "png" : "jpg" }

    /// The colours this format draws with, replacing the style's when they are part of the
    /// format's point (light on dark, coloured ink).
    func colours(_ style: DigitStyle) -> (ink: Color, paper: Color) {
        switch self {
        case .pngDark, .png16Grey:
            return (Color(grey: 255 - style.ink.red), Color(grey: 255 - style.paper.red))
        case .pngRGB:
            return (Color(red: 20, green: 40, blue: 160), Color(red: 250, green: 245, blue: 225))
        case .pngPalette: return (Color(red: 190, green: 20, blue: 30), style.paper)
        case .png16RGB: return (Color(red: 10, green: 110, blue: 40), .white)
        case .jpegBaseline, .jpegProgressive, .pngInterlaced:
            return (Color(red: 25, green: 30, blue: 90), Color(red: 245, green: 240, blue: 220))
        case .jpegCMYK:
            return (Color(red: 30, green: 30, blue: 35), Color(red: 250, green: 250, blue: 240))
        case .jpegDark:
            return (Color(red: 235, green: 235, blue: 225), Color(red: 30, green: 60, blue: 45))
        default: return (style.ink, style.paper)
        }
    }

    /// The encoded file of a digit drawn with `coverage` (0...1 per pixel) in `style`.
    func encode(coverage: [Double], style: DigitStyle) throws -> [UInt8] {
        let (ink, paper) = colours(style)
        let w = style.width, h = style.height
        func blend(_ a: UInt8, _ b: UInt8, _ t: Double) -> Double {
            Double(b) * (1 - t) + Double(a) * t
        }
        func rgbBytes() -> [UInt8] {
            coverage.flatMap { t in
                [ink.red, ink.green, ink.blue].enumerated().map { c, v in
                    let p = [paper.red, paper.green, paper.blue][c]
                    return UInt8(blend(v, p, t).rounded())
                }
            }
        }
        func greyBytes() -> [UInt8] {
            coverage.map { UInt8(blend(ink.luminance, paper.luminance, $0).rounded()) }
        }
        switch self {
        case .pngGrey, .pngDark:
            return try Image(width: w, height: h, format: .grey, pixels: greyBytes()).pngData()
        case .pngRGB:
            return try Image(width: w, height: h, format: .rgb, pixels: rgbBytes()).pngData()
        case .pngTransparent, .pngTransparentLight:
            let colour: UInt8 = self == .pngTransparent ? ink.luminance : 255
            let hidden: UInt8 = self == .pngTransparent ? 0 : 255
            let pixels = coverage.flatMap { t -> [UInt8] in
                let alpha = UInt8((t * 255).rounded())
                let v = alpha == 0 ? hidden : colour
                return [v, v, v, alpha]
            }
            return try Image(width: w, height: h, format: .rgba, pixels: pixels).pngData()
        case .pngGreyAlpha:
            let samples = coverage.flatMap { t -> [UInt16] in
                let alpha = UInt16((t * 255).rounded())
                return [alpha == 0 ? 255 : UInt16(ink.luminance), alpha]
            }
            return try PNGVariantWriter.encode(
                width: w, height: h, colorType: .greyAlpha, bitDepth: 8, samples: samples)
        case .pngPalette:
            let palette = (0..<16).map { i -> Color in
                let t = Double(i) / 15
                return Color(
                    red: UInt8(blend(ink.red, paper.red, t).rounded()),
                    green: UInt8(blend(ink.green, paper.green, t).rounded()),
                    blue: UInt8(blend(ink.blue, paper.blue, t).rounded()))
            }
            let samples = coverage.map { UInt16(($0 * 15).rounded()) }
            return try PNGVariantWriter.encode(
                width: w, height: h, colorType: .palette, bitDepth: 4, samples: samples,
                palette: palette)
        case .png16Grey:
            let samples = coverage.map {
                UInt16((blend(ink.luminance, paper.luminance, $0) * 257).rounded())
            }
            return try PNGVariantWriter.encode(
                width: w, height: h, colorType: .grey, bitDepth: 16, samples: samples)
        case .png16RGB:
            let samples = coverage.flatMap { t in
                [(ink.red, paper.red), (ink.green, paper.green), (ink.blue, paper.blue)].map {
                    UInt16((blend($0.0, $0.1, t) * 257).rounded())
                }
            }
            return try PNGVariantWriter.encode(
                width: w, height: h, colorType: .rgb, bitDepth: 16, samples: samples)
        case .pngInterlaced:
            return try PNGVariantWriter.encode(
                width: w, height: h, colorType: .rgb, bitDepth: 8,
                samples: rgbBytes().map(UInt16.init), interlaced: true)
        case .jpegBaseline, .jpegDark:
            return try Image(width: w, height: h, format: .rgb, pixels: rgbBytes()).jpegData()
        case .jpegProgressive:
            return try Image(width: w, height: h, format: .rgb, pixels: rgbBytes())
                .jpegData(progressive: true)
        case .jpegGrey:
            return try Image(width: w, height: h, format: .grey, pixels: greyBytes()).jpegData()
        case .jpegCMYK:
            return CMYKJPEGWriter.encode(rgb: rgbBytes(), width: w, height: h)
        }
    }
}
