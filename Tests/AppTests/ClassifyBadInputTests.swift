import Checkpoints
import Foundation
import TensorMath
import Testing

private typealias Support = ClassifyTestSupport

/// `classify` on files it cannot read: each is named on stderr, the others are still
/// classified, and the exit status is 1. Usage errors exit with 2.
@Suite struct ClassifyBadInputTests {
    /// The kinds of bad file, and how to make one from a good PNG and JPEG.
    enum BadFile: String, CaseIterable, CustomStringConvertible {
        case missing, directory, empty, text, gif, corruptPNG, truncatedPNG, truncatedJPEG
        case corruptJPEG

        var description: String { rawValue }

        /// Creates the bad file in `folder`; returns its path.
        func make(in folder: URL, png: Data, jpeg: Data) throws -> String {
            let url = folder.appendingPathComponent("bad-\(rawValue).png")
            switch self {
            case .missing:
                break
            case .directory:
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            case .empty:
                try Data().write(to: url)
            case .text:
                try Data("this is not an image\n".utf8).write(to: url)
            case .gif:
                try Data("GIF89a".utf8 + [1, 0, 1, 0, 0, 0, 0]).write(to: url)
            case .corruptPNG:
                var bytes = [UInt8](png)
                // Overwrite the middle of the file (inside IDAT): a CRC or zlib error.
                for i in (bytes.count / 2)..<(bytes.count / 2 + 16) { bytes[i] ^= 0x5A }
                try Data(bytes).write(to: url)
            case .truncatedPNG:
                try png.prefix(png.count / 2).write(to: url)
            case .truncatedJPEG:
                try jpeg.prefix(jpeg.count / 2).write(to: url)
            case .corruptJPEG:
                // A JPEG signature followed by garbage.
                try Data([0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 0x42, count: 64))
                    .write(to: url)
            }
            return url.path
        }
    }

    /// Two good samples (a 3 and a 7) and their bytes.
    private func goodSamples() throws -> (three: String, seven: String, png: Data, jpeg: Data) {
        let paths = try Support.samples.get().paths
        let three = try #require(paths.first { $0.hasSuffix("/3-png-grey.png") })
        let seven = try #require(paths.first { $0.hasSuffix("/7-jpeg-baseline.jpg") })
        return (
            three, seven, try Data(contentsOf: URL(fileURLWithPath: three)),
            try Data(contentsOf: URL(fileURLWithPath: seven))
        )
    }

    @Test(arguments: BadFile.allCases)
    func aBadFileIsNamedAndTheOthersAreStillClassified(kind: BadFile) throws {
        let good = try goodSamples()
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bad = try kind.make(in: folder, png: good.png, jpeg: good.jpeg)
        let result = try Support.classify([good.three, bad, good.seven])
        #expect(result.status == 1)
        #expect(result.error.contains(bad), "stderr: \(result.error)")
        #expect(result.error.split(separator: "\n").count == 1)
        let classified = result.lines.compactMap(Support.parse)
        #expect(classified.map(\.path) == [good.three, good.seven])
        #expect(classified.map { $0.classes.first?.0 } == ["3", "7"])
    }

    @Test func onlyBadFilesPrintNothingOnStandardOutput() throws {
        let result = try Support.classify(["/nonexistent/a.png", "/nonexistent/b.jpg"])
        #expect(result.status == 1)
        #expect(result.output.isEmpty)
        #expect(result.error.contains("/nonexistent/a.png"))
        #expect(result.error.contains("/nonexistent/b.jpg"))
    }

    @Test(arguments: [
        [String](), ["--top", "0", "x.png"], ["--top", "three", "x.png"], ["--bogus", "x.png"],
        ["--model"],
    ])
    func usageErrorsExitWithTwo(arguments: [String]) throws {
        let result = try Support.run(Support.executable("classify"), arguments)
        #expect(result.status == 2)
        #expect(result.output.isEmpty)
        #expect(result.error.lowercased().contains("usage: classify"))
    }

    @Test func helpExitsWithZero() throws {
        let result = try Support.run(Support.executable("classify"), ["--help"])
        #expect(result.status == 0)
        #expect(result.output.contains("USAGE: classify [--model <FILE>] [--top <K>] [--json]"))
    }

    @Test func aBadModelFileIsNamedAndExitsWithOne() throws {
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = folder.appendingPathComponent("notes.safetensors")
        try Data("not a model".utf8).write(to: text)
        let image = try goodSamples().three
        for model in [folder.appendingPathComponent("absent.safetensors").path, text.path] {
            let result = try Support.classify(["--model", model, image])
            #expect(result.status == 1)
            #expect(result.output.isEmpty)
            #expect(result.error.contains((model as NSString).lastPathComponent))
        }
    }

    /// A model whose scores come out NaN (a broken weight) is an error naming the model file,
    /// in text and JSON, never a trap or an empty success.
    @Test func aModelWithNonFiniteScoresIsNamedAndExitsWithOne() throws {
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bundled = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Apps/Classify/Resources/mnist.safetensors")
        let file = try SafeTensorsFile(contentsOf: bundled)
        var tensors: [String: Tensor] = [:]
        for name in file.names {
            let tensor = try file.tensor(named: name)
            tensors[name] =
                name.hasPrefix("classifier.") && name.hasSuffix(".bias")
                ? try Tensor(
                    shape: tensor.shape, scalars: .init(repeating: .nan, count: tensor.count))
                : tensor
        }
        let model = folder.appendingPathComponent("nan.safetensors")
        try SafeTensorsFile.write(tensors, description: try file.modelDescription(), to: model)
        let image = try goodSamples().three
        for json in [[], ["--json"]] {
            let result = try Support.classify(["--model", model.path] + json + [image])
            #expect(result.status == 1, "\(json)")
            #expect(result.error.contains(model.path), "\(result.error)")
            #expect(result.error.contains("not finite"), "\(result.error)")
        }
    }
}
