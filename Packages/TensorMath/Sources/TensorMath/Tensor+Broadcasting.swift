/// NumPy broadcasting: shapes are aligned at their last axis, and each pair of dimensions
/// must be equal or one of them 1 (a missing leading dimension counts as 1). For example
/// `[2, 1, 3]` and `[4, 1]` broadcast to `[2, 4, 3]`.
extension Tensor {
    /// The shape two operands broadcast to.
    /// - Parameters:
    ///   - a: One operand's shape.
    ///   - b: The other operand's shape.
    ///   - operation: The operation named in the error.
    /// - Throws: ``TensorError/shapeMismatch(operation:lhs:rhs:)`` naming both shapes if they
    ///   do not broadcast.
    public static func broadcastShape(_ a: [Int], _ b: [Int], operation: String) throws
        -> [Int]
    {
        if a == b { return a }
        let rank = Swift.max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let x = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let y = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            guard x == y || x == 1 || y == 1, x >= 0, y >= 0 else {
                throw TensorError.shapeMismatch(operation: operation, lhs: a, rhs: b)
            }
            result[i] = x == 1 ? y : x
        }
        return result
    }

    /// This tensor repeated along its size-1 (and missing leading) axes to fill `shape`.
    /// - Throws: ``TensorError/shapeMismatch(operation:lhs:rhs:)`` unless `self.shape`
    ///   broadcasts to exactly `shape`.
    public func broadcast(to shape: [Int]) throws -> Tensor {
        if shape == self.shape { return self }
        let result = try Tensor.broadcastShape(self.shape, shape, operation: "broadcast(to:)")
        guard result == shape else {
            throw TensorError.shapeMismatch(
                operation: "broadcast(to:)", lhs: self.shape, rhs: shape)
        }
        _ = try Tensor.elementCount(of: shape, operation: "broadcast(to:)")
        return stridedCopy(shape: shape, sourceStrides: broadcastStrides(to: shape))
    }

    /// Sums a gradient of this (broadcast) shape back to the shape of an operand that was
    /// broadcast to it: the reverse of ``broadcast(to:)``. Summing `[N, C, H, W]` to
    /// `[1, C, 1, 1]` or `[C, 1, 1]` gives per-channel sums.
    /// - Throws: ``TensorError/shapeMismatch(operation:lhs:rhs:)`` unless `shape` broadcasts
    ///   to `self.shape`.
    public func summed(toShape shape: [Int]) throws -> Tensor {
        if shape == self.shape { return self }
        let operation = "summed(toShape:)"
        guard shape.count <= rank,
            (try? Tensor.broadcastShape(shape, self.shape, operation: operation)) == self.shape
        else {
            throw TensorError.shapeMismatch(operation: operation, lhs: self.shape, rhs: shape)
        }
        let lead = rank - shape.count
        let axes = (0..<rank).filter { $0 < lead || (shape[$0 - lead] == 1 && self.shape[$0] != 1) }
        let reduced = try sum(alongAxes: axes, keepingDimensions: true)
        return Tensor(uncheckedShape: shape, scalars: reduced.scalars)
    }

    /// Strides that read this tensor broadcast to `shape` (0 along repeated axes).
    func broadcastStrides(to shape: [Int]) -> [Int] {
        let own = Tensor.strides(of: self.shape)
        let lead = shape.count - rank
        return shape.indices.map { axis in
            axis < lead || self.shape[axis - lead] == 1 ? 0 : own[axis - lead]
        }
    }

    /// `kernel(a, b)` with broadcasting. Equal shapes and scalar operands take direct loops;
    /// other shapes are collapsed to as few axes as possible and run row by row, with fast
    /// inner loops for a contiguous or repeated operand (trailing-axis and per-channel
    /// broadcasts).
    static func broadcasting<Kernel: BinaryKernel>(
        _ a: Tensor, _ b: Tensor, operation: String, _ kernel: Kernel
    ) throws -> Tensor {
        if a.shape == b.shape { return a.zipped(with: b, kernel) }
        let shape = try broadcastShape(a.shape, b.shape, operation: operation)
        if b.count == 1 && shape == a.shape {
            return a.applying(RightBound(kernel: kernel, rhs: b.scalars[0]))
        }
        if a.count == 1 && shape == b.shape {
            return b.applying(LeftBound(kernel: kernel, lhs: a.scalars[0]))
        }
        let total = try elementCount(of: shape, operation: operation)
        return Tensor(uncheckedShape: shape, count: total) { destination in
            guard total > 0 else { return }
            a.scalars.withUnsafeBufferPointer { pa in
                b.scalars.withUnsafeBufferPointer { pb in
                    broadcastLoop(
                        shape: shape, a: pa.baseAddress!, aStrides: a.broadcastStrides(to: shape),
                        b: pb.baseAddress!, bStrides: b.broadcastStrides(to: shape),
                        into: destination.baseAddress!, kernel)
                }
            }
        }
    }

    /// `self = kernel(self, other)` in place, `other` broadcast to `self.shape`.
    mutating func combine<Kernel: BinaryKernel>(
        with other: Tensor, operation: String, _ kernel: Kernel
    ) throws {
        if other.shape != shape {
            guard try Tensor.broadcastShape(shape, other.shape, operation: operation) == shape
            else {
                throw TensorError.shapeMismatch(operation: operation, lhs: shape, rhs: other.shape)
            }
            if other.count == 1 {
                apply(RightBound(kernel: kernel, rhs: other.scalars[0]))
                return
            }
        }
        let shape = self.shape
        let own = Tensor.strides(of: shape), otherStrides = other.broadcastStrides(to: shape)
        scalars.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            other.scalars.withUnsafeBufferPointer { pb in
                if other.shape == shape {
                    Elementwise.zip(
                        UnsafePointer(base), pb.baseAddress!, into: base, count: buffer.count,
                        kernel)
                } else {
                    Tensor.broadcastLoop(
                        shape: shape, a: UnsafePointer(base), aStrides: own,
                        b: pb.baseAddress!, bStrides: otherStrides, into: base, kernel)
                }
            }
        }
    }

    /// The row loop behind broadcasting: `out` is contiguous of `shape`, and `a`, `b` are read
    /// through strides (0 on broadcast axes). `out` may equal `a` when `a` is contiguous.
    static func broadcastLoop<Kernel: BinaryKernel>(
        shape: [Int], a: UnsafePointer<Float>, aStrides: [Int],
        b: UnsafePointer<Float>, bStrides: [Int],
        into out: UnsafeMutablePointer<Float>, _ kernel: Kernel
    ) {
        let total = shape.reduce(1, *)
        guard total > 0 else { return }
        let (dims, strides) = collapsed(shape: shape, strides: [aStrides, bStrides])
        let sa = strides[0], sb = strides[1]
        let last = dims.count - 1
        let inner = dims[last], innerA = sa[last], innerB = sb[last]
        Parallel.forEachChunk(
            of: total / inner, chunkSize: Parallel.itemsPerChunk(costPerItem: inner)
        ) { range in
            var index = [Int](repeating: 0, count: last)
            var offsetA = 0, offsetB = 0, remainder = range.lowerBound
            for axis in (0..<last).reversed() {
                index[axis] = remainder % dims[axis]
                remainder /= dims[axis]
                offsetA += index[axis] * sa[axis]
                offsetB += index[axis] * sb[axis]
            }
            for row in range {
                let o = out + row * inner, pa = a + offsetA, pb = b + offsetB
                switch (innerA, innerB) {
                case (1, 1):
                    for j in 0..<inner { o[j] = kernel(pa[j], pb[j]) }
                case (1, 0):
                    let y = pb.pointee
                    for j in 0..<inner { o[j] = kernel(pa[j], y) }
                case (0, 1):
                    let x = pa.pointee
                    for j in 0..<inner { o[j] = kernel(x, pb[j]) }
                default:
                    for j in 0..<inner { o[j] = kernel(pa[j * innerA], pb[j * innerB]) }
                }
                var axis = last - 1
                while axis >= 0 {
                    index[axis] += 1
                    offsetA += sa[axis]
                    offsetB += sb[axis]
                    if index[axis] < dims[axis] { break }
                    offsetA -= sa[axis] * dims[axis]
                    offsetB -= sb[axis] * dims[axis]
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
    }
}
