import ImageModels
import NeuralNet
import TensorMath
import Testing

/// The model zoo's networks as layer specifications (what `--print-layers` prints) build the
/// same networks, and variations change them where they have a place.
@Suite struct LayerSpecificationPresetTests {
    typealias Spec = LayerSpecification

    /// The preset and its specification, built from one seed: the same parameters in the same
    /// order with the same values, and the same outputs.
    private func expectSameNetwork(
        _ preset: Sequential, _ spec: Spec, inputShape: [Int], seed: UInt64,
        sameInitialization: Bool = true, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        var generator = Xoshiro256(seed: seed)
        let built = try spec.makeModel(inputShape: inputShape, generator: &generator)
        // The text round-trips too.
        #expect(try Spec(parsing: spec.description) == spec, sourceLocation: sourceLocation)
        let presetParameters = preset.namedParameters.map(\.parameter)
        let builtParameters = built.namedParameters.map(\.parameter)
        #expect(
            presetParameters.map(\.value.shape) == builtParameters.map(\.value.shape),
            sourceLocation: sourceLocation)
        #expect(preset.namedBuffers.count == built.namedBuffers.count)
        for (mine, theirs) in zip(builtParameters, presetParameters) {
            if sameInitialization {
                #expect(mine.value == theirs.value, sourceLocation: sourceLocation)
            } else {
                try mine.assign(theirs.value)
            }
        }
        preset.setTraining(false)
        built.setTraining(false)
        var inputs = Xoshiro256(seed: 99)
        let x = try Tensor.normal([2] + inputShape, using: &inputs)
        #expect(try built.forward(x) == preset.forward(x), sourceLocation: sourceLocation)
    }

    @Test func lenet5AndItsSpecificationAreTheSameNetwork() throws {
        let configurations = [
            LeNet5.Configuration(),
            LeNet5.Configuration(activation: .tanh, pooling: .average, inputSize: 32),
        ]
        for configuration in configurations {
            var generator = Xoshiro256(seed: 3)
            try expectSameNetwork(
                try LeNet5.makeModel(configuration, generator: &generator),
                configuration.layerSpecification, inputShape: configuration.inputShape, seed: 3)
        }
        #expect(
            LeNet5.Configuration().layerSpecification.description
                == "conv 6 5x5 padding=2, relu, maxpool 2, conv 16 5x5, relu, maxpool 2, flatten, "
                + "dense 120, relu, dense 84, relu, dense 10")
    }

    @Test func mlpsAndTheirSpecificationsAreTheSameNetworks() throws {
        for configuration in [
            MLP.Configuration(), MLP.Configuration(hiddenSizes: [512, 512], dropout: 0.2),
        ] {
            var generator = Xoshiro256(seed: 4)
            try expectSameNetwork(
                try MLP.makeModel(configuration, generator: &generator),
                configuration.layerSpecification, inputShape: [1, 28, 28], seed: 4)
        }
        // The tutorials' MLP: 784·512 + 512 + 512·512 + 512 + 512·10 + 10 = 669,706.
        var generator = Xoshiro256(seed: 4)
        let tutorial = try MLP.Configuration(hiddenSizes: [512, 512], dropout: 0.2)
            .layerSpecification.makeModel(inputShape: [1, 28, 28], generator: &generator)
        #expect(tutorial.parameterCount == 669_706)
    }

    @Test func theCNNsAndTheirSpecificationsAreTheSameNetworks() throws {
        let mnist = MNISTNet.Configuration(width: 4, hiddenUnits: 16)
        var generator = Xoshiro256(seed: 5)
        try expectSameNetwork(
            try MNISTNet.makeModel(mnist, generator: &generator), mnist.layerSpecification,
            inputShape: [1, 28, 28], seed: 5)
        let fourClass = FourClassNet.Configuration(
            widths: [8, 16], convolutions: [1, 2], dropout: 0.2, classCount: 3)
        generator = Xoshiro256(seed: 6)
        try expectSameNetwork(
            try FourClassNet.makeModel(fourClass, generator: &generator),
            fourClass.layerSpecification, inputShape: [3, 32, 32], seed: 6)
        for residual in [true, false] {
            let resnet = CIFARResNet.Configuration(depth: 8, residual: residual, width: 4)
            generator = Xoshiro256(seed: 7)
            try expectSameNetwork(
                try CIFARResNet.makeModel(resnet, generator: &generator),
                try #require(resnet.layerSpecification), inputShape: [3, 32, 32], seed: 7,
                sameInitialization: false)
        }
    }

    @Test func variationsChangeTheirPlaces() throws {
        let lenet = LeNet5.Configuration().layerSpecification
        let varied = try lenet.varied(
            .init(activation: .tanh, pooling: .sum, batchNorm: true), name: "lenet5")
        #expect(
            varied.description
                == "conv 6 5x5 padding=2 bias=no, batchnorm, tanh, sumpool 2, conv 16 5x5 bias=no, "
                + "batchnorm, tanh, sumpool 2, flatten, dense 120, tanh, dense 84, tanh, dense 10")
        let cnn = MNISTNet.Configuration().layerSpecification
        let plain = try cnn.varied(.init(dropout: 0.1, batchNorm: false), name: "cnn")
        #expect(!plain.layers.contains(.batchNorm))
        #expect(plain.description.hasPrefix("conv 16 3x3 same, relu, conv 16 3x3 same, relu"))
        #expect(plain.layers.filter { $0 == .dropout(rate: 0.1) }.count == 2)
        // Batch norm back on restores the preset; a change to nothing is no change.
        #expect(try plain.varied(.init(dropout: 0.25, batchNorm: true), name: "x") == cnn)
        #expect(try cnn.varied(.init(activation: .relu, batchNorm: true), name: "cnn") == cnn)
        // Residual blocks are varied inside.
        let block = try Spec(parsing: "residual(conv 4 3x3 same, relu), maxpool 2")
        #expect(
            try block.varied(.init(activation: .sigmoid, batchNorm: true), name: "x").description
                == "residual(conv 4 3x3 same bias=no, batchnorm, sigmoid), maxpool 2")
    }

    @Test(arguments: [
        (Spec.Variation(dropout: 0.3), "--dropout", "lenet5 has no dropout layer"),
        (Spec.Variation(pooling: .average), "--pooling", "no pooling layer"),
        (Spec.Variation(batchNorm: true), "--batch-norm on", "no convolution"),
    ])
    func variationsWithoutAPlaceAreRefused(
        _ variation: Spec.Variation, _ option: String, _ reason: String
    ) throws {
        let network =
            option == "--dropout"
            ? LeNet5.Configuration().layerSpecification : MLP.Configuration().layerSpecification
        do {
            _ = try network.varied(variation, name: option == "--dropout" ? "lenet5" : "mlp")
            Issue.record("\(option) was applied")
        } catch let .inapplicable(actualOption, actualReason) as LayerSpecificationError {
            #expect(actualOption == option)
            #expect(actualReason.contains(reason), "\(actualReason)")
            #expect(actualReason.contains("--layers"))
        }
        let none = try Spec(parsing: "flatten, dense 10")
        #expect(throws: LayerSpecificationError.self) {
            try none.varied(.init(activation: .tanh), name: "x")
        }
        // Batch norm off where there is none changes nothing.
        #expect(try none.varied(.init(batchNorm: false), name: "x") == none)
    }
}
