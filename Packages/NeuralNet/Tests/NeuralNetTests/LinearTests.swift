import NeuralNet
import TensorMath
import Testing

/// Linear: hand-computed values, PyTorch golden values (Tools/reference/layers_golden.py),
/// finite differences, initialization and errors.
@Suite struct LinearTests {
    @Test func handComputedForwardAndBackward() throws {
        let layer = try Linear(
            weight: Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6]), bias: Tensor([0.5, -1, 2]))
        let x = try Tensor(shape: [2, 2], scalars: [1, -1, 2, 0.5])
        let y = try layer.forward(x)
        #expect(y.shape == [2, 3])
        #expect(y.scalars == [-0.5, -2, 1, 3.5, 7, 15])
        let g = try Tensor(shape: [2, 3], scalars: [1, 0, 0, 0, 1, 1])
        let dx = try layer.backward(g)
        #expect(dx.scalars == [1, 2, 8, 10])
        #expect(layer.weight.gradient.scalars == [1, -1, 2, 0.5, 2, 0.5])
        #expect(layer.bias?.gradient.scalars == [1, 1, 1])
        // Gradients accumulate over backward calls.
        _ = try layer.backward(g)
        #expect(layer.bias?.gradient.scalars == [2, 2, 2])
    }

    @Test func leadingAxesAreBatchAxes() throws {
        var generator = Xoshiro256(seed: 3)
        let layer = try Linear(inputSize: 4, outputSize: 2, generator: &generator)
        let x = try Tensor.normal([2, 3, 4], using: &generator)
        let y = try layer.forward(x)
        #expect(y.shape == [2, 3, 2])
        let flat = try layer.forward(try x.reshaped(to: [6, 4]))
        #expect(y.scalars == flat.scalars)
    }

    @Test(arguments: ["linear", "linear_nobias"])
    func matchesPyTorch(_ name: String) throws {
        let bias = name == "linear" ? try Golden.tensor("\(name).param.bias") : nil
        let layer = try Linear(weight: try Golden.tensor("\(name).param.weight"), bias: bias)
        try checkAgainstGolden(layer, case: name)
    }

    @Test(arguments: [1, 37])
    func inferenceReusesThePackedWeightBitForBit(batch: Int) throws {
        var generator = Xoshiro256(seed: 29)
        let layer = try Linear(inputSize: 300, outputSize: 70, generator: &generator)
        let x = try Tensor.normal([batch, 300], using: &generator)
        // An in-place update and an assignment each show in the next inference pass, which
        // still matches training mode (the unpacked product) bit for bit.
        try InferenceCacheCheck.expectChangesShow(
            layer, input: x,
            changes: [
                { layer.weight.value.withUnsafeMutableBufferPointer { $0[123] += 0.5 } },
                { try layer.weight.assign(try Tensor.normal([70, 300], using: &generator)) },
            ])
    }

    @Test func finiteDifferences() throws {
        var generator = Xoshiro256(seed: 11)
        let layer = try Linear(inputSize: 5, outputSize: 4, generator: &generator)
        try LayerGradientCheck.check(
            layer, input: try Tensor.normal([3, 5], using: &generator), tolerance: 1e-3)
    }

    @Test func initializationFollowsPyTorch() throws {
        var a = Xoshiro256(seed: 42), b = Xoshiro256(seed: 42)
        let first = try Linear(inputSize: 16, outputSize: 8, generator: &a)
        let second = try Linear(inputSize: 16, outputSize: 8, generator: &b)
        #expect(first.weight.value == second.weight.value)
        #expect(first.namedParameters.map(\.name) == ["weight", "bias"])
        #expect(first.weight.value.shape == [8, 16])
        #expect(first.parameterCount == 8 * 16 + 8)
        let bound: Float = 1 / 4
        let all = first.weight.value.scalars + (first.bias?.value.scalars ?? [])
        #expect(all.allSatisfy { abs($0) <= bound })
        #expect(all.max()! > 0.8 * bound && all.min()! < -0.8 * bound)
        let noBias = try Linear(inputSize: 3, outputSize: 2, bias: false, generator: &a)
        #expect(noBias.namedParameters.map(\.name) == ["weight"])
    }

    @Test func errorsNameTheShapes() throws {
        var generator = Xoshiro256(seed: 1)
        let layer = try Linear(inputSize: 4, outputSize: 2, generator: &generator)
        let error = try #require(throws: NeuralNetError.self) {
            try layer.forward(try Tensor.zeros([3, 5]))
        }
        #expect("\(error)".contains("Linear"))
        #expect("\(error)".contains("[3, 5]") && "\(error)".contains("[2, 4]"))
        layer.setTraining(false)
        _ = try layer.forward(try Tensor.zeros([1, 4]))
        #expect(throws: NeuralNetError.self) { try layer.backward(try Tensor.zeros([1, 2])) }
        #expect(throws: NeuralNetError.self) {
            try Linear(inputSize: 0, outputSize: 2, generator: &generator)
        }
        #expect(throws: NeuralNetError.self) {
            try Linear(weight: try Tensor.zeros([2, 3]), bias: Tensor([1, 2, 3]))
        }
    }
}
