/// Reshaping, transposing, slicing, joining and padding.
///
/// Every operation returns a new contiguous tensor. Axes may be negative and then count from
/// the end (`-1` is the last axis). Shape errors throw ``TensorError`` naming the operation
/// and the shapes involved.
extension Tensor {
    // MARK: Reshaping

    /// The same scalars viewed with another shape of equal element count.
    ///
    /// One dimension may be `-1`; it is inferred from the others, as in `torch.reshape`.
    /// - Throws: ``TensorError/invalidShape(operation:shape:reason:)`` when the counts differ,
    ///   a dimension is below `-1`, or `-1` appears twice or cannot be inferred.
    public func reshaped(to shape: [Int]) throws -> Tensor {
        let operation = "reshaped(to:)"
        var resolved = shape
        let inferred = shape.indices.filter { shape[$0] == -1 }
        guard inferred.count <= 1, shape.allSatisfy({ $0 >= -1 }) else {
            throw TensorError.invalidShape(
                operation: operation, shape: shape,
                reason: "dimensions must be non-negative, with at most one -1")
        }
        if let axis = inferred.first {
            resolved[axis] = 1
            let known = try Tensor.elementCount(of: resolved, operation: operation)
            guard known > 0, count % known == 0 else {
                throw TensorError.invalidShape(
                    operation: operation, shape: shape,
                    reason: "cannot infer -1 for a tensor of shape \(self.shape)")
            }
            resolved[axis] = count / known
        }
        let newCount = try Tensor.elementCount(of: resolved, operation: operation)
        guard newCount == count else {
            throw TensorError.shapeMismatch(operation: operation, lhs: self.shape, rhs: shape)
        }
        return Tensor(uncheckedShape: resolved, scalars: scalars)
    }

    /// Merges the axes from `startAxis` to the last into one: `[N, C, H, W]` becomes
    /// `[N, C·H·W]` with the default `startAxis` of 1. A rank-0 tensor becomes `[1]`.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for an axis out of range.
    public func flattened(startAxis: Int = 1) throws -> Tensor {
        if rank == 0 {
            _ = try Tensor.normalizedAxis(startAxis, rank: 1, shape: shape, operation: "flattened")
            return Tensor(uncheckedShape: [1], scalars: scalars)
        }
        let start = try Tensor.normalizedAxis(
            startAxis, rank: rank, shape: shape, operation: "flattened")
        let merged = shape[start...].reduce(1, *)
        return Tensor(uncheckedShape: Array(shape[..<start]) + [merged], scalars: scalars)
    }

    // MARK: Transposing

    /// The transpose of a matrix: `[m, n]` becomes `[n, m]`.
    /// - Throws: ``TensorError/invalidShape(operation:shape:reason:)`` unless the rank is 2.
    public func transposed() throws -> Tensor {
        guard rank == 2 else {
            throw TensorError.invalidShape(
                operation: "transposed", shape: shape, reason: "needs rank 2")
        }
        let rows = shape[0], columns = shape[1]
        return Tensor(uncheckedShape: [columns, rows], count: count) { destination in
            guard count > 0 else { return }
            scalars.withUnsafeBufferPointer { source in
                // Small tiles, written along contiguous output rows: with large power-of-two
                // strides, bigger tiles thrash the cache sets (measured 7x slower at 32).
                let tile = 8
                let src = source.baseAddress!, dst = destination.baseAddress!
                let tileRows = (rows + tile - 1) / tile
                Parallel.forEachChunk(
                    of: tileRows, chunkSize: Parallel.itemsPerChunk(costPerItem: tile * columns)
                ) { range in
                    for tileRow in range {
                        let r0 = tileRow * tile, r1 = Swift.min(rows, r0 + tile)
                        var c0 = 0
                        while c0 < columns {
                            let c1 = Swift.min(columns, c0 + tile)
                            for c in c0..<c1 {
                                for r in r0..<r1 { dst[c * rows + r] = src[r * columns + c] }
                            }
                            c0 = c1
                        }
                    }
                }
            }
        }
    }

