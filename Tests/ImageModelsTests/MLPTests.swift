import Foundation
import ImageModels
import NeuralNet
import TensorMath
import Testing

/// The MLP baseline: size comparable to LeNet-5, PyTorch-style names, coding, errors.
@Suite struct MLPTests {
    @Test func sizeAndNames() throws {
        var generator = Xoshiro256(seed: 1)
        let model = try MLP.makeModel(generator: &generator)
        #expect(model.parameterCount == 61_500)
        #expect(abs(Double(model.parameterCount) / 61_706 - 1) < 0.01)
        #expect(
            model.namedParameters.map(\.name) == [
                "classifier.0.weight", "classifier.0.bias", "classifier.2.weight",
                "classifier.2.bias", "classifier.4.weight", "classifier.4.bias",
            ])
        #expect(try model.forward(try Tensor.zeros([3, 1, 28, 28])).shape == [3, 10])
        let summary = try model.summary(inputShape: [1, 28, 28])
        // 2 per weight, 1 per bias, 1 per hidden ReLU output.
        #expect(summary.flops == 2 * 61_376 + 124 + 114)
    }

    @Test func dropoutShiftsIndicesLikePyTorch() throws {
        var generator = Xoshiro256(seed: 2)
        let model = try MLP.makeModel(
            MLP.Configuration(hiddenSizes: [32], activation: .tanh, dropout: 0.5),
            generator: &generator)
        #expect(
            model.namedParameters.map(\.name) == [
                "classifier.0.weight", "classifier.0.bias", "classifier.3.weight",
                "classifier.3.bias",
            ])
        model.setTraining(false)
        let x = try Tensor.ones([1, 1, 28, 28])
        #expect(try model.forward(x) == model.forward(x))
    }

    @Test func codingAndErrors() throws {
        let configuration = MLP.Configuration(hiddenSizes: [100], dropout: 0.2)
        let data = try JSONEncoder().encode(configuration)
        #expect(try JSONDecoder().decode(MLP.Configuration.self, from: data) == configuration)
        var generator = Xoshiro256(seed: 3)
        #expect(throws: NeuralNetError.self) {
            try MLP.makeModel(MLP.Configuration(hiddenSizes: [0]), generator: &generator)
        }
        #expect(throws: NeuralNetError.self) {
            try MLP.makeModel(MLP.Configuration(dropout: 1), generator: &generator)
        }
    }
}
