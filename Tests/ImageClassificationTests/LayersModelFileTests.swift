import Checkpoints
import Foundation
import ImageClassification
import ImageModels
import NeuralNet
import TensorMath
import Testing

/// A network written as layers goes into a model file and comes back from the file alone.
@Suite struct LayersModelFileTests {
    private let input = ModelDescription.Input(height: 28, width: 28, colorMode: .grayscale)
    private let preprocessing = ModelDescription.Preprocessing(
        method: .mnistCentering, mean: [0.1307], standardDeviation: [0.3081])

    private func write(_ architecture: ModelDescription.Architecture, weights: [String: Tensor])
        throws -> URL
    {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "LayersModelFileTests-\(UUID().uuidString).safetensors")
        try SafeTensorsFile.write(
            weights,
            description: ModelDescription(
                architecture: architecture, classNames: (0...9).map(String.init), input: input,
                preprocessing: preprocessing),
            to: url)
        return url
    }

    @Test func aLayersModelRoundTripsThroughItsFile() throws {
        let configuration = Layers.Configuration(
            layers: "conv 4 3x3 same, batchnorm, relu, maxpool 2, residual(conv 8 3x3 same, "
                + "batchnorm, relu, conv 8 3x3 same, batchnorm), dropout 0.2, flatten, dense 10",
            inputShape: [1, 28, 28], classCount: 10)
        let architecture = try ModelRegistry.architecture(Layers.self, configuration: configuration)
        let network = try ModelRegistry.makeModel(architecture, seed: 42)
        // Train a step's worth of batch statistics so the running buffers are not the defaults.
        var generator = Xoshiro256(seed: 8)
        let x = try Tensor.normal([4, 1, 28, 28], using: &generator)
        _ = try network.forward(x)
        let url = try write(architecture, weights: network.stateDictionary)
        defer { try? FileManager.default.removeItem(at: url) }

        let classifier = try ImageClassifier(contentsOf: url)
        #expect(classifier.modelDescription.architecture.name == "Layers")
        #expect(
            try classifier.modelDescription.architecture.configuration.decode(
                as: Layers.Configuration.self) == configuration)
        network.setTraining(false)
        #expect(
            try classifier.probabilities(forInput: x)
                == network.forward(x).softmax(alongAxis: 1))
        #expect(
            try ModelRegistry.layerSpecification(of: architecture)?.description
                == configuration.layers)
    }

    @Test func aBadSpecificationInAFileIsNamedNotBuilt() throws {
        for (layers, expected) in [
            ("conv 4 3y3, flatten, dense 10", "at character 8 ('3y3')"),
            ("conv 4 3x3, dense 10", "layer 1 (dense 10)"),
            ("flatten, dense 16777216, dense 16777216, dense 10", "refused before allocating"),
        ] {
            let architecture = try ModelRegistry.architecture(
                Layers.self, configuration: Layers.Configuration(layers: layers))
            let url = try write(architecture, weights: [:])
            defer { try? FileManager.default.removeItem(at: url) }
            do {
                _ = try ImageClassifier(contentsOf: url)
                Issue.record("\(layers) loaded")
            } catch {
                #expect("\(error)".contains(expected), "\(error)")
            }
        }
    }

    /// Every zoo network but the 1998 LeNet-5, whose trainable subsampling, partial
    /// connections and RBF outputs the specification language does not have.
    @Test func everyZooNetworkCanBeWrittenAsLayers() throws {
        for name in ModelRegistry.names {
            let specification = try ModelRegistry.layerSpecification(of: .init(name: name))
            if name == LeNet1998.architecture {
                #expect(specification == nil)
            } else {
                #expect(specification != nil, "\(name)")
            }
        }
    }
}
