/// The encoded image formats Datasets reads and writes.
public enum ImageFileFormat: String, CaseIterable, Sendable {
    /// PNG: lossless; every colour type, bit depth and interlacing is decoded.
    case png
    /// JPEG (JFIF/EXIF): baseline, progressive, greyscale and CMYK are decoded.
    case jpeg

    /// The format whose signature starts `bytes` (PNG: `89 50 4E 47 0D 0A 1A 0A`; JPEG:
    /// `FF D8 FF`), or `nil`. The file name is never consulted.
    public static func detect(_ bytes: [UInt8]) -> ImageFileFormat? {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        if bytes.count >= 8, Array(bytes[0..<8]) == png { return .png }
        if bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF { return .jpeg }
        return nil
    }

    /// The format a file name's extension suggests (`.png`, `.jpg`, `.jpeg`, any case), or
    /// `nil`. Used to choose the format when writing and to select files in image folders.
    public init?(pathExtensionOf path: String) {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        switch path[path.index(after: dot)...].lowercased() {
        case "png": self = .png
        case "jpg", "jpeg", "jpe": self = .jpeg
        default: return nil
        }
    }

    /// The name used in messages: `PNG` or `JPEG`.
    public var name: String { self == .png ? "PNG" : "JPEG" }

    /// What a file that is neither PNG nor JPEG looks like, for a helpful error message.
    static func describeUnknown(_ bytes: [UInt8]) -> String {
        func starts(_ prefix: String) -> Bool { bytes.starts(with: Array(prefix.utf8)) }
        if bytes.isEmpty { return "the file is empty" }
        if starts("GIF8") { return "GIF images are not supported (only PNG and JPEG)" }
        if starts("BM") { return "BMP images are not supported (only PNG and JPEG)" }
        if starts("RIFF"), bytes.count >= 12, Array(bytes[8..<12]) == Array("WEBP".utf8) {
            return "WebP images are not supported (only PNG and JPEG)"
        }
        if starts("II*\u{0}") || starts("MM\u{0}*") {
            return "TIFF images are not supported (only PNG and JPEG)"
        }
        let prefix = bytes.prefix(8).map { String(format2: $0) }.joined(separator: " ")
        let printable = bytes.prefix(64).allSatisfy {
            (0x20...0x7E).contains($0) || $0 == 0x0A
                || $0 == 0x0D || $0 == 0x09
        }
        return "not a PNG or JPEG file (it starts with \(prefix)"
            + (printable ? ", which looks like text)" : ")")
    }
}
