import ImageModels
import NeuralNet
import TensorMath
import TensorMathTesting
import Testing

/// Building layer specifications against input shapes: output shapes, PyTorch names,
/// parameter counts worked out by hand, shape errors naming the layer, limits, gradients.
@Suite struct LayerSpecificationBuildTests {
    typealias Spec = LayerSpecification

    private func build(_ text: String, _ shape: [Int], seed: UInt64 = 1) throws -> Sequential {
        var generator = Xoshiro256(seed: seed)
        return try Spec(parsing: text).makeModel(inputShape: shape, generator: &generator)
    }

    @Test func shapesAndNamesFollowPyTorchSequential() throws {
        let spec = try Spec(parsing: "conv 8 3x3 same, relu, maxpool 2, flatten, dense 10")
        let plan = try spec.plan(inputShape: [1, 28, 28])
        #expect(
            plan.layers.map(\.outputShape) == [
                [8, 28, 28], [8, 28, 28], [8, 14, 14], [1568], [10],
            ]
        )
        // conv: 8·1·3·3 + 8 = 80; dense: 1568·10 + 10 = 15,690.
        #expect(plan.parameterCount == 15_770)
        var generator = Xoshiro256(seed: 1)
        let model = try spec.makeModel(inputShape: [1, 28, 28], generator: &generator)
        #expect(model.parameterCount == 15_770)
        #expect(model.namedParameters.map(\.name) == ["0.weight", "0.bias", "4.weight", "4.bias"])
        #expect(try model.forward(try Tensor.zeros([2, 1, 28, 28])).shape == [2, 10])
        // Dilation and strides: (9 − 2·2 − 1) / 1 + 1 = 5; (28 + 2 − 3) / 2 + 1 = 14.
        #expect(
            try Spec(parsing: "conv 4 3x3 dilation=2").plan(inputShape: [1, 9, 9]).outputShape
                == [4, 5, 5])
        #expect(
            try Spec(parsing: "conv 4 3x3 stride=2 padding=1").plan(inputShape: [1, 28, 28])
                .outputShape == [4, 14, 14])
    }

    @Test func parameterCountsMatchHandCountedValues() throws {
        // LeNet-5: 156 + 2,416 + 48,120 + 10,164 + 850 = 61,706.
        let lenet = try build(
            "conv 6 5x5 padding=2, tanh, avgpool 2, conv 16 5x5, tanh, avgpool 2, flatten, "
                + "dense 120, tanh, dense 84, tanh, dense 10", [1, 28, 28])
        #expect(lenet.parameterCount == 61_706)
        // conv 432, bn 32; block: conv 4,608, bn 64, conv 9,216, bn 64, projection 512 + bn
        // 64; dense 330: 15,322.
        let text =
            "conv 16 3x3 same bias=no, batchnorm, relu, residual(conv 32 3x3 stride=2 padding=1 "
            + "bias=no, batchnorm, relu, conv 32 3x3 same bias=no, batchnorm), globalavgpool, "
            + "dense 10"
        let resnet = try build(text, [3, 32, 32])
        #expect(resnet.parameterCount == 15_322)
        #expect(try Spec(parsing: text).plan(inputShape: [3, 32, 32]).parameterCount == 15_322)
        let names = Set(resnet.stateDictionary.keys)
        for name in [
            "3.0.weight", "3.1.running_mean", "3.3.weight", "3.shortcut.0.weight",
            "3.shortcut.1.weight", "3.shortcut.1.running_var", "5.weight", "5.bias",
        ] {
            #expect(names.contains(name), "\(name) missing from \(names.sorted())")
        }
        #expect(try resnet.forward(try Tensor.zeros([2, 3, 32, 32])).shape == [2, 10])
        // Batch norm on flat features is 1-D; dense without bias has no bias.
        let flat = try build("flatten, dense 5 bias=no, batchnorm, sigmoid, dense 2", [6])
        #expect(flat.parameterCount == 6 * 5 + 2 * 5 + 5 * 2 + 2)
        #expect(flat.namedDescendants.contains { $0.layer is BatchNorm1D })
    }

    /// Each mistake names the layer (its parameter-name path, its text) and the shapes.
    @Test(arguments: [
        ("conv 8 3x3, dense 10", [1, 28, 28], "1", "dense 10", "put flatten"),
        ("flatten, conv 8 3x3", [1, 28, 28], "1", "conv 8 3x3", "needs maps [C, H, W]"),
        ("conv 8 30x30", [1, 28, 28], "0", "conv 8 30x30", "does not fit its input [1, 28, 28]"),
        ("conv 8 3x3 same stride=2", [1, 28, 28], "0", "conv 8 3x3 same stride=2", "stride 1"),
        ("conv 8 4x4 same", [1, 28, 28], "0", "conv 8 4x4 same", "odd kernel"),
        ("maxpool 2 padding=2", [1, 8, 8], "0", "maxpool 2 padding=2", "more than half"),
        ("flatten, globalavgpool", [1, 8, 8], "1", "globalavgpool", "needs maps"),
        (
            "conv 8 3x3 same, residual(conv 16 3x3 same) shortcut=identity", [1, 28, 28], "1",
            "residual(conv 16 3x3 same) shortcut=identity", "[8, 28, 28] into [16, 28, 28]"
        ),
        (
            "conv 8 3x3 same, residual(conv 4 3x3 same) shortcut=zeropad", [1, 28, 28], "1",
            "residual(conv 4 3x3 same) shortcut=zeropad", "cannot reduce channels"
        ),
        ("residual(flatten, dense 4)", [1, 2, 2], "0", "residual(flatten, dense 4)", "maps"),
        ("residual(conv 8 3x3 same, dense 10)", [1, 8, 8], "0.1", "dense 10", "flatten"),
        (
            "residual(conv 8 3x3 padding=4)", [1, 8, 8], "0", "residual(conv 8 3x3 padding=4)",
            "no strided 1x1 shortcut"
        ),
    ])
    func shapeErrorsNameTheLayer(
        _ text: String, _ shape: [Int], _ layer: String, _ written: String, _ reason: String
    ) throws {
        let spec = try Spec(parsing: text)
        do {
            let plan = try spec.plan(inputShape: shape)
            Issue.record("\(text) planned as \(plan.outputShape)")
        } catch let .shape(actualLayer, actualText, actualReason) as LayerSpecificationError {
            #expect(actualLayer == layer, "\(actualReason)")
            #expect(actualText == written)
            #expect(actualReason.contains(reason), "\(actualReason)")
        }
    }

    @Test func theClassCountMustBeTheOutput() throws {
        let configuration = Layers.Configuration(layers: "flatten, dense 12", classCount: 10)
        var generator = Xoshiro256(seed: 1)
        do {
            _ = try Layers.makeModel(configuration, generator: &generator)
            Issue.record("12 outputs were taken for 10 classes")
        } catch let .shape(layer, text, reason) as LayerSpecificationError {
            #expect(layer == "1" && text == "dense 12")
            #expect(reason.contains("[12]") && reason.contains("'dense 10'"), "\(reason)")
        }
        let model = try Layers.makeModel(Layers.Configuration(), generator: &generator)
        #expect(model.parameterCount == 7_850)
    }

    @Test func hugeNetworksAreRefusedBeforeAllocating() throws {
        // 2^24 channels of 28x28 maps: past the activation limit.
        #expect(throws: LayerSpecificationError.self) {
            try Spec(parsing: "conv 16777216 1x1").plan(inputShape: [1, 28, 28])
        }
        // 2^48 weights: past the parameter limit (ModelLimits), refused by the budget.
        do {
            _ = try Spec(parsing: "flatten, dense 16777216, dense 16777216")
                .plan(inputShape: [1, 28, 28])
            Issue.record("2^48 weights were planned")
        } catch let error as NeuralNetError {
            #expect("\(error)".contains("refused before allocating"))
        }
        let deep = Array(repeating: "relu", count: ModelLimits.maxLayers + 1)
            .joined(separator: ", ")
        #expect(throws: NeuralNetError.self) {
            try Spec(parsing: deep).plan(inputShape: [4])
        }
        #expect(throws: NeuralNetError.self) {
            try Spec(parsing: "flatten").plan(inputShape: [1, 5000, 5000])
        }
        #expect(throws: NeuralNetError.self) {
            try Spec(parsing: "flatten").plan(inputShape: [2, 2])
        }
    }

    /// Backward through every kind of layer agrees with central differences.
    @Test func gradientsMatchFiniteDifferences() throws {
        var generator = Xoshiro256(seed: 11)
        let model = try Spec(
            parsing: "conv 3 3x3 same, tanh, avgpool 2 stride=1, "
                + "residual(conv 3 3x3 padding=1, sigmoid, conv 4 3x3 padding=1 stride=2, "
                + "batchnorm) relu=no, sumpool 2, leakyrelu 0.3, flatten, dense 5, tanh, dense 3"
        ).makeModel(inputShape: [2, 6, 6], generator: &generator)
        let input = try Tensor.normal([3, 2, 6, 6], using: &generator)
        model.setTraining(true)
        let probe = try model.forward(input)
        #expect(probe.shape == [3, 3])
        let weights = try Tensor.normal(probe.shape, using: &generator)
        model.zeroGradients()
        _ = try model.forward(input)
        let inputGradient = try model.backward(weights)
        let numeric = try GradientCheck.numericalGradient(
            of: { GradientCheck.projection(try model.forward($0), weights) }, at: input,
            step: 1e-2)
        #expect(GradientCheck.maxRelativeError(inputGradient, numeric) < 1e-2)
        for (name, parameter) in model.namedParameters {
            let analytic = parameter.gradient
            let original = parameter.value
            let numericParameter = try GradientCheck.numericalGradient(
                of: { value in
                    try parameter.assign(value)
                    return GradientCheck.projection(try model.forward(input), weights)
                }, at: original, step: 1e-2)
            try parameter.assign(original)
            let error = GradientCheck.maxRelativeError(analytic, numericParameter)
            #expect(error < 1e-2, "\(name): max relative error \(error)")
        }
    }
}
