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
}
