import TensorMath
import Testing

/// `BLAS.PackedOperand`: products with a B packed in advance give the same bits as
/// `BLAS.sgemm` with the unpacked B, for every layout, size, split and thread count.
@Suite struct PackedOperandTests {
    /// `BLAS.sgemm` and the packed product of the same operands, each into a copy of `c`.
    private func both(
        m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, alpha: Float, beta: Float,
        generator: inout Xoshiro256
    ) throws -> (plain: [Float], packed: [Float]) {
        let a = try Tensor.uniform(
            transposeA ? [k, m] : [m, k], low: -1, high: 1, using: &generator)
        let b = try Tensor.uniform(
            transposeB ? [n, k] : [k, n], low: -1, high: 1, using: &generator)
        let start = try Tensor.uniform([m, n], low: -1, high: 1, using: &generator).scalars
        var plain = start
        var packed = start
        let operand = try BLAS.PackedOperand(b, transposed: transposeB)
        #expect(operand.n == n && operand.k == k)
        let lda = transposeA ? m : k
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                plain.withUnsafeMutableBufferPointer { c in
                    BLAS.sgemm(
                        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                        alpha: alpha, a: a.baseAddress!, lda: lda, b: b.baseAddress!,
                        ldb: transposeB ? k : n, beta: beta, c: c.baseAddress!, ldc: n)
                }
            }
            packed.withUnsafeMutableBufferPointer { c in
                operand.product(
                    transposeA: transposeA, m: m, alpha: alpha, a: a.baseAddress!, lda: lda,
                    beta: beta, c: c.baseAddress!, ldc: n)
            }
        }
        return (plain, packed)
    }

    @Test(arguments: [
        // One row (a layer at batch 1), a few rows, many rows; k over one block (256) and
        // not a multiple of it; n below, at and above the panel widths (16, 48), split
        // along columns (m ≤ n) or rows; few columns with more rows (computed transposed).
        (1, 128, 1568), (1, 10, 128), (3, 130, 300), (7, 500, 64), (64, 512, 700),
        (300, 200, 500), (1000, 7, 31), (129, 1, 513),
    ])
    func bitIdenticalToTheUnpackedProduct(m: Int, n: Int, k: Int) throws {
        var generator = Xoshiro256(seed: UInt64(m * 7 + n * 131 + k))
        let saved = BLAS.threadCount
        defer { BLAS.threadCount = saved }
        for threads in [1, 2, 3] {
            BLAS.threadCount = threads
            for (transposeA, transposeB) in [(false, true), (false, false), (true, true)] {
                for (alpha, beta) in [(Float(1), Float(1)), (0.5, 0), (-2, 0.25)] {
                    let (plain, packed) = try both(
                        m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
                        alpha: alpha, beta: beta, generator: &generator)
                    let differing = zip(plain, packed).filter { $0.bitPattern != $1.bitPattern }
                    #expect(
                        differing.isEmpty,
                        "\(m)x\(n)x\(k) A\(transposeA ? "ᵀ" : "") B\(transposeB ? "ᵀ" : "") alpha \(alpha) beta \(beta), \(threads) threads: \(differing.count) of \(plain.count) differ"
                    )
                }
            }
        }
    }

    @Test func keepsItsSourceAndShape() throws {
        let weight = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let packed = try BLAS.PackedOperand(weight, transposed: true)
        #expect(packed.source == weight)
        #expect(packed.transposed && packed.n == 2 && packed.k == 3)
        // x·Wᵀ for x = [1, 1, 1]: row sums.
        let x: [Float] = [1, 1, 1]
        var y: [Float] = [0, 0]
        x.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { y in
                packed.product(
                    transposeA: false, m: 1, alpha: 1, a: x.baseAddress!, lda: 3, beta: 0,
                    c: y.baseAddress!, ldc: 2)
            }
        }
        #expect(y == [6, 15])
        // Not a matrix: a TensorError naming the shape, not a trap.
        let error = #expect(throws: TensorError.self) {
            try BLAS.PackedOperand(try Tensor.zeros([2, 3, 4]), transposed: false)
        }
        #expect(error.map { "\($0)" }?.contains("[2, 3, 4]") == true)
    }
}
