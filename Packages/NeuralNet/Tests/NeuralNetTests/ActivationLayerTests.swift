import NeuralNet
import TensorMath
import Testing

/// ReLU, LeakyReLU, Tanh, Sigmoid, Softmax and Flatten: PyTorch golden values
/// (Tools/reference/layers_golden.py), finite differences and hand-computed cases.
@Suite struct ActivationLayerTests {
    static let cases: [(String, () -> Layer)] = [
        ("relu", { ReLU() }),
        ("leakyrelu", { LeakyReLU(slope: 0.2) }),
        ("tanh", { Tanh() }),
        ("sigmoid", { Sigmoid() }),
        ("softmax", { Softmax() }),
        ("softmax_axis1", { Softmax(axis: 1) }),
        ("flatten", { Flatten() }),
    ]

    @Test func matchPyTorch() throws {
        for (name, make) in ActivationLayerTests.cases {
            try checkAgainstGolden(make(), case: name)
        }
    }

    @Test func finiteDifferences() throws {
        // Inputs at least 0.1 away from the ReLU kink at 0.
        let input = try LayerGradientCheck.input([2, 3, 4], seed: 12)
        for (_, make) in ActivationLayerTests.cases {
            try LayerGradientCheck.check(make(), input: input, tolerance: 5e-4)
        }
    }

    @Test func handComputedValues() throws {
        let x = Tensor([-2, -0.5, 0, 3])
        #expect(try ReLU().forward(x).scalars == [0, 0, 0, 3])
        #expect(try LeakyReLU(slope: 0.1).forward(x).scalars == [-0.2, -0.05, 0, 3])
        #expect(try Sigmoid().forward(x).scalars[2] == 0.5)
        #expect(try Tanh().forward(x).scalars[2] == 0)
        let p = try Softmax().forward(try Tensor(shape: [2, 2], scalars: [0, 0, 1000, 0]))
        #expect(p.scalars == [0.5, 0.5, 1, 0])
        let flat = try Flatten().forward(try Tensor.zeros([2, 3, 4, 5]))
        #expect(flat.shape == [2, 60])
        #expect(try Flatten(startAxis: 0).forward(try Tensor.zeros([2, 3])).shape == [6])
        #expect(
            try Flatten(startAxis: 1, endAxis: 2).forward(try Tensor.zeros([2, 3, 4, 5])).shape
                == [2, 12, 5])
    }

    @Test func errorsAndModes() throws {
        #expect(throws: NeuralNetError.self) { try Flatten().forward(Tensor([1, 2])) }
        #expect(throws: NeuralNetError.self) { try Softmax(axis: 2).forward(Tensor([1, 2])) }
        let relu = ReLU()
        relu.setTraining(false)
        _ = try relu.forward(Tensor([1]))
        let error = try #require(throws: NeuralNetError.self) { try relu.backward(Tensor([1])) }
        #expect("\(error)".contains("ReLU"))
        relu.setTraining(true)
        _ = try relu.forward(Tensor([1, 2]))
        #expect(throws: NeuralNetError.self) { try relu.backward(Tensor([1])) }
    }

    /// `Sequential` runs ReLU in place (`forward(inPlace:)`): the results equal the
    /// out-of-place calls, and the caller's tensors are never written (copy on write).
    @Test func inPlaceMatchesOutOfPlaceAndLeavesTheCallerAlone() throws {
        let input = try Tensor(shape: [2, 5], scalars: [-3, -1, 0, 0.5, 2, 4, -0.25, 1, -2, 3])
        let gradient = try Tensor(shape: [2, 5], scalars: (0..<10).map { Float($0) - 4.5 })
        let alone = ReLU()
        let expected = try alone.forward(input)
        let expectedGradient = try alone.backward(gradient)

        // ReLU first: the network's input is the caller's tensor, shared with `input`.
        let network = Sequential([ReLU(), ReLU()])
        #expect(try network.forward(input) == expected)
        #expect(try network.backward(gradient) == expectedGradient)
        #expect(input.scalars == [-3, -1, 0, 0.5, 2, 4, -0.25, 1, -2, 3])
        #expect(gradient.scalars == (0..<10).map { Float($0) - 4.5 })
        #expect(expectedGradient.scalars == [0, 0, 0, -1.5, -0.5, 0.5, 0, 2.5, 0, 4.5])

        var x = input
        let layer = ReLU()
        try layer.forward(inPlace: &x)
        #expect(x == expected)
        #expect(input.scalars[0] == -3)
        var g = gradient
        try layer.backward(inPlace: &g)
        #expect(g == expectedGradient)
    }
}
