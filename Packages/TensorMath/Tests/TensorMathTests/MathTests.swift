import Foundation
import Testing
import TensorMath

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
        #expect(Tensor([0, 1, -1]).exp().isApproximatelyEqual(
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
        #expect(try Tensor.maximum(b, Tensor([.nan]))
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

    @Test func largeTensorsTakeTheParallelPathWithTheSameResults() throws {
        var g = Xoshiro256(seed: 11)
        let big = try Tensor.uniform([100_003], low: 0.1, high: 4, using: &g)
        let reference = big.map { Foundation.exp($0) }
        #expect(big.exp() == reference)
        #expect(big.sqrt() == big.map { $0.squareRoot() })
    }
}
