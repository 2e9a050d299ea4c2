import Foundation
import ImageModels
import NeuralNet
import TensorMath
import Testing

/// FourClassNet: names and counts, PyTorch goldens for inference and for a training step
/// (FourClassNetGoldenFixture.swift, written by Tools/reference/four_class_golden.py), the
/// configuration's coding and validation.
@Suite struct FourClassNetTests {
    struct Golden: Decodable {
        var names: [String]
        var counts: [Int]
        var eval: [Float]
        var smallNames: [String]
        var smallTrain: [Float]
        var smallLoss: Float
        var smallGradientProbes: [Double]
        var smallInputProbe: Double

        enum CodingKeys: String, CodingKey {
            case names, counts, eval
            case smallNames = "small.names", smallTrain = "small.train", smallLoss = "small.loss"
            case smallGradientProbes = "small.gradient_probes"
            case smallInputProbe = "small.input_probe"
        }
    }

    static let golden: Golden? = try? JSONDecoder().decode(
        Golden.self, from: Data(FourClassNetGoldenFixture.json.utf8))

    static let input = LeNet5Tests.formulaValues(
        count: 2 * 3 * 32 * 32, index: 1000, scale: 2, offset: 0.5)

    static func model(_ configuration: FourClassNet.Configuration = .init()) throws -> Sequential {
        var generator = Xoshiro256(seed: 3)
        return try FourClassNet.makeModel(configuration, generator: &generator)
    }

    @Test func namesAndCountsMatchPyTorch() throws {
        let golden = try #require(Self.golden)
        let model = try Self.model()
        #expect(model.namedParameters.map(\.name) == golden.names)
        #expect(model.namedParameters.map(\.parameter.value.count) == golden.counts)
        #expect(model.parameterCount == 574_628)
        #expect(try model.forward(try Tensor.zeros([3, 3, 32, 32])).shape == [3, 4])
    }

    @Test func inferenceMatchesPyTorch() throws {
        let golden = try #require(Self.golden)
        let model = try Self.model()
        try CIFARResNetTests.setDeterministicState(model)
        model.setTraining(false)
        let logits = try model.forward(try Tensor(shape: [2, 3, 32, 32], scalars: Self.input))
        let error = CIFARResNetTests.maxDifference(logits.scalars, golden.eval)
        #expect(error < 2e-5, "inference logits differ by \(error)")
    }

    @Test func trainingStepMatchesPyTorch() throws {
        let golden = try #require(Self.golden)
        let model = try Self.model(.init(widths: [8, 16], convolutions: [1, 2], dropout: 0))
        #expect(model.namedParameters.map(\.name) == golden.smallNames)
        try CIFARResNetTests.setDeterministicState(model)
        model.setTraining(true)
        let logits = try model.forward(try Tensor(shape: [2, 3, 32, 32], scalars: Self.input))
        let error = CIFARResNetTests.maxDifference(logits.scalars, golden.smallTrain)
        #expect(error < 2e-5, "training logits differ by \(error)")
        let loss = try Loss.softmaxCrossEntropy(logits: logits, labels: [1, 3])
        #expect(abs(loss.value - golden.smallLoss) < 1e-5)
        let inputGradient = try model.backward(loss.gradient)
        try #require(golden.smallGradientProbes.count == model.namedParameters.count)
        for (index, (name, parameter)) in model.namedParameters.enumerated() {
            let probe = CIFARResNetTests.probe(parameter.gradient, index: 2000 + index)
            let reference = golden.smallGradientProbes[index]
            #expect(
                abs(probe - reference) < 1e-4 + 1e-3 * abs(reference),
                "\(name): gradient probe \(probe), PyTorch \(reference)")
        }
        let inputProbe = CIFARResNetTests.probe(inputGradient, index: 3000)
        #expect(
            abs(inputProbe - golden.smallInputProbe) < 1e-5 + 1e-3 * abs(golden.smallInputProbe),
            "input gradient probe \(inputProbe), PyTorch \(golden.smallInputProbe)")
    }

    @Test func configurationCodingAndValidation() throws {
        let custom = FourClassNet.Configuration(
            widths: [16, 32], convolutions: [2, 1], dropout: 0.3, classCount: 3)
        let data = try JSONEncoder().encode(custom)
        #expect(try JSONDecoder().decode(FourClassNet.Configuration.self, from: data) == custom)
        for bad in [
            FourClassNet.Configuration(widths: []),
            FourClassNet.Configuration(widths: [8, 0], convolutions: [1, 1]),
            FourClassNet.Configuration(widths: [8, 16], convolutions: [1]),
            FourClassNet.Configuration(widths: [8, 16], convolutions: [1, 0]),
        ] {
            #expect(throws: NeuralNetError.self) { try Self.model(bad) }
        }
        #expect(try Self.model(custom).forward(try Tensor.zeros([1, 3, 32, 32])).shape == [1, 3])
    }
}