    /// The axes reordered: axis `i` of the result is axis `axes[i]` of `self`, as in
    /// `torch.permute`. For example `[N, C, H, W]` permuted by `[0, 2, 3, 1]` is NHWC.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` unless `axes` is a
    ///   permutation of the axes (negative values allowed).
    public func permuted(_ axes: [Int]) throws -> Tensor {
        let operation = "permuted"
        guard axes.count == rank else {
            throw TensorError.invalidArgument(
                operation: operation,
                reason: "axes \(axes) must list every axis of shape \(shape) once")
        }
        let order = try axes.map {
            try Tensor.normalizedAxis($0, rank: rank, shape: shape, operation: operation)
        }
        guard Set(order).count == rank else {
            throw TensorError.invalidArgument(
                operation: operation,
                reason: "axes \(axes) must list every axis of shape \(shape) once")
        }
        if order == Array(0..<rank) { return self }
        if rank == 2 { return try transposed() }
        let sourceStrides = Tensor.strides(of: shape)
        return stridedCopy(
            shape: order.map { shape[$0] }, sourceStrides: order.map { sourceStrides[$0] })
    }

    // MARK: Slicing and gathering

    /// The entries `range` along axis 0 (the batch), as a contiguous copy.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` if the rank is 0 or the
    ///   range exceeds the first dimension.
    public func slice(batch range: Range<Int>) throws -> Tensor {
        guard rank >= 1, range.lowerBound >= 0, range.upperBound <= shape[0] else {
            throw TensorError.invalidArgument(
                operation: "slice(batch:)",
                reason: "range \(range) is outside axis 0 of shape \(shape)")
        }
        let rowSize = count / Swift.max(shape[0], 1)
        var newShape = shape
        newShape[0] = range.count
        let lower = range.lowerBound * rowSize, upper = range.upperBound * rowSize
        return Tensor(uncheckedShape: newShape, scalars: Array(scalars[lower..<upper]))
    }

    /// The entries `indices` along axis 0, in that order (repeats allowed): a mini-batch.
    /// The result's first dimension is `indices.count`.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` if the rank is 0 or an
    ///   index is outside axis 0.
    public func gathering(batch indices: [Int]) throws -> Tensor {
        guard rank >= 1 else {
            throw TensorError.invalidArgument(
                operation: "gathering(batch:)", reason: "needs rank 1 or more, got shape []")
        }
        if let bad = indices.first(where: { $0 < 0 || $0 >= shape[0] }) {
            throw TensorError.invalidArgument(
                operation: "gathering(batch:)",
                reason: "index \(bad) is outside axis 0 of shape \(shape)")
        }
        let rowSize = shape.dropFirst().reduce(1, *)
        var newShape = shape
        newShape[0] = indices.count
        return Tensor(uncheckedShape: newShape, count: indices.count * rowSize) { destination in
            guard rowSize > 0 else { return }
            scalars.withUnsafeBufferPointer { source in
                for (row, index) in indices.enumerated() {
                    (destination.baseAddress! + row * rowSize).update(
                        from: source.baseAddress! + index * rowSize, count: rowSize)
                }
            }
        }
    }

    // MARK: Joining

    /// Joins tensors along an existing axis; all other dimensions must agree.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for an empty list or a bad
    ///   axis, ``TensorError/shapeMismatch(operation:lhs:rhs:)`` naming the first tensor's shape
    ///   and the first one that disagrees.
    public static func concatenate(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
        let operation = "concatenate"
        guard let first = tensors.first else {
            throw TensorError.invalidArgument(operation: operation, reason: "needs a tensor")
        }
        let axis = try normalizedAxis(
            axis, rank: first.rank, shape: first.shape, operation: operation)
        for tensor in tensors.dropFirst() {
            let agrees =
                tensor.rank == first.rank
                && tensor.shape.indices.allSatisfy {
                    $0 == axis || tensor.shape[$0] == first.shape[$0]
                }
            guard agrees else {
                throw TensorError.shapeMismatch(
                    operation: operation, lhs: first.shape, rhs: tensor.shape)
            }
        }
        var shape = first.shape
        shape[axis] = tensors.reduce(0) { $0 + $1.shape[axis] }
        let total = try elementCount(of: shape, operation: operation)
        let outer = first.shape[..<axis].reduce(1, *)
        let inner = first.shape[(axis + 1)...].reduce(1, *)
        return Tensor(uncheckedShape: shape, count: total) { destination in
            guard total > 0 else { return }
            var offset = 0
            let rowSize = shape[axis] * inner
            for tensor in tensors {
                let block = tensor.shape[axis] * inner
                guard block > 0 else { continue }
                tensor.scalars.withUnsafeBufferPointer { source in
                    for o in 0..<outer {
                        (destination.baseAddress! + o * rowSize + offset).update(
                            from: source.baseAddress! + o * block, count: block)
                    }
                }
                offset += block
            }
        }
    }

