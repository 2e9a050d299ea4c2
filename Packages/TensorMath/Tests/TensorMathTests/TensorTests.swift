import TensorMath
import Testing

@Suite struct TensorTests {
    @Test func shapeAndScalarsMustAgree() throws {
        let t = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(t.rank == 2 && t.count == 6)
        #expect(throws: TensorError.self) { try Tensor(shape: [2, 2], scalars: [1, 2, 3]) }
        #expect(throws: TensorError.self) { try Tensor.zeros([2, -1]) }
    }

    @Test func rangeMatchesArange() throws {
        #expect(try Tensor.range(to: 5).scalars == [0, 1, 2, 3, 4])
        #expect(try Tensor.range(from: 1, to: 2, step: 0.25).scalars == [1, 1.25, 1.5, 1.75])
        #expect(try Tensor.range(from: 3, to: 0, step: -1).scalars == [3, 2, 1])
        #expect(throws: TensorError.self) { try Tensor.range(to: 1, step: 0) }
    }

    @Test func seededGeneratorsAreReproducible() throws {
        var a = Xoshiro256(seed: 42), b = Xoshiro256(seed: 42), c = Xoshiro256(seed: 43)
        let x = try Tensor.normal([100], using: &a)
        #expect(x == (try Tensor.normal([100], using: &b)))
        #expect(x != (try Tensor.normal([100], using: &c)))
        var restored = Xoshiro256(state: a.state)!
        #expect(restored.next() == a.next())
    }

    @Test func normalHasRequestedMoments() throws {
        var g = Xoshiro256(seed: 7)
        let x = try Tensor.normal([100_000], mean: 2, standardDeviation: 3, using: &g)
        let mean = x.scalars.reduce(0, +) / Float(x.count)
        let variance = x.scalars.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(x.count)
        #expect(abs(mean - 2) < 0.05)
        #expect(abs(variance.squareRoot() - 3) < 0.05)
    }

    @Test func kaimingUniformBoundFollowsFanIn() throws {
        var g = Xoshiro256(seed: 1)
        // fanIn = 3·5·5 = 75, bound = √2·√(3/75) ≈ 0.2828
        let w = try Tensor.kaimingUniform([6, 3, 5, 5], using: &g)
        let bound = Float(2).squareRoot() * Float(3.0 / 75.0).squareRoot()
        #expect(w.scalars.allSatisfy { abs($0) <= bound })
        #expect(w.scalars.contains { abs($0) > 0.9 * bound })
        #expect(try Tensor.fans(of: [6, 3, 5, 5]) == (75, 150))
    }
}
