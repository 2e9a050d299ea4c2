import TensorMath
import Testing

@Suite struct ShapeTests {
    let x = try! Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])

    @Test func reshapedInfersOneDimension() throws {
        let y = try x.reshaped(to: [3, -1])
        #expect(y.shape == [3, 2] && y.scalars == x.scalars)
        #expect(try x.reshaped(to: [6]).shape == [6])
        #expect(try Tensor.zeros([0, 3]).reshaped(to: [3, 0]).shape == [3, 0])
        let mismatch = TensorError.shapeMismatch(operation: "reshaped(to:)", lhs: [2, 3], rhs: [4])
        #expect(throws: mismatch) { try x.reshaped(to: [4]) }
        #expect(throws: TensorError.self) { try x.reshaped(to: [-1, -1]) }
        #expect(throws: TensorError.self) { try x.reshaped(to: [4, -1]) }
        #expect(throws: TensorError.self) { try x.reshaped(to: [-2, -3]) }
        #expect(throws: TensorError.self) { try Tensor.zeros([0, 3]).reshaped(to: [0, -1]) }
    }

    @Test func flattenedMergesTrailingAxes() throws {
        let t = try Tensor.zeros([2, 3, 4, 5])
        #expect(try t.flattened().shape == [2, 60])
        #expect(try t.flattened(startAxis: 0).shape == [120])
        #expect(try t.flattened(startAxis: -2).shape == [2, 3, 20])
        #expect(try Tensor(scalar: 7).flattened(startAxis: 0).shape == [1])
        #expect(throws: TensorError.self) { try t.flattened(startAxis: 4) }
        #expect(throws: TensorError.self) { try t.flattened(startAxis: -5) }
    }

    @Test func transposedSwapsRowsAndColumns() throws {
        #expect(try x.transposed() == Tensor(shape: [3, 2], scalars: [1, 4, 2, 5, 3, 6]))
        // Larger than one 32x32 tile, with ragged edges.
        let big = try Tensor(shape: [70, 45], scalars: (0..<3150).map(Float.init))
        let t = try big.transposed()
        #expect(t.shape == [45, 70])
        #expect(t[44, 69] == big[69, 44] && t[13, 40] == big[40, 13] && t[0, 1] == big[1, 0])
        #expect(try t.transposed() == big)
        #expect(throws: TensorError.self) { try Tensor.zeros([2, 2, 2]).transposed() }
    }

    @Test func permutedReordersAxes() throws {
        let t = try Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Float.init))
        let p = try t.permuted([2, 0, 1])
        #expect(p.shape == [4, 2, 3])
        for i in 0..<2 {
            for j in 0..<3 {
                for k in 0..<4 { #expect(p[k, i, j] == t[i, j, k]) }
            }
        }
        #expect(try t.permuted([-1, 0, 1]) == p)
        #expect(try t.permuted([0, 1, 2]) == t)
        #expect(try x.permuted([1, 0]) == (try x.transposed()))
        // NCHW to NHWC and back.
        let image = try Tensor(shape: [2, 3, 4, 5], scalars: (0..<120).map(Float.init))
        let nhwc = try image.permuted([0, 2, 3, 1])
        #expect(nhwc[1, 3, 4, 2] == image[1, 2, 3, 4])
        #expect(try nhwc.permuted([0, 3, 1, 2]) == image)
        #expect(throws: TensorError.self) { try t.permuted([0, 0, 1]) }
        #expect(throws: TensorError.self) { try t.permuted([0, 1]) }
        #expect(throws: TensorError.self) { try t.permuted([0, 1, 3]) }
    }

    @Test func sliceAndGatherAlongTheBatch() throws {
        let t = try Tensor(shape: [4, 2], scalars: [0, 1, 10, 11, 20, 21, 30, 31])
        #expect(try t.slice(batch: 1..<3) == Tensor(shape: [2, 2], scalars: [10, 11, 20, 21]))
        #expect(try t.slice(batch: 4..<4).shape == [0, 2])
        #expect(
            try t.gathering(batch: [3, 0, 3])
                == Tensor(
                    shape: [3, 2], scalars: [30, 31, 0, 1, 30, 31]))
        #expect(try t.gathering(batch: []).shape == [0, 2])
        #expect(throws: TensorError.self) { try t.slice(batch: 2..<5) }
        #expect(throws: TensorError.self) { try t.gathering(batch: [0, 4]) }
        #expect(throws: TensorError.self) { try t.gathering(batch: [-1]) }
        #expect(throws: TensorError.self) { try Tensor(scalar: 1).slice(batch: 0..<1) }
    }

    @Test func concatenateAndStack() throws {
        let a = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        let b = try Tensor(shape: [2, 1], scalars: [5, 6])
        #expect(
            try Tensor.concatenate([a, b], axis: -1)
                == Tensor(shape: [2, 3], scalars: [1, 2, 5, 3, 4, 6]))
        #expect(
            try Tensor.concatenate([a, a])
                == Tensor(
                    shape: [4, 2], scalars: [1, 2, 3, 4, 1, 2, 3, 4]))
        #expect(try Tensor.concatenate([a, Tensor.zeros([0, 2])], axis: 0) == a)
        let mismatch = TensorError.shapeMismatch(
            operation: "concatenate", lhs: [2, 2], rhs: [2, 1])
        #expect(throws: mismatch) { try Tensor.concatenate([a, b], axis: 0) }
        #expect(throws: TensorError.self) { try Tensor.concatenate([], axis: 0) }
        #expect(throws: TensorError.self) { try Tensor.concatenate([a, b], axis: 2) }

        let s = try Tensor.stack([Tensor([1, 2]), Tensor([3, 4]), Tensor([5, 6])])
        #expect(s == (try Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])))
        #expect(throws: TensorError.shapeMismatch(operation: "stack", lhs: [2], rhs: [3])) {
            try Tensor.stack([Tensor([1, 2]), Tensor([1, 2, 3])])
        }
    }

    @Test func paddedLikeNumpyConstantMode() throws {
        // numpy.pad([[1,2,3],[4,5,6]], ((1,0),(0,2)), constant_values=9)
        let p = try x.padded([(1, 0), (0, 2)], value: 9)
        #expect(
            p
                == (try Tensor(
                    shape: [3, 5],
                    scalars: [
                        9, 9, 9, 9, 9,
                        1, 2, 3, 9, 9,
                        4, 5, 6, 9, 9,
                    ])))
        let image = try Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        let q = try image.padded2D(Size2D(1, 0))
        #expect(q == (try Tensor(shape: [1, 1, 4, 2], scalars: [0, 0, 1, 2, 3, 4, 0, 0])))
        #expect(try image.padded2D(1).shape == [1, 1, 4, 4])
        #expect(try image.padded2D(1)[0, 0, 2, 2] == 4)
        #expect(
            try Tensor.zeros([0, 2]).padded([(1, 1), (0, 0)], value: 3).scalars == [3, 3, 3, 3])
        #expect(throws: TensorError.self) { try x.padded([(1, 1)]) }
        #expect(throws: TensorError.self) { try x.padded([(0, 0), (-1, 0)]) }
        #expect(throws: TensorError.self) { try x.padded2D(1) }
    }

    @Test func indexingReadsAndWritesScalars() throws {
        var t = try Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Float.init))
        #expect(try t.scalar(at: [1, 2, 3]) == 23)
        #expect(t[1, 0, 2] == 14)
        t[1, 0, 2] = -1
        try t.setScalar(-2, at: [0, 0, 0])
        #expect(t.scalars[14] == -1 && t.scalars[0] == -2)
        #expect(Tensor(scalar: 5)[] == 5)
        #expect(throws: TensorError.self) { try t.scalar(at: [1, 3, 0]) }
        #expect(throws: TensorError.self) { try t.scalar(at: [1, 2]) }
        #expect(throws: TensorError.self) { try t.setScalar(0, at: [0, 0, -1]) }
    }
}
