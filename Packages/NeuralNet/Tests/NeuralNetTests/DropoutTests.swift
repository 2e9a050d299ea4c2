import NeuralNet
import TensorMath
import Testing

/// Dropout: mask statistics and scaling (not PyTorch's RNG), inference identity, seeding and
/// exact resume from the generator state.
@Suite struct DropoutTests {
    @Test func maskStatisticsAndScaling() throws {
        let layer = try Dropout(rate: 0.3, seed: 1)
        let input = try Tensor.ones([200, 500])
        let output = try layer.forward(input)
        let zeros = output.scalars.filter { $0 == 0 }.count
        let fraction = Double(zeros) / Double(output.count)
        // 100 000 Bernoulli(0.3) draws: standard deviation ≈ 0.0015.
        #expect(abs(fraction - 0.3) < 0.01)
        let scale = Float(1) / Float(0.7)
        #expect(output.scalars.allSatisfy { $0 == 0 || $0 == scale })
        let mean = output.scalars.reduce(0, +) / Float(output.count)
        #expect(abs(mean - 1) < 0.02)
        // Backward applies the same mask and scale.
        let gradient = try layer.backward(try Tensor(repeating: 2, shape: [200, 500]))
        #expect(gradient.scalars == output.scalars.map { $0 * 2 })
    }

    @Test func inferenceIsTheIdentity() throws {
        let layer = try Dropout(rate: 0.9, seed: 2)
        layer.setTraining(false)
        let x = Tensor([1, 2, 3])
        #expect(try layer.forward(x) == x)
        #expect(throws: NeuralNetError.self) { try layer.backward(x) }
    }

    @Test func edgeRates() throws {
        let x = Tensor([1, -2, 3, 4])
        #expect(try Dropout(rate: 0, seed: 3).forward(x) == x)
        #expect(try Dropout(rate: 1, seed: 3).forward(x).scalars == [0, 0, 0, 0])
        #expect(throws: NeuralNetError.self) { try Dropout(rate: 1.5, seed: 3) }
        #expect(throws: NeuralNetError.self) { try Dropout(rate: -0.1, seed: 3) }
    }

    @Test func seededAndResumable() throws {
        let x = try Tensor.ones([1000])
        let a = try Dropout(rate: 0.5, seed: 7), b = try Dropout(rate: 0.5, seed: 7)
        #expect(try a.forward(x) == b.forward(x))
        // Save the generator state, draw two masks, restore, and draw the second one again.
        _ = try a.forward(x)
        let saved = a.generator.state
        let next = try a.forward(x)
        let restored = try Dropout(rate: 0.5, seed: 99)
        restored.generator = try #require(Xoshiro256(state: saved))
        #expect(try restored.forward(x) == next)
        // Built from a shared generator, the seed is one draw from it.
        var g1 = Xoshiro256(seed: 5), g2 = Xoshiro256(seed: 5)
        #expect(
            try Dropout(rate: 0.5, generator: &g1).forward(x)
                == Dropout(rate: 0.5, generator: &g2).forward(x))
        #expect(g1 == g2)
    }

    @Test func finiteDifferencesWithAFixedMask() throws {
        let layer = try Dropout(rate: 0.4, seed: 8)
        let start = layer.generator
        try LayerGradientCheck.check(
            layer, input: try LayerGradientCheck.input([4, 6], seed: 3), tolerance: 1e-3,
            reset: { layer.generator = start })
    }
}
