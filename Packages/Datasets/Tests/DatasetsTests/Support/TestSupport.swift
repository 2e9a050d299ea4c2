import Datasets
import Foundation

/// A fresh folder under the system's temporary folder, removed when the value is released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.path
        path = "\(base)/datasets-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// The path of `name` inside the folder.
    func file(_ name: String) -> String { "\(path)/\(name)" }

    /// Writes `bytes` to `name` (creating intermediate folders) and returns its path.
    @discardableResult
    func write(_ bytes: [UInt8], to name: String) throws -> String {
        let path = file(name)
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The names in the folder (or a sub-folder).
    func contents(_ subfolder: String = "") throws -> [String] {
        let folder = subfolder.isEmpty ? path : file(subfolder)
        return try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }
}

/// The test pattern Tools/reference/datasets_fixtures.py also builds:
/// `(37 x + 61 y + 17 c + 11 x y) mod 256`, HWC.
func pattern(height: Int, width: Int, channels: Int) -> [UInt8] {
    var bytes: [UInt8] = []
    for y in 0..<height {
        for x in 0..<width {
            for c in 0..<channels {
                bytes.append(UInt8((37 * x + 61 * y + 17 * c + 11 * x * y) % 256))
            }
        }
    }
    return bytes
}

/// An image of the test pattern.
func patternImage(width: Int, height: Int, format: PixelFormat) throws -> Image {
    try Image(
        width: width, height: height, format: format,
        pixels: pattern(height: height, width: width, channels: format.channels))
}

/// A smooth image JPEG reproduces well: `40 + 10 x + 7 y + 30 c`, clamped.
func smoothImage(width: Int, height: Int, format: PixelFormat) throws -> Image {
    var bytes: [UInt8] = []
    for y in 0..<height {
        for x in 0..<width {
            for c in 0..<format.channels {
                bytes.append(UInt8(min(255, 40 + 10 * x + 7 * y + 30 * c)))
            }
        }
    }
    return try Image(width: width, height: height, format: format, pixels: bytes)
}

/// The largest absolute difference between two byte arrays of equal length (Int.max if the
/// lengths differ).
func maxDifference(_ a: [UInt8], _ b: [UInt8]) -> Int {
    guard a.count == b.count else { return Int.max }
    return zip(a, b).map { abs(Int($0) - Int($1)) }.max() ?? 0
}

/// Whether `error` is a DatasetError of the expected kind whose description mentions every
/// fragment.
func describes(_ error: Error, _ fragments: String...) -> Bool {
    let text = "\(error)"
    return fragments.allSatisfy { text.contains($0) }
}

/// The real data sets, when the DATASETS_DIR environment variable names them.
let datasetsDirectory: String? = ProcessInfo.processInfo.environment["DATASETS_DIR"]
    .flatMap { $0.isEmpty ? nil : $0 }
