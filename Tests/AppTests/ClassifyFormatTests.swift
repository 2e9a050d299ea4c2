import Foundation
import Testing

private typealias Support = ClassifyTestSupport

/// `classify` with the bundled model on digits drawn by `RenderDigits` (never cut from MNIST)
/// in every PNG and JPEG variant: grey, RGB, palette, 16-bit, interlaced, transparent
/// backgrounds; baseline, progressive, greyscale and CMYK JPEG; dark ink on light paper and
/// light on dark; canvases of random sizes.
@Suite struct ClassifyFormatTests {
    static let formats = [
        "png-grey", "png-dark", "png-rgb", "png-transparent", "png-transparent-light",
        "png-grey-alpha", "png-palette", "png-16bit-grey", "png-16bit-rgb", "png-interlaced",
        "jpeg-baseline", "jpeg-progressive", "jpeg-grey", "jpeg-cmyk", "jpeg-dark",
    ]

    @Test func renderDigitsWritesEveryFormat() throws {
        let samples = try Support.samples.get()
        let names = Set(samples.paths.map { ($0 as NSString).lastPathComponent })
        for digit in 0...9 {
            for format in Self.formats {
                let ext = format.hasPrefix("png") ? "png" : "jpg"
                #expect(names.contains("\(digit)-\(format).\(ext)"))
            }
        }
        let listed = try Support.run(Support.renderDigits(), ["--list-formats"])
        #expect(listed.lines == Self.formats)
    }

    @Test(arguments: formats)
    func classifiesTheTenDigitsOfEachFormat(format: String) throws {
        let samples = try Support.samples.get()
        let paths = samples.paths.filter { $0.contains("-\(format).") }
        try #require(paths.count == 10)
        let result = try Support.classify(paths)
        #expect(result.status == 0, "stderr: \(result.error)")
        #expect(result.error.isEmpty)
        #expect(result.lines.count == 10)
        var correct = 0
        for (line, path) in zip(result.lines, paths) {
            let parsed = try #require(Support.parse(line), "unexpected line \(line)")
            #expect(parsed.path == path)
            if parsed.classes.first?.0 == Support.expectedDigit(path) {
                correct += 1
            } else {
                Issue.record("\(path) was classified as \(line)")
            }
        }
        #expect(correct == 10)
    }

    @Test func classifiesTinyAndLargeImages() throws {
        for (width, height) in [(16, 16), (24, 48), (1200, 900)] {
            let (folder, paths) = try Support.render([
                "--seed", "9", "--width", "\(width)", "--height", "\(height)",
                "--formats", "png-grey,jpeg-baseline", "--digits", "0123456789",
            ])
            defer { try? FileManager.default.removeItem(at: folder) }
            let result = try Support.classify(paths)
            #expect(result.status == 0)
            let predicted = result.lines.compactMap { Support.parse($0)?.classes.first?.0 }
            let expected = paths.map(Support.expectedDigit)
            let correct = zip(predicted, expected).filter { $0 == $1 }.count
            // Sixteen pixels square leaves a pen of a pixel and a half: allow one miss there.
            #expect(correct >= (width == 16 ? 19 : 20), "\(width)x\(height): \(result.output)")
        }
    }

    @Test func renderDigitsIsDeterministic() throws {
        let a = try Support.render(["--seed", "5", "--digits", "38", "--formats", "all"])
        let b = try Support.render(["--seed", "5", "--digits", "38", "--formats", "all"])
        let c = try Support.render(["--seed", "6", "--digits", "38", "--formats", "all"])
        defer {
            for folder in [a.folder, b.folder, c.folder] {
                try? FileManager.default.removeItem(at: folder)
            }
        }
        var differing = 0
        for ((pathA, pathB), pathC) in zip(zip(a.paths, b.paths), c.paths) {
            let bytesA = try Data(contentsOf: URL(fileURLWithPath: pathA))
            #expect(bytesA == (try Data(contentsOf: URL(fileURLWithPath: pathB))))
            if bytesA != (try Data(contentsOf: URL(fileURLWithPath: pathC))) { differing += 1 }
        }
        #expect(a.paths.count == 30 && differing == 30)
    }
}
