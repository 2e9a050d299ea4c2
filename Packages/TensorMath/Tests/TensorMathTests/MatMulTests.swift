import TensorMath
import TensorMathTesting
import Testing

/// `op(a)·op(b)` for rank-2 scalars, in `Double`, by the textbook triple loop.
private func naiveProduct(
    _ a: [Float], _ aShape: (Int, Int), _ b: [Float], _ bShape: (Int, Int),
    transposeA: Bool, transposeB: Bool
) -> [Float] {
    let (m, k) = transposeA ? (aShape.1, aShape.0) : aShape
    let n = transposeB ? bShape.0 : bShape.1
    var c = [Float](repeating: 0, count: m * n)
    for i in 0..<m {
        for j in 0..<n {
            var sum = 0.0
            for p in 0..<k {
                let x = transposeA ? a[p * aShape.1 + i] : a[i * aShape.1 + p]
                let y = transposeB ? b[j * bShape.1 + p] : b[p * bShape.1 + j]
                sum += Double(x) * Double(y)
            }
            c[i * n + j] = Float(sum)
        }
    }
    return c
}

private func message(of error: some Error) -> String { "\(error)" }

@Suite struct MatMulTests {
    @Test func rank2ProductByHand() throws {
        // [[1, 2, 3], [4, 5, 6]]·[[7, 8], [9, 10], [11, 12]]
        let a = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = try Tensor(shape: [3, 2], scalars: [7, 8, 9, 10, 11, 12])
        let c = try Tensor.matmul(a, b)
        #expect(c.shape == [2, 2])
        #expect(c.scalars == [58, 64, 139, 154])
    }

    @Test func transposesByHand() throws {
        let a = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        // aᵀ·a = [[17, 22, 27], [22, 29, 36], [27, 36, 45]]
        let ata = try Tensor.matmul(a, a, transposeA: true)
        #expect(ata.shape == [3, 3])
        #expect(ata.scalars == [17, 22, 27, 22, 29, 36, 27, 36, 45])
        // a·aᵀ = [[14, 32], [32, 77]]
        let aat = try Tensor.matmul(a, a, transposeB: true)
        #expect(aat.shape == [2, 2])
        #expect(aat.scalars == [14, 32, 32, 77])
        // aᵀ·bᵀ with b = [[1, 0], [0, 1], [1, 1]] (3x2): bᵀ is 2x3, aᵀ is 3x2 → [3, 3]
        let b = try Tensor(shape: [3, 2], scalars: [1, 0, 0, 1, 1, 1])
        let both = try Tensor.matmul(a, b, transposeA: true, transposeB: true)
        // aᵀ = [[1, 4], [2, 5], [3, 6]]; bᵀ = [[1, 0, 1], [0, 1, 1]]
        #expect(both.scalars == [1, 4, 5, 2, 5, 7, 3, 6, 9])
    }

