import CTensorKernels

extension BLAS {
    /// The right operand `op(B)` (`[k, n]`) of many products, packed once into the panels the
    /// C kernels read, such as a layer's weight during inference: products with it skip
    /// packing B (for a one-row product, most of the time) and give the same bits as
    /// ``sgemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)`` with the unpacked
    /// B. At ``vectorLevel`` 0 (CBLAS) nothing is packed and products use `source`.
    public final class PackedOperand: @unchecked Sendable {
        /// The matrix packed: `[k, n]`, or `[n, k]` when `transposed`.
        public let source: Tensor
        /// Whether `source` is stored `[n, k]` (a `Linear` weight `[out, in]` is Bᵀ).
        public let transposed: Bool
        /// Columns of `op(B)`.
        public let n: Int
        /// Rows of `op(B)`: the products' inner size.
        public let k: Int
        /// The panels (nil at level 0, or when empty).
        private let panels: UnsafeMutablePointer<Float>?

        /// Packs `source`, a rank-2 tensor: `op(B)` is `source` (`[k, n]`), or its transpose
        /// when `transposed` (`source` is `[n, k]`).
        /// - Throws: ``TensorError/invalidShape(operation:shape:reason:)`` unless `source` has
        ///   rank 2.
        public init(_ source: Tensor, transposed: Bool) throws {
            guard source.rank == 2 else {
                throw TensorError.invalidShape(
                    operation: "BLAS.PackedOperand", shape: source.shape,
                    reason: "the operand of a matrix product must have rank 2")
            }
            self.source = source
            self.transposed = transposed
            (n, k) =
                transposed ? (source.shape[0], source.shape[1]) : (source.shape[1], source.shape[0])
            let level = Int32(BLAS.vectorLevel)
            guard level > 0, n > 0, k > 0 else {
                panels = nil
                return
            }
            let (columns, inner) = (n, k)
            let count = swiftcnn_sgemm_packed_b_count(level, columns, inner)
            // The kernels load panels with aligned 64-byte loads; every panel starts at a
            // multiple of 16 scalars from the first.
            let panels = UnsafeMutableRawPointer.allocate(
                byteCount: count * MemoryLayout<Float>.stride, alignment: 64
            ).bindMemory(to: Float.self, capacity: count)
            source.withUnsafeBufferPointer { b in
                swiftcnn_sgemm_pack_b(
                    level, transposed ? 1 : 0, columns, inner, b.baseAddress!,
                    transposed ? inner : columns, panels)
            }
            self.panels = panels
        }

        deinit { panels?.deallocate() }

        /// C = alpha·op(A)·op(B) + beta·C with this B (see
        /// ``BLAS/sgemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``): `op(A)`
        /// is `[m, k]`, stored `[m, k]` (or `[k, m]` when `transposeA`) with row stride `lda`;
        /// `C` is `[m, n]` with row stride `ldc`. Split into blocks over ``BLAS/threadCount``
        /// threads like that function; bit-identical to it.
        public func product(
            transposeA: Bool, m: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
        ) {
            let level = Int32(BLAS.vectorLevel)
            guard let panels, m > 0, swiftcnn_sgemm_packed_b_applies(level, m, n) != 0 else {
                let (n, k, transposed) = (self.n, self.k, self.transposed)
                source.withUnsafeBufferPointer { b in
                    BLAS.sgemm(
                        transposeA: transposeA, transposeB: transposed, m: m, n: n, k: k,
                        alpha: alpha, a: a, lda: lda, b: b.baseAddress ?? BLAS.emptyOperand,
                        ldb: transposed ? k : n, beta: beta, c: c, ldc: ldc)
                }
                return
            }
            let (n, k) = (self.n, self.k)
            let unit = swiftcnn_sgemm_panel_width(level)
            BLAS.splitProduct(m: m, n: n, k: k, columnUnit: unit) { rows, columns in
                swiftcnn_sgemm_packed(
                    level, transposeA ? 1 : 0, rows.count, columns.lowerBound, columns.count, k,
                    alpha, transposeA ? a + rows.lowerBound : a + rows.lowerBound * lda, lda,
                    panels, n, beta, c + rows.lowerBound * ldc + columns.lowerBound, ldc)
            }
        }
    }
}
