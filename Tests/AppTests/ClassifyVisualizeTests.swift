import Checkpoints
import Datasets
import Foundation
import ImageClassification
import NeuralNet
import TensorMath
import Testing

/// `classify --visualize DIR IMAGE` with the bundled model on a rendered digit (the files,
/// their sizes and the legend), with `--json`, and its bad inputs; `NetworkVisualization` on
/// a hand-built colour network with a residual block.
@Suite struct ClassifyVisualizeTests {
    typealias Support = ClassifyTestSupport

    /// A rendered 7 (grey PNG).
    static func seven() throws -> String {
        let paths = try Support.samples.get().paths
        return try #require(paths.first { $0.hasSuffix("7-png-grey.png") })
    }

    /// The size of a grid of `count` tiles of `side × side` values enlarged `scale` times.
    static func grid(_ count: Int, side: Int, scale: Int) -> [Int] {
        let layout = FeatureMapGrid.layout(
            count: count, tileWidth: side * scale, tileHeight: side * scale)
        return [layout.width, layout.height]
    }

    @Test func bundledModelWritesEveryLayerAndTheLegend() throws {
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("nested/layers")
        let image = try Self.seven()
        let run = try Support.classify(["--visualize", output.path, image])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.lines.first?.hasPrefix("\(image): 7 (") == true, "\(run.output)")
        #expect(run.lines.last == "wrote 12 pictures and legend.txt to \(output.path)")

        // The bundled cnn: conv-bn-relu twice, max pool, twice more with 32 channels, pool.
        let expected: [(String, [Int])] = [
            ("00-input.png", [28 * 3, 28 * 3]),
            ("filters-features.0.png", Self.grid(16, side: 3, scale: 16)),
            ("01-features.0-conv2d-feature-maps.png", Self.grid(16, side: 28, scale: 3)),
            ("02-features.2-relu-feature-maps.png", Self.grid(16, side: 28, scale: 3)),
            ("03-features.3-conv2d-feature-maps.png", Self.grid(16, side: 28, scale: 3)),
            ("04-features.5-relu-feature-maps.png", Self.grid(16, side: 28, scale: 3)),
            ("05-features.6-maxpool2d-feature-maps.png", Self.grid(16, side: 14, scale: 5)),
            ("06-features.7-conv2d-feature-maps.png", Self.grid(32, side: 14, scale: 5)),
            ("07-features.9-relu-feature-maps.png", Self.grid(32, side: 14, scale: 5)),
            ("08-features.10-conv2d-feature-maps.png", Self.grid(32, side: 14, scale: 5)),
            ("09-features.12-relu-feature-maps.png", Self.grid(32, side: 14, scale: 5)),
            ("10-features.13-maxpool2d-feature-maps.png", Self.grid(32, side: 7, scale: 10)),
        ]
        let written = try FileManager.default.contentsOfDirectory(atPath: output.path)
        #expect(Set(written) == Set(expected.map(\.0) + ["legend.txt"]))
        for (name, size) in expected {
            let picture = try Image(contentsOf: output.appendingPathComponent(name).path)
            #expect([picture.width, picture.height] == size, "\(name)")
        }
        #expect([346, 346] == Self.grid(16, side: 28, scale: 3), "4x4 tiles of 84 px, 2 px gaps")

        // The input is the MNIST-style digit: light ink on black, enlarged 3x.
        let input = try Image(contentsOf: output.appendingPathComponent("00-input.png").path)
        #expect(input.format == .grey)
        #expect(input.pixels.max() == 255 && input.pixels.min() == 0)
        let ink = input.pixels.filter { $0 > 128 }.count
        #expect(ink > 84 * 84 / 20 && ink < 84 * 84 / 2, "\(ink) ink pixels")
        // Feature maps are grey tiles with steel-blue gaps: both appear.
        let maps = try Image(
            contentsOf: output.appendingPathComponent("02-features.2-relu-feature-maps.png").path)
        let gap = FeatureMapGrid.gapColor
        #expect(maps.format == .rgb)
        #expect([maps[0, 0, 0], maps[0, 0, 1], maps[0, 0, 2]] == [gap.red, gap.green, gap.blue])
        #expect(maps.pixels.contains(255), "each tile reaches white")

        let legend = try String(
            contentsOf: output.appendingPathComponent("legend.txt"), encoding: .utf8)
        #expect(legend.contains("prediction: 7 ("))
        #expect(legend.contains("image:      \(image)"))
        for (name, _) in expected { #expect(legend.contains(name), "\(name) in the legend") }
        #expect(legend.contains("[16,28,28]") && legend.contains("[32,7,7]"))
        #expect(legend.contains("[16,1,3,3]"), "the filters' shape")
        #expect(legend.contains("after the ReLU") && legend.contains("after max pooling"))
    }

