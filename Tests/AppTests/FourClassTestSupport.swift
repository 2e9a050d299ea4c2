import Datasets
import Foundation
import Testing

/// Helpers of the `four-class` end-to-end tests: a tiny synthesized image-folder data set and
/// running the built executable.
enum FourClassTestSupport {
    typealias Run = ClassifyTestSupport.Run

    /// The classes of the synthetic data set (the app's default class names).
    static let classes = ["bird", "cat", "dog", "ship"]

    /// Runs the built `four-class` with `arguments`.
    static func run(_ arguments: [String]) throws -> Run {
        try ClassifyTestSupport.run(try ClassifyTestSupport.executable("four-class"), arguments)
    }

    /// A synthetic image of class `label`: a 32x32 (or `width`x`height`) RGB picture whose
    /// class is a colour and a shape (a red disc, a green horizontal bar, a blue vertical bar,
    /// a yellow frame) on a noisy grey background, placed with a random offset.
    static func image(label: Int, width: Int = 32, height: Int = 32, generator g: inout SplitMix)
        throws -> Image
    {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height * 3) { pixels[i] = UInt8(96 + Int(g.next() % 64)) }
        let colors: [(UInt8, UInt8, UInt8)] = [
            (220, 40, 40), (40, 200, 60), (40, 60, 220),
            (230, 210, 40),
        ]
        let dx = Int(g.next() % 5) - 2, dy = Int(g.next() % 5) - 2
        let sx = Double(width) / 32, sy = Double(height) / 32
        for y in 0..<height {
            for x in 0..<width {
                let u = Double(x) / sx - Double(dx), v = Double(y) / sy - Double(dy)
                let inside: Bool
                switch label {
                case 0: inside = (u - 16) * (u - 16) + (v - 16) * (v - 16) < 64
                case 1: inside = v >= 12 && v < 20 && u >= 4 && u < 28
                case 2: inside = u >= 12 && u < 20 && v >= 4 && v < 28
                default:
                    inside =
                        (u >= 5 && u < 27 && v >= 5 && v < 27)
                        && !(u >= 9 && u < 23 && v >= 9 && v < 23)
                }
                if inside {
                    let o = (y * width + x) * 3
                    (pixels[o], pixels[o + 1], pixels[o + 2]) = colors[label]
                }
            }
        }
        return try Image(width: width, height: height, format: .rgb, pixels: pixels)
    }

    /// Writes `DIR/train/<class>/NNNN.png` (`perClass` each) and `DIR/test/<class>/NNNN.jpg`
    /// (`perClass / 2` each) and returns DIR.
    static func writeDataSet(perClass: Int, seed: UInt64 = 3) throws -> URL {
        let root = try ClassifyTestSupport.temporaryFolder()
        var g = SplitMix(seed: seed)
        for (split, count, ext) in [("train", perClass, "png"), ("test", perClass / 2, "jpg")] {
            for (label, name) in classes.enumerated() {
                let folder = root.appendingPathComponent(split).appendingPathComponent(name)
                try FileManager.default.createDirectory(
                    at: folder, withIntermediateDirectories: true)
                for i in 0..<count {
                    try image(label: label, generator: &g).write(
                        to: folder.appendingPathComponent(String(format: "%04d.%@", i, ext)).path)
                }
            }
        }
        return root
    }
}
