import Checkpoints
import Datasets
import Foundation
import ImageClassification
import ImageModels
import NeuralNet
import TensorMath
import Testing

/// A fresh temporary file path ending in `.safetensors`.
private func temporaryModelURL() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent(
        "ImageClassificationTests-\(UUID().uuidString).safetensors")
}

private let digitClasses = (0...9).map(String.init)
private let mnistInput = ModelDescription.Input(height: 28, width: 28, colorMode: .grayscale)
private let mnistPreprocessing = ModelDescription.Preprocessing(
    method: .mnistCentering, mean: [0.1307], standardDeviation: [0.3081])

/// A batch of two random digit-sized inputs.
private func randomInput(shape: [Int] = [2, 1, 28, 28], seed: UInt64 = 5) throws -> Tensor {
    var generator = Xoshiro256(seed: seed)
    let count = shape.reduce(1, *)
    return try Tensor(
        shape: shape,
        scalars: (0..<count).map { _ in Float(generator.next() >> 40) / Float(1 << 24) - 0.5 })
}

@Suite struct ModelRegistryTests {
    @Test func knowsLeNet5AndMLPWhateverTheCase() throws {
        #expect(ModelRegistry.names.contains("LeNet5") && ModelRegistry.names.contains("MLP"))
        #expect(ModelRegistry.entry(named: "lenet5")?.name == "LeNet5")
        #expect(ModelRegistry.entry(named: "mlp")?.name == "MLP")
        let lenet = try ModelRegistry.makeModel(.init(name: "lenet5"))
        #expect(lenet.parameterCount == 61_706)
        let mlp = try ModelRegistry.makeModel(.init(name: "MLP"))
        #expect(mlp.parameterCount == 61_500)
    }

    @Test func buildsFromTheStoredConfiguration() throws {
        let architecture = try ModelRegistry.architecture(
            MLP.self, configuration: .init(inputShape: [3, 8, 8], hiddenSizes: [16], classCount: 4))
        let network = try ModelRegistry.makeModel(architecture)
        network.setTraining(false)
        #expect(try network.forward(randomInput(shape: [2, 3, 8, 8])).shape == [2, 4])
        // The same seed gives the same weights.
        let again = try ModelRegistry.makeModel(architecture)
        #expect(again.stateDictionary == network.stateDictionary)
        #expect(
            try ModelRegistry.makeModel(architecture, seed: 1).stateDictionary
                != network.stateDictionary)
    }

    @Test func refusesUnknownArchitecturesAndBadConfigurations() throws {
        #expect(
            throws: ImageClassifierError.unknownArchitecture(
                name: "resnet1000", known: ModelRegistry.names)
        ) {
            try ModelRegistry.makeModel(.init(name: "resnet1000"))
        }
        let wrongType = ModelDescription.Architecture(
            name: "LeNet5", configuration: ["classCount": "ten"] as JSONValue)
        do {
            _ = try ModelRegistry.makeModel(wrongType)
            Issue.record("a string class count was accepted")
        } catch let error as ImageClassifierError {
            #expect("\(error)".contains("classCount"))
        }
        let outOfRange = ModelDescription.Architecture(
            name: "LeNet5", configuration: ["classCount": 0] as JSONValue)
        #expect(throws: NeuralNetError.self) { try ModelRegistry.makeModel(outOfRange) }
    }
}

@Suite struct ImageClassifierTests {
    /// Builds a LeNet-5, saves it, and returns the network and the file.
    private func savedLeNet(
        classNames: [String] = digitClasses, dropping: String? = nil,
        preprocessing: ModelDescription.Preprocessing = mnistPreprocessing
    ) throws -> (Layer, URL) {
        let architecture = try ModelRegistry.architecture(LeNet5.self, configuration: .init())
        let network = try ModelRegistry.makeModel(architecture, seed: 42)
        var weights = network.stateDictionary
        if let dropping { weights[dropping] = nil }
        let url = temporaryModelURL()
        try SafeTensorsFile.write(
            weights,
            description: ModelDescription(
                architecture: architecture, classNames: classNames, input: mnistInput,
                preprocessing: preprocessing),
            to: url)
        return (network, url)
    }

