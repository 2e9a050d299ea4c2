import Checkpoints
import Datasets
import Foundation
import ImageClassification
import ImageModels
import NeuralNet
import TensorMath
import Testing

/// LeNet-5 as published (`LeNet5-1998`) through a model file: written, rebuilt by
/// `ImageClassifier(file:)` from the registry with the same outputs, and drawn by `classify
/// --visualize` with C3's connection table.
@Suite struct LeNet1998ModelFileTests {
    static func description(_ configuration: LeNet1998.Configuration) throws -> ModelDescription {
        ModelDescription(
            architecture: try ModelRegistry.architecture(
                LeNet1998.self, configuration: configuration),
            classNames: (0...9).map(String.init),
            input: .init(height: 28, width: 28, colorMode: .grayscale),
            preprocessing: .init(
                method: .mnistCentering, mean: [0.1307], standardDeviation: [0.3081]))
    }

    @Test(arguments: [LeNet1998.Configuration.Output.rbf, .dense])
    func roundTripsThroughAModelFile(_ output: LeNet1998.Configuration.Output) throws {
        let configuration = LeNet1998.Configuration(output: output)
        let description = try Self.description(configuration)
        let network = try ModelRegistry.makeModel(description.architecture, seed: 21)
        #expect(network.parameterCount == (output == .rbf ? 60_000 : 60_850))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "LeNet1998ModelFileTests-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try SafeTensorsFile.write(network.stateDictionary, description: description, to: url)
        let file = try SafeTensorsFile(contentsOf: url)
        #expect(file.names.contains("classifier.2.prototypes") == (output == .rbf))
        let classifier = try ImageClassifier(file: file)
        #expect(classifier.modelDescription.architecture.name == "LeNet5-1998")
        #expect(classifier.network.parameterCount == network.parameterCount)
        var generator = Xoshiro256(seed: 4)
        let input = try Tensor.normal([3, 1, 28, 28], using: &generator)
        network.setTraining(false)
        #expect(try classifier.network.forward(input) == (try network.forward(input)))
        // A freshly built network of another seed differs, so the equality above is the file's.
        let other = try ModelRegistry.makeModel(description.architecture, seed: 22)
        other.setTraining(false)
        #expect(try other.forward(input) != (try network.forward(input)))
    }

    @Test func visualizationDrawsTheConnectionTable() throws {
        let description = try Self.description(.init())
        let classifier = try ImageClassifier(
            network: try ModelRegistry.makeModel(description.architecture, seed: 5),
            description: description, source: "lenet1998")
        var image = try Image(width: 28, height: 28, format: .grey, filledWith: 0)
        for y in 6..<22 { image[14, y, 0] = 255 }
        let pictures = try NetworkVisualization.Pictures(
            try classifier.trace(image), classifier: classifier)
        let table = try #require(pictures.connectionTables.first)
        #expect(pictures.connectionTables.count == 1)
        #expect(table.file.name == "connections-features.4.png")
        #expect(table.file.shape == [6, 16])
        #expect(table.file.summary.contains("60 of 96"))
        // 12-pixel cells with 2-pixel lines: 16 columns, 6 rows.
        #expect(table.image.width == 2 + 16 * 14 && table.image.height == 2 + 6 * 14)
        let rows = PartiallyConnectedConv2D.lenet5TableI
        for input in 0..<6 {
            for output in 0..<16 {
                let (x, y) = (2 + output * 14 + 6, 2 + input * 14 + 6)
                let dark = table.image[x, y, 0] < 128
                #expect(dark == rows[output].contains(input), "cell \(input), \(output)")
            }
        }
        let names = pictures.all.map(\.file.name)
        #expect(names.firstIndex(of: table.file.name) == 2, "\(names)")
        #expect(pictures.featureMaps.contains { $0.file.type == "Subsampling2D" })
        #expect(pictures.featureMaps.contains { $0.file.type == "PartiallyConnectedConv2D" })
        #expect(pictures.featureMaps.contains { $0.file.type == "ScaledTanh" })
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "LeNet1998ModelFileTests-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let written = try NetworkVisualization.write(
            image: image, imagePath: "stroke.png", classifier: classifier, to: folder.path)
        let png = try Image(contentsOf: folder.appendingPathComponent(table.file.name).path)
        #expect(png.width == table.image.width && png.height == table.image.height)
        #expect(written.legend.contains("connections-features.4.png"), "\(written.legend)")
        #expect(throws: ImageClassifierError.self) {
            try FeatureMapGrid.image(connectionTable: [[true], [true, false]])
        }
        #expect(throws: ImageClassifierError.self) { try FeatureMapGrid.image(connectionTable: []) }
    }
}
