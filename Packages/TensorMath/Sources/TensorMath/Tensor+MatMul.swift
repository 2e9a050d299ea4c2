/// Matrix products through ``BLAS``.
extension Tensor {
    /// The matrix product `op(a)·op(b)`, where `op` transposes the last two axes when asked.
    ///
    /// - Rank 2: `[m, k]·[k, n] → [m, n]`.
    /// - Rank 3 (batched): `[b, m, k]·[b, k, n] → [b, m, n]`; a rank-2 operand broadcasts over
    ///   the batch (`[b, m, k]·[k, n]` or `[m, k]·[b, k, n]`).
    ///
    /// With `transposeA`, `a` is stored `[k, m]` (or `[b, k, m]`); with `transposeB`, `b` is
    /// stored `[n, k]` (or `[b, n, k]`).
    /// - Throws: ``TensorError`` naming both shapes when a rank is not 2 or 3, the inner
    ///   dimensions differ or the batch sizes differ.
    public static func matmul(
        _ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false
    ) throws -> Tensor {
        let operation = "Tensor.matmul"
        guard (2...3).contains(a.rank), (2...3).contains(b.rank) else {
            throw TensorError.invalidArgument(
                operation: operation,
                reason: "needs rank-2 or rank-3 operands, got shapes \(a.shape) and \(b.shape)")
        }
        let aBatch = a.rank == 3 ? a.shape[0] : nil
        let bBatch = b.rank == 3 ? b.shape[0] : nil
        if let aBatch, let bBatch, aBatch != bBatch {
            throw TensorError.invalidArgument(
                operation: operation,
                reason: "batch sizes differ: shapes \(a.shape) and \(b.shape)")
        }
        let (aRows, aColumns) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let (bRows, bColumns) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
        let (m, k) = transposeA ? (aColumns, aRows) : (aRows, aColumns)
        let (kB, n) = transposeB ? (bColumns, bRows) : (bRows, bColumns)
        guard k == kB else {
            throw TensorError.invalidArgument(
                operation: operation,
                reason: "inner dimensions differ (\(k) and \(kB)): shapes \(a.shape)"
                    + "\(transposeA ? "ᵀ" : "") and \(b.shape)\(transposeB ? "ᵀ" : "")")
        }
        try checkBLASSizes([m, n, k], operation: operation, shapes: [a.shape, b.shape])
        let batch = aBatch ?? bBatch
        let shape = batch.map { [$0, m, n] } ?? [m, n]
        let count = try elementCount(of: shape, operation: operation)
        return Tensor(uncheckedShape: shape, count: count) { out in
            a.withUnsafeBufferPointer { aBuffer in
                b.withUnsafeBufferPointer { bBuffer in
                    multiplyBatched(
                        a: aBuffer, b: bBuffer, c: out, batch: batch ?? 1,
                        aStride: aBatch == nil ? 0 : m * k, bStride: bBatch == nil ? 0 : k * n,
                        m: m, n: n, k: k, lda: aColumns, ldb: bColumns,
                        transposeA: transposeA, transposeB: transposeB)
                }
            }
        }
    }