    @Test func batchedAndBroadcastOperands() throws {
        let a = try Tensor(shape: [2, 2, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        let b = try Tensor(shape: [2, 2, 2], scalars: [1, 0, 0, 1, 2, 0, 0, 2])
        // Batch 0: a₀·I = a₀; batch 1: a₁·2I = 2a₁.
        let c = try Tensor.matmul(a, b)
        #expect(c.shape == [2, 2, 2])
        #expect(c.scalars == [1, 2, 3, 4, 10, 12, 14, 16])
        // A rank-2 right operand broadcasts over the batch: a·[[0, 1], [1, 0]] swaps columns.
        let swap = try Tensor(shape: [2, 2], scalars: [0, 1, 1, 0])
        #expect(try Tensor.matmul(a, swap).scalars == [2, 1, 4, 3, 6, 5, 8, 7])
        // A rank-2 left operand broadcasts too: swap·b[i] swaps rows.
        #expect(try Tensor.matmul(swap, b).scalars == [0, 1, 1, 0, 0, 2, 2, 0])
        // Batched with a transposed left operand: a[i]ᵀ·I.
        let identity = try Tensor(shape: [2, 2], scalars: [1, 0, 0, 1])
        #expect(
            try Tensor.matmul(a, identity, transposeA: true).scalars
                == [1, 3, 2, 4, 5, 7, 6, 8])
    }

    @Test func randomProductsMatchTheTripleLoop() throws {
        var generator = Xoshiro256(seed: 11)
        let transposes = [(false, false), (true, false), (false, true), (true, true)]
        for (transposeA, transposeB) in transposes {
            let (m, k, n) = (37, 53, 29)
            let aShape = transposeA ? (k, m) : (m, k)
            let bShape = transposeB ? (n, k) : (k, n)
            let a = try Tensor.uniform([aShape.0, aShape.1], low: -1, high: 1, using: &generator)
            let b = try Tensor.uniform([bShape.0, bShape.1], low: -1, high: 1, using: &generator)
            let c = try Tensor.matmul(a, b, transposeA: transposeA, transposeB: transposeB)
            let expected = naiveProduct(
                a.scalars, aShape, b.scalars, bShape, transposeA: transposeA,
                transposeB: transposeB)
            #expect(c.shape == [m, n])
            expectClose(
                c.scalars, expected, tolerance: 1e-5, "transposes \(transposeA), \(transposeB)")
        }
    }

    @Test func batchedRandomProductsMatchPerBatchProducts() throws {
        var generator = Xoshiro256(seed: 12)
        let a = try Tensor.uniform([6, 9, 7], low: -1, high: 1, using: &generator)
        let b = try Tensor.uniform([6, 5, 7], low: -1, high: 1, using: &generator)
        let c = try Tensor.matmul(a, b, transposeB: true)
        #expect(c.shape == [6, 9, 5])
        for i in 0..<6 {
            let ai = Array(a.scalars[(i * 63)..<((i + 1) * 63)])
            let bi = Array(b.scalars[(i * 35)..<((i + 1) * 35)])
            let expected = naiveProduct(
                ai, (9, 7), bi, (5, 7), transposeA: false, transposeB: true)
            let product = Array(c.scalars[(i * 45)..<((i + 1) * 45)])
            expectClose(product, expected, tolerance: 1e-5, "batch \(i)")
        }
    }

    @Test func gemmAccumulatesWithAlphaAndBeta() throws {
        let a = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        let b = try Tensor(shape: [2, 2], scalars: [5, 6, 7, 8])
        var c = try Tensor(shape: [2, 2], scalars: [1, 1, 1, 1])
        // a·b = [[19, 22], [43, 50]]; c = 2·a·b + 3·c.
        try Tensor.gemm(a, b, into: &c, alpha: 2, beta: 3)
        #expect(c.scalars == [41, 47, 89, 103])
        // beta 1 accumulates, as layers do with gradients: c += aᵀ·b.
        try Tensor.gemm(a, b, into: &c, transposeA: true, beta: 1)
        // aᵀ·b = [[26, 30], [38, 44]]
        #expect(c.scalars == [67, 77, 127, 147])
        // beta 0 overwrites, even NaN.
        var dirty = try Tensor(shape: [2, 2], scalars: [.nan, .nan, .nan, .nan])
        try Tensor.gemm(a, b, into: &dirty, transposeB: true)
        // a·bᵀ = [[17, 23], [39, 53]]
        #expect(dirty.scalars == [17, 23, 39, 53])
    }

    @Test func rawSGEMMHonoursLeadingDimensions() throws {
        // A 2x2 block inside a 3x4 row-major matrix (lda 4) times a 2x2 block (ldb 3),
        // written into a 2x2 block of a 2x5 output (ldc 5).
        let a: [Float] = [1, 2, 99, 99, 3, 4, 99, 99, 99, 99, 99, 99]
        let b: [Float] = [5, 6, 99, 7, 8, 99]
        var c = [Float](repeating: -1, count: 10)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    BLAS.sgemm(
                        transposeA: false, transposeB: false, m: 2, n: 2, k: 2, alpha: 1,
                        a: a.baseAddress!, lda: 4, b: b.baseAddress!, ldb: 3, beta: 0,
                        c: c.baseAddress! + 1, ldc: 5)
                }
            }
        }
        #expect(c == [-1, 19, 22, -1, -1, -1, 43, 50, -1, -1])
    }

    @Test func emptyDimensions() throws {
        let a = try Tensor.zeros([0, 3])
        let b = try Tensor.ones([3, 2])
        #expect(try Tensor.matmul(a, b).shape == [0, 2])
        // An empty inner dimension gives zeros.
        let c = try Tensor.matmul(try Tensor.zeros([2, 0]), try Tensor.zeros([0, 3]))
        #expect(c.shape == [2, 3])
        #expect(c.scalars == [Float](repeating: 0, count: 6))
        var d = try Tensor(shape: [2, 1], scalars: [1, 2])
        try Tensor.gemm(try Tensor.zeros([2, 0]), try Tensor.zeros([0, 1]), into: &d, beta: 2)
        #expect(d.scalars == [2, 4])
    }

    @Test func mismatchesThrowNamingBothShapes() throws {
        let a = try Tensor.zeros([2, 3])
        let b = try Tensor.zeros([4, 5])
        let inner = #expect(throws: TensorError.self) { try Tensor.matmul(a, b) }
        #expect(inner.map(message)?.contains("[2, 3]") == true)
        #expect(inner.map(message)?.contains("[4, 5]") == true)
        #expect(inner.map(message)?.contains("matmul") == true)

        let rank = #expect(throws: TensorError.self) {
            try Tensor.matmul(try Tensor.zeros([3]), a)
        }
        #expect(rank.map(message)?.contains("[3]") == true)

        let batch = #expect(throws: TensorError.self) {
            try Tensor.matmul(try Tensor.zeros([2, 2, 3]), try Tensor.zeros([3, 3, 2]))
        }
        #expect(batch.map(message)?.contains("[2, 2, 3]") == true)
        #expect(batch.map(message)?.contains("[3, 3, 2]") == true)

        var c = try Tensor.zeros([2, 4])
        let output = #expect(throws: TensorError.self) {
            try Tensor.gemm(a, try Tensor.zeros([3, 5]), into: &c)
        }
        #expect(output.map(message)?.contains("[2, 4]") == true)
        #expect(throws: TensorError.self) {
            try Tensor.gemm(try Tensor.zeros([2, 2, 2]), a, into: &c)
        }
    }

    @Test func resultsDoNotDependOnTheBLASThreadCount() throws {
        var generator = Xoshiro256(seed: 13)
        let saved = BLAS.threadCount
        defer { BLAS.threadCount = saved }
        for (m, k, n) in [(300, 200, 500), (513, 257, 129), (64, 400, 120), (1000, 31, 7)] {
            let a = try Tensor.uniform([m, k], low: -1, high: 1, using: &generator)
            let b = try Tensor.uniform([n, k], low: -1, high: 1, using: &generator)
            BLAS.threadCount = 1
            #expect(BLAS.threadCount == 1)
            let single = try Tensor.matmul(a, b, transposeB: true)
            BLAS.threadCount = 2
            #expect(BLAS.threadCount == 2)
            let double = try Tensor.matmul(a, b, transposeB: true)
            let differing = zip(single.scalars, double.scalars)
                .filter { $0.bitPattern != $1.bitPattern }.count
            #expect(differing == 0, "\(m)x\(k)x\(n)")
        }
    }
}
