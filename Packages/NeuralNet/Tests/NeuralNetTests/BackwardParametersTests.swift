import NeuralNet
import TensorMath
import Testing

/// `backwardParameters(_:)`, the backward pass without the input gradient that `Trainer`
/// runs: every parameter gradient equals, bit for bit, the one `backward(_:)` accumulates.
@Suite struct BackwardParametersTests {
    /// Two copies of a network (same seed, so the same weights), one forward pass each on the
    /// same batch, then `backward` on one and `backwardParameters` on the other.
    private func expectSameGradients(
        _ make: (inout Xoshiro256) throws -> Layer, input shape: [Int]
    ) throws {
        var first = Xoshiro256(seed: 41), second = Xoshiro256(seed: 41)
        let full = try make(&first), parameters = try make(&second)
        var generator = Xoshiro256(seed: 42)
        let input = try Tensor.normal(shape, using: &generator)
        let output = try full.forward(input)
        #expect(try parameters.forward(input) == output)
        let gradient = try Tensor.normal(output.shape, using: &generator)
        _ = try full.backward(gradient)
        try parameters.backwardParameters(gradient)
        let expected = full.namedParameters, actual = parameters.namedParameters
        #expect(!expected.isEmpty && expected.map(\.name) == actual.map(\.name))
        for (e, a) in zip(expected, actual) {
            #expect(e.parameter.gradient.scalars.contains { $0 != 0 }, "\(e.name)")
            #expect(a.parameter.gradient == e.parameter.gradient, "\(e.name)")
        }
    }

    @Test func convolutionalNetwork() throws {
        try expectSameGradients(
            { g in
                Sequential(
                    try Conv2D(
                        inputChannels: 3, outputChannels: 4, kernelSize: 3, padding: .same,
                        generator: &g),
                    try BatchNorm2D(features: 4), ReLU(), try MaxPool2D(kernelSize: 2),
                    try Conv2D(
                        inputChannels: 4, outputChannels: 6, kernelSize: 3, padding: .same,
                        generator: &g),
                    ReLU(), Flatten(), try Linear(inputSize: 96, outputSize: 5, generator: &g))
            }, input: [3, 3, 8, 8])
    }

    /// Flatten has no parameters and is skipped; the first Linear skips `g·W`.
    @Test func multilayerPerceptron() throws {
        try expectSameGradients(
            { g in
                Sequential(
                    Flatten(), try Linear(inputSize: 48, outputSize: 7, generator: &g), ReLU(),
                    try Linear(inputSize: 7, outputSize: 3, generator: &g))
            }, input: [4, 3, 4, 4])
    }

    /// A nested Sequential whose own first layer has no parameters, and a residual block
    /// (which needs its input gradient for its shortcut, so runs its whole backward pass).
    @Test func nestedAndResidual() throws {
        try expectSameGradients(
            { g in
                Sequential(
                    Sequential(
                        ReLU(),
                        try Conv2D(
                            inputChannels: 2, outputChannels: 3, kernelSize: 3, padding: .same,
                            generator: &g)),
                    try Residual(
                        body: Sequential(
                            try Conv2D(
                                inputChannels: 3, outputChannels: 3, kernelSize: 3,
                                padding: .same, generator: &g),
                            try BatchNorm2D(features: 3))),
                    Flatten(), try Linear(inputSize: 75, outputSize: 2, generator: &g))
            }, input: [2, 2, 5, 5])
        try expectSameGradients(
            { g in
                Sequential(
                    try Residual(
                        body: try Conv2D(
                            inputChannels: 2, outputChannels: 2, kernelSize: 3, padding: .same,
                            generator: &g)),
                    Flatten(), try Linear(inputSize: 50, outputSize: 2, generator: &g))
            }, input: [2, 2, 5, 5])
    }

    /// A network without parameters has nothing to do; a layer that has not run forward
    /// still reports it.
    @Test func edgeCases() throws {
        let network = Sequential(ReLU(), Flatten())
        let output = try network.forward(try Tensor.ones([2, 3]))
        try network.backwardParameters(output)
        var generator = Xoshiro256(seed: 1)
        let conv = try Conv2D(
            inputChannels: 1, outputChannels: 1, kernelSize: 3, generator: &generator)
        #expect(throws: NeuralNetError.self) {
            try conv.backwardParameters(try Tensor.ones([1, 1, 2, 2]))
        }
        let linear = try Linear(inputSize: 2, outputSize: 2, generator: &generator)
        #expect(throws: NeuralNetError.self) {
            try linear.backwardParameters(try Tensor.ones([1, 2]))
        }
    }
}