    /// Stacks tensors of equal shape along a new leading axis: `n` tensors of shape `s` give
    /// shape `[n] + s`.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for an empty list,
    ///   ``TensorError/shapeMismatch(operation:lhs:rhs:)`` for unequal shapes.
    public static func stack(_ tensors: [Tensor]) throws -> Tensor {
        guard let first = tensors.first else {
            throw TensorError.invalidArgument(operation: "stack", reason: "needs a tensor")
        }
        if let other = tensors.first(where: { $0.shape != first.shape }) {
            throw TensorError.shapeMismatch(operation: "stack", lhs: first.shape, rhs: other.shape)
        }
        let shape = [tensors.count] + first.shape
        let total = try elementCount(of: shape, operation: "stack")
        return Tensor(uncheckedShape: shape, count: total) { destination in
            guard first.count > 0 else { return }
            for (i, tensor) in tensors.enumerated() {
                tensor.scalars.withUnsafeBufferPointer { source in
                    (destination.baseAddress! + i * first.count).update(
                        from: source.baseAddress!, count: first.count)
                }
            }
        }
    }

    // MARK: Padding

    /// Pads every axis with `value`, like `numpy.pad` in constant mode: `padding[i]` adds
    /// `before` entries at the start of axis `i` and `after` at its end.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` unless there is one
    ///   non-negative pair per axis.
    public func padded(_ padding: [(before: Int, after: Int)], value: Float = 0) throws
        -> Tensor
    {
        guard padding.count == rank, padding.allSatisfy({ $0.before >= 0 && $0.after >= 0 })
        else {
            throw TensorError.invalidArgument(
                operation: "padded",
                reason: "needs one non-negative (before, after) pair per axis of shape \(shape), "
                    + "got \(padding.map { [$0.before, $0.after] })")
        }
        if padding.allSatisfy({ $0.before == 0 && $0.after == 0 }) { return self }
        let newShape = zip(shape, padding).map { $0 + $1.before + $1.after }
        let total = try Tensor.elementCount(of: newShape, operation: "padded")
        let targetStrides = Tensor.strides(of: newShape)
        let start = zip(padding, targetStrides).reduce(0) { $0 + $1.0.before * $1.1 }
        return Tensor(uncheckedShape: newShape, count: total) { destination in
            guard total > 0 else { return }
            destination.update(repeating: value)
            guard count > 0 else { return }
            let rowLength = shape[rank - 1], rows = count / rowLength
            scalars.withUnsafeBufferPointer { source in
                // Walk the source rows (all axes but the last) with an odometer.
                var index = [Int](repeating: 0, count: rank - 1)
                var offset = start
                for row in 0..<rows {
                    (destination.baseAddress! + offset).update(
                        from: source.baseAddress! + row * rowLength, count: rowLength)
                    var axis = rank - 2
                    while axis >= 0 {
                        index[axis] += 1
                        offset += targetStrides[axis]
                        if index[axis] < shape[axis] { break }
                        offset -= targetStrides[axis] * shape[axis]
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
    }

    /// Pads the two spatial axes of an NCHW tensor by `padding.height` rows above and below
    /// and `padding.width` columns left and right: `[N, C, H, W]` becomes
    /// `[N, C, H + 2·ph, W + 2·pw]`.
    /// - Throws: ``TensorError/invalidShape(operation:shape:reason:)`` unless the rank is 4,
    ///   ``TensorError/invalidArgument(operation:reason:)`` for a negative padding.
    public func padded2D(_ padding: Size2D, value: Float = 0) throws -> Tensor {
        guard rank == 4 else {
            throw TensorError.invalidShape(
                operation: "padded2D", shape: shape, reason: "needs rank 4 (NCHW)")
        }
        return try padded(
            [(0, 0), (0, 0), (padding.height, padding.height), (padding.width, padding.width)],
            value: value)
    }

    // MARK: Internal helpers

    /// Row-major strides of a contiguous tensor of `shape`.
    static func strides(of shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var stride = 1
        for axis in shape.indices.reversed() {
            strides[axis] = stride
            stride *= shape[axis]
        }
        return strides
    }

    /// `axis` in `0..<rank`, counting negative values from the end.
    static func normalizedAxis(
        _ axis: Int, rank: Int, shape: [Int], operation: String
    ) throws -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0, resolved < rank else {
            throw TensorError.invalidArgument(
                operation: operation,
                reason: "axis \(axis) is out of range for shape \(shape) (rank \(rank))")
        }
        return resolved
    }

    /// Sorted, distinct axes in `0..<rank`; throws on a repeated or out-of-range axis.
    static func normalizedAxes(
        _ axes: [Int], rank: Int, shape: [Int], operation: String
    ) throws -> [Int] {
        let resolved = try axes.map {
            try normalizedAxis($0, rank: rank, shape: shape, operation: operation)
        }
        guard Set(resolved).count == resolved.count else {
            throw TensorError.invalidArgument(
                operation: operation, reason: "axes \(axes) repeat an axis of shape \(shape)")
        }
        return resolved.sorted()
    }

    /// Drops size-1 dimensions and merges neighbouring dimensions that every operand walks
    /// contiguously, so loops over the result run over as few, as long rows as possible.
    /// The returned shape has rank at least 1.
    static func collapsed(shape: [Int], strides: [[Int]]) -> (shape: [Int], strides: [[Int]]) {
        var newShape: [Int] = []
        var newStrides = [[Int]](repeating: [], count: strides.count)
        for axis in shape.indices where shape[axis] != 1 {
            let contiguous = strides.indices.allSatisfy {
                newStrides[$0].last == strides[$0][axis] * shape[axis]
            }
            if let last = newShape.last, contiguous {
                newShape[newShape.count - 1] = last * shape[axis]
                for k in strides.indices {
                    newStrides[k][newStrides[k].count - 1] = strides[k][axis]
                }
            } else {
                newShape.append(shape[axis])
                for k in strides.indices { newStrides[k].append(strides[k][axis]) }
            }
        }
        if newShape.isEmpty {
            return ([1], strides.map { _ in [0] })
        }
        return (newShape, newStrides)
    }

    /// A contiguous tensor of `shape` whose element at index `i` is `self`'s scalar at offset
    /// `Σ i[d]·sourceStrides[d]` (strides of 0 repeat a value).
    func stridedCopy(shape newShape: [Int], sourceStrides: [Int]) -> Tensor {
        let total = newShape.reduce(1, *)
        let (dims, strides) = Tensor.collapsed(shape: newShape, strides: [sourceStrides])
        let stride = strides[0]
        let inner = dims[dims.count - 1], innerStride = stride[dims.count - 1]
        let outerRank = dims.count - 1
        return Tensor(uncheckedShape: newShape, count: total) { destination in
            guard total > 0 else { return }
            scalars.withUnsafeBufferPointer { source in
                let src = source.baseAddress!, dst = destination.baseAddress!
                let rows = total / inner
                Parallel.forEachChunk(
                    of: rows, chunkSize: Parallel.itemsPerChunk(costPerItem: inner)
                ) { range in
                    var index = [Int](repeating: 0, count: outerRank)
                    var offset = 0, remainder = range.lowerBound
                    for axis in stride.indices.dropLast().reversed() {
                        index[axis] = remainder % dims[axis]
                        remainder /= dims[axis]
                        offset += index[axis] * stride[axis]
                    }
                    for row in range {
                        let out = dst + row * inner, input = src + offset
                        switch innerStride {
                        case 1: out.update(from: input, count: inner)
                        case 0: out.update(repeating: input.pointee, count: inner)
                        default: for j in 0..<inner { out[j] = input[j * innerStride] }
                        }
                        var axis = outerRank - 1
                        while axis >= 0 {
                            index[axis] += 1
                            offset += stride[axis]
                            if index[axis] < dims[axis] { break }
                            offset -= stride[axis] * dims[axis]
                            index[axis] = 0
                            axis -= 1
                        }
                    }
                }
            }
        }
    }
}
