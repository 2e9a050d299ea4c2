import TensorMath
import Testing

/// The NumPy-broadcast result of `op`, computed by index arithmetic.
private func naiveBroadcast(
    _ a: Tensor, _ b: Tensor, _ op: (Float, Float) -> Float
) throws -> Tensor {
    let shape = try Tensor.broadcastShape(a.shape, b.shape, operation: "test")
    let count = shape.reduce(1, *)
    func offset(_ index: [Int], in source: [Int]) -> Int {
        let lead = index.count - source.count
        var offset = 0
        for (axis, dimension) in source.enumerated() {
            offset = offset * dimension + (dimension == 1 ? 0 : index[axis + lead])
        }
        return offset
    }
    var values = [Float](repeating: 0, count: count)
    for flat in 0..<count {
        var index = [Int](repeating: 0, count: shape.count), rest = flat
        for axis in shape.indices.reversed() {
            index[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        values[flat] = op(
            a.scalars[offset(index, in: a.shape)], b.scalars[offset(index, in: b.shape)])
    }
    return try Tensor(shape: shape, scalars: values)
}

@Suite struct ArithmeticTests {
    let a = try! Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
    let b = try! Tensor(shape: [2, 2], scalars: [10, 20, 30, 40])

    @Test func equalShapes() throws {
        #expect(try (a + b).scalars == [11, 22, 33, 44])
        #expect(try (a - b).scalars == [-9, -18, -27, -36])
        #expect(try (a * b).scalars == [10, 40, 90, 160])
        #expect(try (b / a).scalars == [10, 10, 10, 10])
        #expect(try (a + b).shape == [2, 2])
    }

    @Test func broadcastingShapes() throws {
        #expect(try Tensor.broadcastShape([2, 1, 3], [4, 1], operation: "add") == [2, 4, 3])
        #expect(try Tensor.broadcastShape([], [3], operation: "add") == [3])
        #expect(try Tensor.broadcastShape([0, 1], [1, 5], operation: "add") == [0, 5])
        #expect(throws: TensorError.shapeMismatch(operation: "add", lhs: [2, 3], rhs: [4])) {
            try Tensor.broadcastShape([2, 3], [4], operation: "add")
        }
    }

    @Test func addBroadcastsLikeNumpy() throws {
        // [2,1,3] + [4,1] = [2,4,3]: element [i,j,k] = a[i,0,k] + b[j,0].
        let x = try Tensor(shape: [2, 1, 3], scalars: [1, 2, 3, 4, 5, 6])
        let y = try Tensor(shape: [4, 1], scalars: [10, 20, 30, 40])
        let z = try x + y
        #expect(z.shape == [2, 4, 3])
        #expect(z[0, 0, 0] == 11 && z[0, 3, 2] == 43 && z[1, 2, 1] == 35 && z[1, 0, 2] == 16)
        #expect(try y + x == z)
    }

    @Test func trailingAxisAndPerChannelBroadcasts() throws {
        let bias = Tensor([100, 200])
        #expect(try (a + bias).scalars == [101, 202, 103, 204])
        let image = try Tensor(shape: [2, 3, 2, 2], scalars: (0..<24).map(Float.init))
        let scale = try Tensor(shape: [1, 3, 1, 1], scalars: [1, 10, 100])
        let scaled = try image * scale
        #expect(scaled[1, 2, 1, 0] == image[1, 2, 1, 0] * 100)
        #expect(scaled[0, 1, 0, 1] == image[0, 1, 0, 1] * 10)
        #expect(try scaled == naiveBroadcast(image, scale, *))
        #expect(try (Tensor(scalar: 2) * a).scalars == [2, 4, 6, 8])
        #expect(try (a - Tensor([1])).scalars == [0, 1, 2, 3])
    }

    @Test func generalBroadcastsMatchIndexArithmetic() throws {
        var g = Xoshiro256(seed: 3)
        let pairs: [([Int], [Int])] = [
            ([3, 1], [1, 4]), ([5, 4, 3], [5, 1, 3]), ([2, 3, 4, 5], [3, 1, 5]),
            ([4, 1, 6], [4, 5, 1]), ([1, 7], [6, 1]), ([2, 1, 3], [4, 1]), ([3], [2, 1, 1, 3]),
            ([64, 33, 17], [33, 1]),  // large enough for the parallel path
        ]
        for (sa, sb) in pairs {
            let x = try Tensor.uniform(sa, low: 1, high: 2, using: &g)
            let y = try Tensor.uniform(sb, low: 1, high: 2, using: &g)
            #expect(try x + y == naiveBroadcast(x, y, +), "\(sa) + \(sb)")
            #expect(try x - y == naiveBroadcast(x, y, -), "\(sa) - \(sb)")
            #expect(try x * y == naiveBroadcast(x, y, *), "\(sa) * \(sb)")
            #expect(try y / x == naiveBroadcast(y, x, /), "\(sb) / \(sa)")
        }
    }

    @Test func mismatchedShapesThrowNamingBothShapes() throws {
        let x = try Tensor.zeros([2, 3]), y = try Tensor.zeros([4])
        let error = #expect(throws: TensorError.self) { try x * y }
        #expect(error == .shapeMismatch(operation: "multiply", lhs: [2, 3], rhs: [4]))
        #expect(error?.description == "multiply: shapes [2, 3] and [4] are incompatible")
        #expect(throws: TensorError.self) { try x + Tensor.zeros([3, 2]) }
        #expect(throws: TensorError.self) { try x / Tensor.zeros([2]) }
    }

    @Test func scalarOperandsAndNegation() {
        #expect((a + 1).scalars == [2, 3, 4, 5])
        #expect((a - 1).scalars == [0, 1, 2, 3])
        #expect((a * 2).scalars == [2, 4, 6, 8])
        #expect((a / 2).scalars == [0.5, 1, 1.5, 2])
        #expect((1 + a).scalars == [2, 3, 4, 5])
        #expect((10 - a).scalars == [9, 8, 7, 6])
        #expect((2 * a).scalars == [2, 4, 6, 8])
        #expect((12 / a).scalars == [12, 6, 4, 3])
        #expect((-a).scalars == [-1, -2, -3, -4])
        #expect((-a).shape == [2, 2])
    }

    @Test func compoundAssignmentBroadcastsIntoTheLeftShape() throws {
        var x = a
        try x += Tensor([1, 2])
        #expect(x.scalars == [2, 4, 4, 6])
        try x -= b
        #expect(x.scalars == [-8, -16, -26, -34])
        try x *= Tensor(shape: [2, 1], scalars: [1, -1])
        #expect(x.scalars == [-8, -16, 26, 34])
        try x /= Tensor(scalar: 2)
        #expect(x.scalars == [-4, -8, 13, 17])
        x += 1
        x -= 2
        x *= 3
        x /= -3
        #expect(x.scalars == [5, 9, -12, -16])
        // The right side may not grow the left one.
        var row = Tensor([1, 2])
        #expect(throws: TensorError.shapeMismatch(operation: "add", lhs: [2], rhs: [2, 2])) {
            try row += a
        }
        #expect(row.scalars == [1, 2])
        // Copy-on-write: the original is untouched.
        #expect(a.scalars == [1, 2, 3, 4])
    }

    @Test func broadcastAndSumBackToShape() throws {
        let x = try Tensor(shape: [2, 1, 3], scalars: [1, 2, 3, 4, 5, 6])
        let big = try x.broadcast(to: [4, 2, 2, 3])
        #expect(big.shape == [4, 2, 2, 3])
        #expect(big[3, 1, 1, 2] == 6 && big[0, 0, 1, 0] == 1)
        #expect(
            throws: TensorError.shapeMismatch(
                operation: "broadcast(to:)", lhs: [2, 1, 3], rhs: [2, 2, 2])
        ) {
            try x.broadcast(to: [2, 2, 2])
        }
        // summed(toShape:) undoes a broadcast: each entry summed 4·2 times.
        #expect(try big.summed(toShape: [2, 1, 3]) == x * 8)
        let g = try Tensor(shape: [2, 4, 3], scalars: (0..<24).map(Float.init))
        // Sum over axes 0 and 2 for an operand of shape [4, 1].
        let s = try g.summed(toShape: [4, 1])
        #expect(s.shape == [4, 1])
        // Σ over i < 2, k < 3 of (12i + 3j + k) = 42 + 18j.
        #expect(s.scalars == [42, 60, 78, 96])
        // Σ over i < 2, j < 4 of (12i + 3j + k) = 84 + 8k.
        #expect(try g.summed(toShape: [3]).scalars == [84, 92, 100])
        #expect(try g.summed(toShape: [2, 4, 3]) == g)
        #expect(throws: TensorError.self) { try g.summed(toShape: [2]) }
        #expect(throws: TensorError.self) { try g.summed(toShape: [1, 2, 4, 3]) }
    }

    @Test func emptyTensorsBroadcast() throws {
        let empty = try Tensor.zeros([0, 3])
        #expect(try (empty + Tensor([1, 2, 3])).shape == [0, 3])
        #expect((empty * 2).shape == [0, 3])
        #expect(try empty.dot(empty) == 0)
    }

    @Test func addScaledAndDot() throws {
        var x = a
        try x.addScaled(b, by: -0.5)
        #expect(x.scalars == [-4, -8, -12, -16])
        #expect(throws: TensorError.shapeMismatch(operation: "addScaled", lhs: [2, 2], rhs: [4])) {
            try x.addScaled(Tensor([1, 2, 3, 4]), by: 1)
        }
        #expect(try a.dot(b) == 300)
        #expect(try a.dot(Tensor([1, 1, 1, 1])) == 10)  // equal counts suffice
        #expect(throws: TensorError.self) { try a.dot(Tensor([1, 2])) }
        // Long dot products stay accurate: Σ 0.1·0.1 over a million elements.
        let tenths = try Tensor(repeating: 0.1, shape: [1_000_000])
        #expect(abs(try tenths.dot(tenths) - 10_000) < 0.5)
    }
}
