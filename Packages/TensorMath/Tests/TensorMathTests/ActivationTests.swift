import Foundation
import TensorMath
import TensorMathTesting
import Testing

@Suite struct ActivationTests {
    let x = Tensor([-2, -0.5, 0, 0.5, 2])

    @Test func forwardValues() {
        #expect(x.relu().scalars == [0, 0, 0, 0.5, 2])
        #expect(x.leakyRelu().scalars == [-0.02, -0.005, 0, 0.5, 2])
        #expect(x.leakyRelu(slope: 0.2).scalars == [-0.4, -0.1, 0, 0.5, 2])
        // σ(0) = 0.5, σ(2) = 0.880797, σ(−x) = 1 − σ(x)
        let s = x.sigmoid()
        #expect(
            s.isApproximatelyEqual(
                to: Tensor([0.11920292, 0.37754067, 0.5, 0.62245933, 0.88079708]), tolerance: 1e-6))
        #expect(
            x.tanh().isApproximatelyEqual(
                to: Tensor([-0.96402758, -0.46211716, 0, 0.46211716, 0.96402758]), tolerance: 1e-6))
        #expect(Tensor([.nan]).relu().scalars[0].isNaN)
    }

    @Test func reluAddingEqualsTheSumsReLUBitForBit() throws {
        var generator = Xoshiro256(seed: 11)
        let a = try Tensor.normal([3, 4, 5, 7], using: &generator)
        let b = try Tensor.normal([3, 4, 5, 7], using: &generator)
        let copyOfA = a.scalars
        var fused = a
        try fused.formReLU(adding: b)
        #expect(fused.shape == a.shape)
        #expect(fused.scalars.map(\.bitPattern) == (try a + b).relu().scalars.map(\.bitPattern))
        // `a` was not changed: its storage was shared, so the sum got its own.
        #expect(a.scalars == copyOfA)

        // NaN stays NaN, −0 + 0 and x + (−x) give +0 as the separate operations do.
        var special = Tensor([.nan, -0.0, 1, -1, 2])
        try special.formReLU(adding: Tensor([1, 0, -1, 1, -3]))
        #expect(special.scalars[0].isNaN)
        #expect(
            Array(special.scalars.dropFirst()).map(\.bitPattern)
                == [Float(0), 0, 0, 0].map(\.bitPattern))

        // Broadcast operands, as `+=` takes them; a shape that does not broadcast throws.
        var rows = try Tensor(shape: [2, 3], scalars: [-1, 0, 1, 2, -3, 4])
        try rows.formReLU(adding: Tensor([1, -1, 0]))
        #expect(rows.scalars == [0, 0, 1, 3, 0, 4])
        var small = Tensor([1, 2])
        #expect(throws: TensorError.self) { try small.formReLU(adding: Tensor([1, 2, 3])) }
    }

    @Test func sigmoidIsStableForLargeInputs() {
        let y = Tensor([-1000, -100, -88, 88, 100, 1000, .infinity, -.infinity]).sigmoid()
        #expect(y.isFinite())
        #expect(y.scalars[0] == 0 && y.scalars[5] == 1 && y.scalars[6] == 1 && y.scalars[7] == 0)
        #expect(y.scalars[1] > 0 && y.scalars[1] < 1e-40)  // a subnormal, not NaN
        #expect(y.scalars[4] == 1)
    }

    @Test func vectorizedTanhAndSigmoidAreAccurate() throws {
        // Every 0.0005 over [-50, 50]: both within 2 ulp (tanh) or 4e-7 relative (sigmoid) of
        // the Double-precision values.
        let x = Tensor((0...200_000).map { Float(-50) + Float($0) * 5e-4 })
        let t = x.tanh(), s = x.sigmoid()
        var worstTanh: Float = 0, worstSigmoid: Double = 0
        for i in 0..<x.count {
            let input = Double(x.scalars[i])
            let exact = Foundation.tanh(input)
            let ulp = exact == 0 ? Float.leastNonzeroMagnitude : Float(exact).ulp
            worstTanh = Swift.max(worstTanh, Float(abs(Double(t.scalars[i]) - exact)) / ulp)
            let logistic = 1 / (1 + Foundation.exp(-input))
            worstSigmoid = Swift.max(
                worstSigmoid, abs(Double(s.scalars[i]) - logistic) / logistic)
        }
        #expect(worstTanh <= 2, "tanh error \(worstTanh) ulp")
        #expect(worstSigmoid < 4e-7, "sigmoid relative error \(worstSigmoid)")
        let edges = Tensor([0, -0.0, 100, -100, .infinity, -.infinity, .nan, 1e-30]).tanh()
        #expect(edges.scalars[0] == 0 && edges.scalars[1] == 0 && edges.scalars[1].sign == .minus)
        #expect(edges.scalars[2] == 1 && edges.scalars[3] == -1)
        #expect(edges.scalars[4] == 1 && edges.scalars[5] == -1 && edges.scalars[6].isNaN)
        #expect(edges.scalars[7] == 1e-30)
    }

    /// Inputs away from the ReLU kink so finite differences do not straddle it.
    func sample(_ shape: [Int], seed: UInt64) throws -> Tensor {
        var g = Xoshiro256(seed: seed)
        let u = try Tensor.uniform(shape, low: -2, high: 2, using: &g)
        return u.map { $0 >= 0 ? $0 + 0.1 : $0 - 0.1 }
    }

    func checkGradient(
        _ forward: (Tensor) throws -> Tensor,
        _ backward: (Tensor, Tensor, Tensor) throws -> Tensor  // (input, output, dy)
    ) throws {
        let input = try sample([3, 4], seed: 5)
        var g = Xoshiro256(seed: 6)
        let w = try Tensor.normal([3, 4], using: &g)
        let analytic = try backward(input, try forward(input), w)
        let numeric = try GradientCheck.numericalGradient(
            of: { GradientCheck.projection(try forward($0), w) }, at: input, step: 1e-2)
        #expect(GradientCheck.maxRelativeError(analytic, numeric) < 2e-3)
        #expect(analytic.shape == input.shape)
    }

    @Test func gradientsMatchFiniteDifferences() throws {
        try checkGradient({ $0.relu() }) { x, _, dy in
            try Tensor.reluGradient(input: x, outputGradient: dy)
        }
        try checkGradient({ $0.leakyRelu(slope: 0.1) }) { x, _, dy in
            try Tensor.leakyReluGradient(input: x, outputGradient: dy, slope: 0.1)
        }
        try checkGradient({ $0.sigmoid() }) { _, y, dy in
            try Tensor.sigmoidGradient(output: y, outputGradient: dy)
        }
        try checkGradient({ $0.tanh() }) { _, y, dy in
            try Tensor.tanhGradient(output: y, outputGradient: dy)
        }
    }

    @Test func gradientValues() throws {
        let dy = Tensor([1, 1, 1, 1, 1])
        #expect(try Tensor.reluGradient(input: x, outputGradient: dy).scalars == [0, 0, 0, 1, 1])
        #expect(
            try Tensor.leakyReluGradient(input: x, outputGradient: dy).scalars
                == [0.01, 0.01, 0.01, 1, 1])
        #expect(
            try Tensor.sigmoidGradient(output: Tensor([0.5]), outputGradient: Tensor([2]))
                .scalars == [0.5])
        #expect(
            try Tensor.tanhGradient(output: Tensor([0.5]), outputGradient: Tensor([2]))
                .scalars == [1.5])
    }

    @Test func gradientShapesMustAgree() {
        #expect(throws: TensorError.shapeMismatch(operation: "reluGradient", lhs: [5], rhs: [4])) {
            try Tensor.reluGradient(input: x, outputGradient: Tensor([1, 2, 3, 4]))
        }
        #expect(throws: TensorError.self) {
            try Tensor.sigmoidGradient(output: x, outputGradient: Tensor([1]))
        }
        #expect(throws: TensorError.self) {
            try Tensor.tanhGradient(output: x, outputGradient: Tensor([1]))
        }
        #expect(throws: TensorError.self) {
            try Tensor.leakyReluGradient(input: x, outputGradient: Tensor([1]))
        }
    }
}