    @Test func jsonStaysParseableAndTheNoteGoesToStandardError() throws {
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try Support.classify(["--json", "--visualize", folder.path, try Self.seven()])
        #expect(run.status == 0, "\(run.error)")
        let array = try #require(
            try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [[String: Any]])
        #expect(array.first?["class"] as? String == "7")
        #expect(run.error.contains("wrote 12 pictures"))
    }

    @Test func badInputsAreClearErrors() throws {
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out").path
        let seven = try Self.seven()

        // Usage errors: exit 2.
        let two = try Support.classify(["--visualize", output, seven, seven])
        #expect(two.status == 2)
        #expect(two.error.contains("--visualize takes exactly one IMAGE"), "\(two.error)")
        let none = try Support.classify(["--visualize", output])
        #expect(none.status == 2)

        // A missing or corrupt image: exit 1, naming the file; nothing is written.
        let missing = folder.appendingPathComponent("missing.png").path
        let gone = try Support.classify(["--visualize", output, missing])
        #expect(gone.status == 1)
        #expect(gone.error.contains(missing), "\(gone.error)")
        let corrupt = folder.appendingPathComponent("corrupt.png")
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]).write(to: corrupt)
        let broken = try Support.classify(["--visualize", output, corrupt.path])
        #expect(broken.status == 1)
        #expect(broken.error.contains(corrupt.path), "\(broken.error)")
        #expect(!FileManager.default.fileExists(atPath: output))

        // DIR is a file: exit 1, naming it.
        let file = folder.appendingPathComponent("file")
        try Data("x".utf8).write(to: file)
        let notFolder = try Support.classify(["--visualize", file.path, seven])
        #expect(notFolder.status == 1)
        #expect(notFolder.error.contains(file.path), "\(notFolder.error)")
        #expect(notFolder.output.contains(": 7 ("), "the image is still classified")
    }

    /// A colour network: conv 3→4 (3x3), ReLU, a residual block, max pool, global pooling and
    /// a linear layer over 3 classes.
    static func colourClassifier() throws -> ImageClassifier {
        var g = Xoshiro256(seed: 4)
        let block = try Residual.basicBlock(inputChannels: 4, outputChannels: 4, generator: &g)
        let network = Sequential(
            try Conv2D(
                inputChannels: 3, outputChannels: 4, kernelSize: 3, padding: .same,
                generator: &g),
            ReLU(), block, try MaxPool2D(kernelSize: 2), GlobalAvgPool2D(), Flatten(),
            try Linear(inputSize: 4, outputSize: 3, generator: &g))
        let description = ModelDescription(
            architecture: .init(name: "hand-built"), classNames: ["a", "b", "c"],
            input: .init(height: 8, width: 8, colorMode: .rgb),
            preprocessing: .init(
                method: .resize, mean: [0.5, 0.5, 0.5], standardDeviation: [0.25, 0.25, 0.25]))
        return try ImageClassifier(network: network, description: description, source: "test")
    }

    @Test func colourNetworkWithAResidualBlock() throws {
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var image = try Image(width: 20, height: 12, format: .rgb, filledWith: 30)
        for x in 0..<20 { image[x, 6, 0] = 250 }
        let result = try NetworkVisualization.write(
            image: image, imagePath: "red-line", classifier: try Self.colourClassifier(),
            to: folder.path)
        #expect(
            result.files.map(\.name) == [
                "00-input.png", "filters-0.png", "01-0-conv2d-feature-maps.png",
                "02-1-relu-feature-maps.png", "03-2.conv1-conv2d-feature-maps.png",
                "04-2.relu-relu-feature-maps.png", "05-2.conv2-conv2d-feature-maps.png",
                "06-2-residual-feature-maps.png", "07-3-maxpool2d-feature-maps.png",
            ])
        #expect(result.files[7].shape == [4, 8, 8] && result.files[8].shape == [4, 4, 4])
        #expect(["a", "b", "c"].contains(result.prediction.className))
        let filters = try Image(contentsOf: folder.appendingPathComponent("filters-0.png").path)
        #expect(filters.format == .rgb)
        #expect([filters.width, filters.height] == Self.grid(4, side: 3, scale: 16))
        let colourful = stride(from: 0, to: filters.pixels.count, by: 3).contains {
            filters.pixels[$0] != filters.pixels[$0 + 1]
                && filters.pixels[$0] != FeatureMapGrid.gapColor.red
        }
        #expect(colourful, "RGB filters are drawn in colour")
        let input = try Image(contentsOf: folder.appendingPathComponent("00-input.png").path)
        #expect(input.format == .rgb && input.width == 8 * 8)
        let legend = try String(
            contentsOf: folder.appendingPathComponent("legend.txt"), encoding: .utf8)
        #expect(legend == result.legend)
        #expect(legend.contains("out of the residual block"))
    }
}
