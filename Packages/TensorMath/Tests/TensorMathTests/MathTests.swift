import Foundation
import TensorMath
import Testing

@Suite struct MathTests {
    let x = Tensor([0.25, 1, 4, 9])

    @Test func elementwiseFunctions() throws {
        #expect(x.sqrt().scalars == [0.5, 1, 2, 3])
        #expect(x.squared().scalars == [0.0625, 1, 16, 81])
        #expect(x.reciprocal().scalars == [4, 1, 0.25, Float(1) / 9])
        #expect(Tensor([-2, 0, 3]).abs().scalars == [2, 0, 3])
        #expect(x.pow(0.5).scalars == [0.5, 1, 2, 3])
        #expect(x.pow(2) == x.squared())
        #expect(x.pow(-1).isApproximatelyEqual(to: x.reciprocal()))
        #expect(
            Tensor([0, 1, -1]).exp().isApproximatelyEqual(
                to: Tensor([1, Float(M_E), Float(1 / M_E)])))
        let logs = Tensor([1, Float(M_E), 0]).log().scalars
        #expect(logs[0] == 0 && abs(logs[1] - 1) < 1e-6 && logs[2] == -.infinity)
        #expect(Tensor([-1]).log().scalars[0].isNaN)
        let m = try Tensor(shape: [2, 2], scalars: [1, 4, 9, 16])
        #expect(m.sqrt().shape == [2, 2])
    }

    @Test func clampedLikeTorchClamp() {
        let y = Tensor([-3, -1, 0, 2, 5, .nan]).clamped(min: -1, max: 2)
        #expect(Array(y.scalars.prefix(5)) == [-1, -1, 0, 2, 2])
        #expect(y.scalars[5].isNaN)
        // min > max: everything becomes max, as in PyTorch.
        #expect(Tensor([-5, 0, 5]).clamped(min: 1, max: 0).scalars == [0, 0, 0])
    }

    @Test func maximumAndMinimumBroadcastAndPropagateNaN() throws {
        let a = try Tensor(shape: [2, 2], scalars: [1, 5, -3, .nan])
        let b = Tensor([2, 0])
        let hi = try Tensor.maximum(a, b), lo = try Tensor.minimum(a, b)
        #expect(Array(hi.scalars.prefix(3)) == [2, 5, 2] && hi.scalars[3].isNaN)
        #expect(Array(lo.scalars.prefix(3)) == [1, 0, -3] && lo.scalars[3].isNaN)
        #expect(
            try Tensor.maximum(b, Tensor([.nan]))
                .scalars.allSatisfy { $0.isNaN })
        #expect(throws: TensorError.shapeMismatch(operation: "maximum", lhs: [2, 2], rhs: [3])) {
            try Tensor.maximum(a, Tensor([1, 2, 3]))
        }
    }

    @Test func mapFiniteAndApproximateEquality() throws {
        #expect(x.map { $0 + 1 }.scalars == [1.25, 2, 5, 10])
        #expect(x.isFinite())
        #expect(!Tensor([1, .infinity]).isFinite())
        #expect(!Tensor([.nan, 1]).isFinite())
        #expect(!Tensor([-.infinity]).isFinite())
        #expect(try Tensor.zeros([0]).isFinite())
        #expect(x.isApproximatelyEqual(to: x + 1e-6))
        #expect(!x.isApproximatelyEqual(to: x + 1e-3))
        #expect(x.isApproximatelyEqual(to: x + 1e-3, tolerance: 1e-2))
        // Relative for large values: 1e6 and 1e6 + 1 agree within 1e-5.
        #expect(Tensor([1e6]).isApproximatelyEqual(to: Tensor([1e6 + 1])))
        #expect(!x.isApproximatelyEqual(to: try x.reshaped(to: [2, 2])))
        #expect(!Tensor([.nan]).isApproximatelyEqual(to: Tensor([.nan])))
    }

    @Test func vectorizedExpIsAccurateAcrossItsRange() throws {
        // Every 0.0001 from -88 to 89 (across both ends of the vector path's range) plus random
        // values: within 2 ulp of the exact value.
        var g = Xoshiro256(seed: 11)
        let grid = (0..<1_770_000).map { Float(-88) + Float($0) * 1e-4 }
        let x = try Tensor.concatenate([
            Tensor(grid), Tensor.uniform([100_003], low: -20, high: 20, using: &g),
        ])
        let y = x.exp()
        var worstUlps: Float = 0
        for (input, output) in zip(x.scalars, y.scalars) {
            let exact = Foundation.exp(Double(input))
            guard exact < Double(Float.greatestFiniteMagnitude) else { continue }
            worstUlps = Swift.max(worstUlps, Float(abs(Double(output) - exact)) / Float(exact).ulp)
        }
        #expect(worstUlps <= 2, "worst error \(worstUlps) ulp")
        // Outside the vector path's range, and exact values, behave like the C library.
        let edges = Tensor([0, 89, 100, .infinity, -88, -100, -104, -200, -.infinity, .nan, 1])
        let e = edges.exp().scalars
        #expect(e[0] == 1 && e[1] == .infinity && e[2] == .infinity && e[3] == .infinity)
        #expect(e[4] == Foundation.expf(-88) && e[5] == Foundation.expf(-100))
        #expect(e[5] > 0 && e[6] >= 0 && e[7] == 0 && e[8] == 0 && e[9].isNaN)
        #expect(abs(e[10] - Float(M_E)) <= Float(M_E).ulp)
        // A value's result does not depend on its neighbours or its position in the tensor.
        let mixed = Tensor([0.5, -100, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]).exp().scalars
        #expect(Set([mixed[0]] + mixed[2...]).count == 1)
        #expect(Tensor([0.5]).exp().scalars[0] == mixed[0])
    }
}
