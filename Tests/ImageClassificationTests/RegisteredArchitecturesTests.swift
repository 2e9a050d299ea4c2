import ImageClassification
import ImageModels
import NeuralNet
import TensorMath
import Testing

/// Every network of the model zoo is registered and builds from its stored configuration as
/// its own builder does.
@Suite struct RegisteredArchitecturesTests {
    @Test func everyZooNetworkIsRegistered() {
        #expect(
            ModelRegistry.names == [
                "LeNet5", "MLP", "cnn", "FourClassNet", "CIFARResNet", "Layers",
            ])
    }

    @Test func fourClassNetBuildsFromItsStoredConfiguration() throws {
        let custom = FourClassNet.Configuration(
            widths: [16, 32], convolutions: [2, 1], dropout: 0.3, classCount: 3)
        let built = try ModelRegistry.makeModel(
            try ModelRegistry.architecture(FourClassNet.self, configuration: custom))
        #expect(try built.forward(try Tensor.zeros([1, 3, 32, 32])).shape == [1, 3])
    }

    @Test func cifarResNetBuildsAsItsBuilderWithTheSameSeed() throws {
        let configuration = CIFARResNet.Configuration(depth: 14, residual: false)
        let architecture = try ModelRegistry.architecture(
            CIFARResNet.self, configuration: configuration)
        let built = try ModelRegistry.makeModel(architecture, seed: 5)
        var generator = Xoshiro256(seed: 5)
        let direct = try CIFARResNet.makeModel(configuration, generator: &generator)
        #expect(built.parameterCount == direct.parameterCount)
        #expect(built.stateDictionary == direct.stateDictionary)
        #expect(
            try architecture.configuration.decode(as: CIFARResNet.Configuration.self)
                == configuration)
        let bad = try ModelRegistry.architecture(
            CIFARResNet.self, configuration: CIFARResNet.Configuration(depth: 21))
        #expect(throws: NeuralNetError.self) { try ModelRegistry.makeModel(bad) }
    }
}