    /// `c = alpha·op(a)·op(b) + beta·c` in place, for rank-2 tensors: `op(a)` is `[m, k]`,
    /// `op(b)` is `[k, n]` and `c` must be `[m, n]`. Layers accumulate gradients with
    /// `beta: 1`. Defaults: no transposes, `alpha` 1, `beta` 0 (overwrite `c`).
    /// - Throws: ``TensorError`` naming the three shapes when a rank is not 2 or the sizes
    ///   do not agree.
    public static func gemm(
        _ a: Tensor, _ b: Tensor, into c: inout Tensor,
        transposeA: Bool = false, transposeB: Bool = false, alpha: Float = 1, beta: Float = 0
    ) throws {
        let operation = "Tensor.gemm"
        guard a.rank == 2, b.rank == 2, c.rank == 2 else {
            throw TensorError.invalidArgument(
                operation: operation,
                reason: "needs rank-2 tensors, got shapes \(a.shape), \(b.shape) "
                    + "and output \(c.shape)")
        }
        let (m, k) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let (kB, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        guard k == kB, c.shape == [m, n] else {
            throw TensorError.invalidArgument(
                operation: operation,
                reason: "shapes \(a.shape)\(transposeA ? "ᵀ" : "") and "
                    + "\(b.shape)\(transposeB ? "ᵀ" : "") do not multiply into output "
                    + "\(c.shape)")
        }
        try checkBLASSizes([m, n, k], operation: operation, shapes: [a.shape, b.shape])
        let (lda, ldb) = (a.shape[1], b.shape[1])
        a.withUnsafeBufferPointer { aBuffer in
            b.withUnsafeBufferPointer { bBuffer in
                c.withUnsafeMutableBufferPointer { cBuffer in
                    guard let cBase = cBuffer.baseAddress, m > 0, n > 0 else { return }
                    BLAS.sgemm(
                        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                        alpha: alpha, a: aBuffer.baseAddress ?? BLAS.emptyOperand,
                        lda: Swift.max(1, lda), b: bBuffer.baseAddress ?? BLAS.emptyOperand,
                        ldb: Swift.max(1, ldb), beta: beta, c: cBase, ldc: n)
                }
            }
        }
    }

    /// Batched products on raw buffers: `c[i] = op(a[i])·op(b[i])` with `a[i]` at
    /// `i·aStride` (0 broadcasts) and `b[i]` at `i·bStride`; `c` is dense `[batch, m, n]`.
    static func multiplyBatched(
        a: UnsafeBufferPointer<Float>, b: UnsafeBufferPointer<Float>,
        c: UnsafeMutableBufferPointer<Float>, batch: Int, aStride: Int, bStride: Int,
        m: Int, n: Int, k: Int, lda: Int, ldb: Int, transposeA: Bool, transposeB: Bool
    ) {
        guard batch > 0, m > 0, n > 0, let cBase = c.baseAddress else { return }
        let aBase = a.baseAddress ?? BLAS.emptyOperand, bBase = b.baseAddress ?? BLAS.emptyOperand
        let (lda, ldb) = (Swift.max(1, lda), Swift.max(1, ldb))
        if batch == 1 || (bStride == 0 && !transposeA) {
            // One GEMM: a batch of rows against a shared right operand is one tall matrix.
            BLAS.sgemm(
                transposeA: transposeA, transposeB: transposeB, m: batch * m, n: n, k: k,
                alpha: 1, a: aBase, lda: lda, b: bBase, ldb: ldb, beta: 0, c: cBase, ldc: n)
            return
        }
        let product: (Int) -> Void = { i in
            BLAS.sgemmOnCallingThread(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                alpha: 1, a: aBase + i * aStride, lda: lda, b: bBase + i * bStride, ldb: ldb,
                beta: 0, c: cBase + i * m * n, ldc: n)
        }
        // Small products run one per worker, large ones one after the other, each split
        // over the threads. The choice depends only on the sizes.
        if m * n * k < 1 << 21 {
            Parallel.forEach(batch, product)
        } else {
            for i in 0..<batch {
                BLAS.sgemm(
                    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                    alpha: 1, a: aBase + i * aStride, lda: lda, b: bBase + i * bStride,
                    ldb: ldb, beta: 0, c: cBase + i * m * n, ldc: n)
            }
        }
    }

    /// Throws unless every GEMM dimension fits CBLAS's 32-bit integers (CBLAS runs at vector
    /// level 0 only, but the limit holds at every level, so what is accepted does not depend
    /// on the CPU).
    static func checkBLASSizes(_ sizes: [Int], operation: String, shapes: [[Int]]) throws {
        guard sizes.allSatisfy({ $0 <= Int(Int32.max) }) else {
            throw TensorError.invalidArgument(
                operation: operation,
                reason: "dimensions exceed CBLAS's 32-bit limit: shapes \(shapes)")
        }
    }
}

extension BLAS {
    /// A valid pointer for empty operands (neither CBLAS nor the C kernels read it when a
    /// dimension is 0).
    static let emptyOperand: UnsafePointer<Float> = {
        let pointer = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        pointer.initialize(to: 0)
        return UnsafePointer(pointer)
    }()
}