    @Test func roundTripGivesTheSameOutputs() throws {
        let (network, url) = try savedLeNet()
        defer { try? FileManager.default.removeItem(at: url) }
        let classifier = try ImageClassifier(contentsOf: url)
        #expect(classifier.classNames == digitClasses)
        #expect(classifier.network.isTraining == false)
        let input = try randomInput()
        network.setTraining(false)
        let expected = try network.forward(input).softmax(alongAxis: 1)
        let probabilities = try classifier.probabilities(forInput: input)
        #expect(probabilities == expected)
        for row in 0..<2 {
            let sum = probabilities.scalars[(row * 10)..<(row * 10 + 10)].reduce(0, +)
            #expect(abs(sum - 1) < 1e-5)
        }
    }

    @Test func predictionsAreRankedWithNames() throws {
        let (_, url) = try savedLeNet()
        defer { try? FileManager.default.removeItem(at: url) }
        let classifier = try ImageClassifier(contentsOf: url)
        var image = try Image(width: 40, height: 40, format: .grey, filledWith: 255)
        for y in 5..<35 { for x in 18..<22 { image[x, y, 0] = 0 } }
        let probabilities = try classifier.probabilities(for: [image])
        let ranking = try classifier.predictions(for: [image], top: 3)[0]
        #expect(ranking.count == 3)
        #expect(ranking[0].probability >= ranking[1].probability)
        #expect(ranking[1].probability >= ranking[2].probability)
        #expect(ranking[0].probability == probabilities.scalars.max())
        #expect(ranking[0].className == digitClasses[ranking[0].classIndex])
        #expect(try classifier.predictions(for: [image], top: 50)[0].count == 10)
        #expect(throws: ImageClassifierError.self) {
            try classifier.predictions(for: [image], top: 0)
        }
    }

    @Test func loadingIsStrict() throws {
        let (_, url) = try savedLeNet(dropping: "classifier.4.bias")
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            _ = try ImageClassifier(contentsOf: url)
            Issue.record("a file without classifier.4.bias loaded")
        } catch let error as CheckpointError {
            #expect("\(error)".contains("classifier.4.bias"))
            #expect("\(error)".contains(url.lastPathComponent))
        }
    }

    @Test func classNamesMustMatchTheOutputs() throws {
        let (_, url) = try savedLeNet(classNames: ["a", "b", "c"])
        defer { try? FileManager.default.removeItem(at: url) }
        // Refused when the file is loaded, naming it.
        do {
            _ = try ImageClassifier(contentsOf: url)
            Issue.record("10 outputs were taken for 3 classes")
        } catch let error as ImageClassifierError {
            #expect("\(error)".contains("3 classes"))
            #expect("\(error)".contains(url.path))
        }
    }

    @Test func unknownPreprocessingMethodNamesTheMethodAndTheFile() throws {
        var preprocessing = mnistPreprocessing
        preprocessing.method = "center-crop"
        let (_, url) = try savedLeNet(preprocessing: preprocessing)
        defer { try? FileManager.default.removeItem(at: url) }
        let error = #expect(throws: ImageClassifierError.self) {
            try ImageClassifier(contentsOf: url)
        }
        #expect(
            error
                == .incompatibleModel(
                    path: url.path,
                    reason: #"unknown preprocessing method "center-crop" (this build knows "#
                        + "mnist-centering, resize)"))
    }

    @Test func unknownArchitectureNamesTheFile() throws {
        let url = temporaryModelURL()
        defer { try? FileManager.default.removeItem(at: url) }
        try SafeTensorsFile.write(
            ["w": try Tensor(shape: [1], scalars: [0])],
            description: ModelDescription(
                architecture: .init(name: "transformer"), classNames: digitClasses,
                input: mnistInput, preprocessing: mnistPreprocessing),
            to: url)
        do {
            _ = try ImageClassifier(contentsOf: url)
            Issue.record("an unknown architecture loaded")
        } catch let error as ImageClassifierError {
            #expect("\(error)".contains(url.lastPathComponent))
            #expect("\(error)".contains("transformer"))
        }
    }
}
