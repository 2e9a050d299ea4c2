import NeuralNet
import TensorMath
import Testing

/// Conv2D: PyTorch golden values (Tools/reference/layers_golden.py), finite differences,
/// padding, initialization and errors.
@Suite struct Conv2DTests {
    @Test(arguments: [
        ("conv_same", Size2D(1), Conv2D.Padding.same, Size2D(1)),
        ("conv_stride2", Size2D(2), .explicit(Size2D(1, 0)), Size2D(1)),
        ("conv_dilation2", Size2D(1), .explicit(2), Size2D(2)),
        ("conv_1x1_stride2", Size2D(2), .valid, Size2D(1)),
    ])
    func matchesPyTorch(_ name: String, stride: Size2D, padding: Conv2D.Padding, dilation: Size2D)
        throws
    {
        let bias = Golden.tensors["\(name).param.bias"]
        let layer = try Conv2D(
            weight: try Golden.tensor("\(name).param.weight"), bias: bias, stride: stride,
            padding: padding, dilation: dilation)
        try checkAgainstGolden(layer, case: name)
    }

    @Test func handComputedCase() throws {
        // A 2x2 kernel of ones over a 3x3 ramp sums each window.
        let layer = try Conv2D(weight: try Tensor.ones([1, 1, 2, 2]), bias: Tensor([1]))
        let x = try Tensor(shape: [1, 1, 3, 3], scalars: [0, 1, 2, 3, 4, 5, 6, 7, 8])
        let y = try layer.forward(x)
        #expect(y.shape == [1, 1, 2, 2])
        #expect(y.scalars == [9, 13, 21, 25])
    }

    @Test func finiteDifferences() throws {
        var generator = Xoshiro256(seed: 5)
        let layer = try Conv2D(
            inputChannels: 2, outputChannels: 3, kernelSize: Size2D(3, 2), stride: Size2D(2, 1),
            padding: .explicit(1), dilation: Size2D(1, 2), generator: &generator)
        try LayerGradientCheck.check(
            layer, input: try Tensor.normal([2, 2, 5, 6], using: &generator), tolerance: 1e-3)
    }

    /// `Sequential` runs a convolution and the ReLU after it in one pass (the kernels store
    /// `max(0, y)`): output, input gradient and parameter gradients equal, bit for bit, those
    /// of the two layers run one after the other.
    @Test func fusedWithReLUMatchesTheTwoLayers() throws {
        var generator = Xoshiro256(seed: 8)
        let weight = try Tensor.normal([5, 3, 3, 3], using: &generator)
        let bias = try Tensor.normal([5], using: &generator)
        let fused = try Conv2D(weight: weight, bias: bias, padding: .explicit(1))
        let network = Sequential(fused, ReLU())
        let conv = try Conv2D(weight: weight, bias: bias, padding: .explicit(1))
        let relu = ReLU()
        let input = try Tensor.normal([3, 3, 9, 11], using: &generator)
        let output = try network.forward(input)
        #expect(output == (try relu.forward(try conv.forward(input))))
        #expect(output.scalars.contains(0) && output.scalars.contains { $0 > 0 })
        let gradient = try Tensor.normal(output.shape, using: &generator)
        #expect(try network.backward(gradient) == conv.backward(relu.backward(gradient)))
        #expect(fused.weight.gradient == conv.weight.gradient)
        #expect(fused.bias?.gradient == conv.bias?.gradient)
    }

    /// In inference mode the weight is prepared once (the Winograd filter of this 3x3,
    /// 32-channel layer) and reused while it is unchanged; an in-place update and an
    /// assignment each show in the next pass, which matches training mode bit for bit.
    @Test func inferenceReusesThePreparedWeightBitForBit() throws {
        var generator = Xoshiro256(seed: 31)
        let layer = try Conv2D(
            inputChannels: 32, outputChannels: 40, kernelSize: 3, padding: .same,
            generator: &generator)
        let x = try Tensor.normal([3, 32, 9, 10], using: &generator)
        try InferenceCacheCheck.expectChangesShow(
            layer, input: x,
            changes: [
                { layer.weight.value.withUnsafeMutableBufferPointer { $0[123] += 0.5 } },
                { try layer.weight.assign(try Tensor.normal([40, 32, 3, 3], using: &generator)) },
            ])
    }

    @Test func samePaddingKeepsTheSize() throws {
        var generator = Xoshiro256(seed: 2)
        let layer = try Conv2D(
            inputChannels: 1, outputChannels: 2, kernelSize: 5, padding: .same, dilation: 2,
            generator: &generator)
        #expect(try layer.forward(try Tensor.zeros([1, 1, 9, 7])).shape == [1, 2, 9, 7])
        #expect(layer.convolution.padding == 4)
        #expect(throws: NeuralNetError.self) {
            try Conv2D(
                inputChannels: 1, outputChannels: 1, kernelSize: 3, stride: 2, padding: .same,
                generator: &generator)
        }
        #expect(throws: NeuralNetError.self) {
            try Conv2D(
                inputChannels: 1, outputChannels: 1, kernelSize: 2, padding: .same,
                generator: &generator)
        }
    }

    @Test func initializationFollowsPyTorch() throws {
        var generator = Xoshiro256(seed: 9)
        let layer = try Conv2D(
            inputChannels: 4, outputChannels: 8, kernelSize: 3, generator: &generator)
        #expect(layer.namedParameters.map(\.name) == ["weight", "bias"])
        #expect(layer.weight.value.shape == [8, 4, 3, 3])
        let bound = 1 / Float(36).squareRoot()
        #expect(layer.weight.value.scalars.allSatisfy { abs($0) <= bound })
        #expect(layer.bias!.value.scalars.allSatisfy { abs($0) <= bound })
        #expect(layer.weight.value.scalars.max()! > 0.9 * bound)
        let noBias = try Conv2D(
            inputChannels: 1, outputChannels: 1, kernelSize: 1, bias: false, generator: &generator)
        #expect(noBias.parameterCount == 1)
    }

    @Test func errorsNameBothShapes() throws {
        var generator = Xoshiro256(seed: 1)
        let layer = try Conv2D(
            inputChannels: 3, outputChannels: 4, kernelSize: 5, generator: &generator)
        let channels = try #require(throws: NeuralNetError.self) {
            try layer.forward(try Tensor.zeros([2, 1, 8, 8]))
        }
        #expect("\(channels)".contains("input has 1 channels, weight expects 3"))
        #expect("\(channels)".contains("[2, 1, 8, 8]") && "\(channels)".contains("[4, 3, 5, 5]"))
        let small = try #require(throws: NeuralNetError.self) {
            try layer.forward(try Tensor.zeros([2, 3, 4, 8]))
        }
        #expect("\(small)".contains("too small") && "\(small)".contains("[2, 3, 4, 8]"))
        let rank = try #require(throws: NeuralNetError.self) {
            try layer.forward(try Tensor.zeros([3, 8, 8]))
        }
        #expect("\(rank)".contains("rank 4") && "\(rank)".contains("[3, 8, 8]"))
        #expect(throws: NeuralNetError.self) {
            try Conv2D(
                inputChannels: 1, outputChannels: 1, kernelSize: 3, stride: 0,
                generator: &generator)
        }
    }
}
