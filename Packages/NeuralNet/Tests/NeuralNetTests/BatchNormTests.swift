import NeuralNet
import TensorMath
import TensorMathTesting
import Testing

/// BatchNorm1D and BatchNorm2D: PyTorch golden values for training forward/backward, running
/// statistics and inference (Tools/reference/layers_golden.py), finite differences, errors.
@Suite struct BatchNormTests {
    static let cases: [(String, () throws -> BatchNorm)] = [
        ("batchnorm2d", { try BatchNorm2D(features: 3) }),
        ("batchnorm2d_cumulative", { try BatchNorm2D(features: 2, momentum: nil) }),
        ("batchnorm1d", { try BatchNorm1D(features: 4) }),
        ("batchnorm1d_seq", { try BatchNorm1D(features: 2, momentum: 0.3, epsilon: 1e-3) }),
    ]

    func expectBuffers(_ layer: Layer, _ prefix: String) throws {
        let expected = Golden.tensors(prefixed: prefix)
        #expect(Set(expected.keys) == ["running_mean", "running_var", "num_batches_tracked"])
        for (name, buffer) in layer.namedBuffers {
            expectClose(
                buffer.value, try #require(expected[name]), tolerance: 1e-5,
                "\(prefix)\(name)")
        }
    }

    @Test func matchPyTorch() throws {
        for (name, make) in BatchNormTests.cases {
            let layer = try make()
            try layer.weight?.assign(try Golden.tensor("\(name).param.weight"))
            try layer.bias?.assign(try Golden.tensor("\(name).param.bias"))
            // Training: batch statistics, gradients through them, running statistics updated.
            try checkAgainstGolden(layer, case: name)
            try expectBuffers(layer, "\(name).step1.buffer.")
            let second = try layer.forward(try Golden.tensor("\(name).input2"))
            expectClose(second, try Golden.tensor("\(name).output2"), "\(name) second output")
            try expectBuffers(layer, "\(name).step2.buffer.")
            // Inference: running statistics, nothing updated.
            layer.setTraining(false)
            let third = try layer.forward(try Golden.tensor("\(name).input3"))
            expectClose(third, try Golden.tensor("\(name).output3"), "\(name) inference output")
            try expectBuffers(layer, "\(name).step2.buffer.")
        }
    }

    @Test func namesFollowPyTorch() throws {
        let layer = try BatchNorm2D(features: 5)
        #expect(layer.namedParameters.map(\.name) == ["weight", "bias"])
        #expect(
            layer.namedBuffers.map(\.name)
                == ["running_mean", "running_var", "num_batches_tracked"])
        #expect(layer.runningVariance.value.scalars == [1, 1, 1, 1, 1])
        #expect(layer.batchesTracked.value.shape == [])
        let plain = try BatchNorm1D(features: 3, affine: false)
        #expect(plain.namedParameters.isEmpty && plain.namedBuffers.count == 3)
    }

    @Test func finiteDifferencesInTrainingMode() throws {
        let layers: [(BatchNorm, [Int])] = [
            (try BatchNorm2D(features: 3), [3, 3, 2, 2]),
            (try BatchNorm1D(features: 4), [5, 4]),
            (try BatchNorm1D(features: 2, affine: false), [3, 2, 3]),
        ]
        for (index, (layer, shape)) in layers.enumerated() {
            var generator = Xoshiro256(seed: UInt64(20 + index))
            try layer.weight?.assign(
                try Tensor.uniform([layer.features], low: 0.5, high: 1.5, using: &generator))
            try layer.bias?.assign(try Tensor.normal([layer.features], using: &generator))
            let input = try Tensor.normal(shape, using: &generator)
            try LayerGradientCheck.check(layer, input: input, step: 1e-2, tolerance: 1e-3)
        }
    }

    /// `Sequential` runs a batch norm and the ReLU after it in one pass, forward and backward:
    /// outputs, input gradients, parameter gradients and running statistics equal, bit for
    /// bit, those of the two layers run one after the other, in training and in inference
    /// mode; planes of 15 and of 42 scalars (the sums' 16-lane loop and its remainder).
    @Test func fusedWithReLUMatchesTheTwoLayers() throws {
        var generator = Xoshiro256(seed: 31)
        let weight = try Tensor.uniform([3], low: 0.5, high: 1.5, using: &generator)
        let bias = try Tensor.normal([3], using: &generator)
        func makePair() throws -> (BatchNorm2D, ReLU) {
            let norm = try BatchNorm2D(features: 3)
            try norm.weight?.assign(weight)
            try norm.bias?.assign(bias)
            return (norm, ReLU())
        }
        let (fusedNorm, fusedReLU) = try makePair()
        let network = Sequential(fusedNorm, fusedReLU)
        let (norm, relu) = try makePair()
        for (step, shape) in [[4, 3, 5, 3], [3, 3, 6, 7], [4, 3, 5, 3]].enumerated() {
            let input = try Tensor.normal(shape, using: &generator)
            let gradient = try Tensor.normal(shape, using: &generator)
            let output = try network.forward(input)
            let expected = try relu.forward(try norm.forward(input))
            #expect(output == expected, "step \(step) output")
            #expect(output.scalars.contains(0) && output.scalars.contains { $0 > 0 })
            #expect(try network.backward(gradient) == norm.backward(relu.backward(gradient)))
            #expect(fusedNorm.weight?.gradient == norm.weight?.gradient, "step \(step)")
            #expect(fusedNorm.bias?.gradient == norm.bias?.gradient, "step \(step)")
            #expect(fusedNorm.runningMean.value == norm.runningMean.value)
            #expect(fusedNorm.runningVariance.value == norm.runningVariance.value)
        }
        network.setTraining(false)
        norm.setTraining(false)
        relu.setTraining(false)
        let input = try Tensor.normal([2, 3, 4, 4], using: &generator)
        #expect(try network.forward(input) == relu.forward(norm.forward(input)))
    }

    @Test func inferenceUsesRunningStatistics() throws {
        let layer = try BatchNorm1D(features: 1, epsilon: 1e-5)
        try layer.runningMean.assign(Tensor([2]))
        try layer.runningVariance.assign(Tensor([4]))
        layer.setTraining(false)
        let y = try layer.forward(try Tensor(shape: [2, 1], scalars: [2, 6]))
        #expect(abs(y.scalars[0]) < 1e-6 && abs(y.scalars[1] - 2) < 1e-5)
        #expect(layer.batchesTracked.value.scalar == 0)
    }

    @Test func errors() throws {
        let layer = try BatchNorm2D(features: 3)
        let channels = try #require(throws: NeuralNetError.self) {
            try layer.forward(try Tensor.zeros([2, 4, 3, 3]))
        }
        #expect("\(channels)".contains("BatchNorm2D") && "\(channels)".contains("[2, 4, 3, 3]"))
        #expect("\(channels)".contains("4 channels") && "\(channels)".contains("expects 3"))
        #expect(throws: NeuralNetError.self) { try layer.forward(try Tensor.zeros([2, 3])) }
        let single = try #require(throws: NeuralNetError.self) {
            try BatchNorm1D(features: 2).forward(try Tensor.zeros([1, 2]))
        }
        #expect("\(single)".contains("more than one value per channel"))
        #expect(throws: NeuralNetError.self) { try BatchNorm2D(features: 0) }
        #expect(throws: NeuralNetError.self) { try BatchNorm2D(features: 2, momentum: 2) }
        #expect(throws: NeuralNetError.self) { try BatchNorm2D(features: 2, epsilon: 0) }
    }
}
