/// Sums, means, extrema, variances and argmax, over the whole tensor or along axes.
///
/// Sums accumulate in single-precision blocks of 256 scalars that are added in `Double`, so
/// million-element reductions stay accurate to `Float` rounding. Reductions run in parallel
/// over independent outputs (or fixed-size chunks), so results are bit-identical for any
/// thread count. NaN propagates through `sum`, `mean`, `max` and `min` as in PyTorch.
///
/// Along axes, layouts that need no copy are handled directly: one axis or a run of
/// neighbouring axes (`[N, F]` over axis 0, `[N, C, L]` over axis -1), and reduce–keep–reduce
/// patterns such as the per-channel statistics of NCHW batches over axes `[0, 2, 3]` that
/// batch normalization uses. Other axis sets are first permuted into place.
extension Tensor {
    // MARK: Whole-tensor reductions

    /// The sum of all scalars (0 for an empty tensor).
    public func sum() -> Float { Float(sumInDouble()) }

    /// The mean of all scalars (NaN for an empty tensor).
    public func mean() -> Float { Float(sumInDouble() / Double(count)) }

    /// The largest scalar; `-inf` for an empty tensor, NaN if any scalar is NaN.
    public func max() -> Float { extremum(MaximumKernel(), initial: -.infinity) }

    /// The smallest scalar; `+inf` for an empty tensor, NaN if any scalar is NaN.
    public func min() -> Float { extremum(MinimumKernel(), initial: .infinity) }

    /// The flat (row-major) index of the largest scalar; the first one wins ties and a NaN
    /// counts as the largest, as in PyTorch. Returns -1 for an empty tensor.
    public func argmax() -> Int {
        guard count > 0 else { return -1 }
        return scalars.withUnsafeBufferPointer { buffer in
            Tensor.argmaxOfRow(buffer.baseAddress!, length: count, stride: 1)
        }
    }

    // MARK: Reductions along axes

    /// Sums over `axes` (negative axes count from the end; an empty list reduces nothing).
    /// - Parameters:
    ///   - axes: The axes to reduce (negative ones count from the end).
    ///   - keepingDimensions: Keep the reduced axes with size 1 (default `false`).
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for an axis out of range
    ///   or repeated.
    public func sum(alongAxes axes: [Int], keepingDimensions: Bool = false) throws -> Tensor {
        try reduced(axes, keepingDimensions, operation: "sum(alongAxes:)", .sum)
    }

    /// Means over `axes` (NaN where the reduced axes are empty).
    /// - Parameters:
    ///   - axes: The axes to reduce (negative ones count from the end).
    ///   - keepingDimensions: Keep the reduced axes with size 1 (default `false`).
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for an axis out of range
    ///   or repeated.
    public func mean(alongAxes axes: [Int], keepingDimensions: Bool = false) throws -> Tensor {
        try reduced(axes, keepingDimensions, operation: "mean(alongAxes:)", .mean)
    }

    /// Maxima over `axes` (`-inf` where the reduced axes are empty; NaN propagates).
    /// - Parameters:
    ///   - axes: The axes to reduce (negative ones count from the end).
    ///   - keepingDimensions: Keep the reduced axes with size 1 (default `false`).
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for an axis out of range
    ///   or repeated.
    public func max(alongAxes axes: [Int], keepingDimensions: Bool = false) throws -> Tensor {
        try reduced(axes, keepingDimensions, operation: "max(alongAxes:)", .max)
    }

    /// Minima over `axes` (`+inf` where the reduced axes are empty; NaN propagates).
    /// - Parameters:
    ///   - axes: The axes to reduce (negative ones count from the end).
    ///   - keepingDimensions: Keep the reduced axes with size 1 (default `false`).
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for an axis out of range
    ///   or repeated.
    public func min(alongAxes axes: [Int], keepingDimensions: Bool = false) throws -> Tensor {
        try reduced(axes, keepingDimensions, operation: "min(alongAxes:)", .min)
    }

    /// Variances over `axes`, computed in two passes (mean, then squared deviations) in
    /// `Double`: `Σ(x − mean)² / (n − 1)` if `unbiased`, else `/ n` (batch normalization's
    /// biased estimate). NaN where the divisor is not positive.
    /// - Parameters:
    ///   - axes: The axes to reduce (negative ones count from the end).
    ///   - keepingDimensions: Keep the reduced axes with size 1 (default `false`).
    ///   - unbiased: Bessel's correction (default `false`).
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for an axis out of range
    ///   or repeated.
    public func variance(
        alongAxes axes: [Int], keepingDimensions: Bool = false, unbiased: Bool = false
    ) throws -> Tensor {
        try reduced(
            axes, keepingDimensions, operation: "variance(alongAxes:)",
            .variance(unbiased: unbiased))
    }

    /// The index of the largest scalar along `axis` for every position of the other axes,
    /// in row-major order of those axes: a `[N, K]` tensor gives `N` indices along axis 1.
    /// The first index wins ties and NaN counts as the largest, as in PyTorch.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for an axis out of range
    ///   or of length 0.
    public func argmax(alongAxis axis: Int) throws -> [Int] {
        let operation = "argmax(alongAxis:)"
        let axis = try Tensor.normalizedAxis(axis, rank: rank, shape: shape, operation: operation)
        let length = shape[axis]
        guard length > 0 else {
            throw TensorError.invalidArgument(
                operation: operation, reason: "axis \(axis) of shape \(shape) is empty")
        }
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        guard outer * inner > 0 else { return [] }
        return [Int](unsafeUninitializedCapacity: outer * inner) { result, initialized in
            scalars.withUnsafeBufferPointer { buffer in
                let base = buffer.baseAddress!
                for o in 0..<outer {
                    for i in 0..<inner {
                        result[o * inner + i] = Tensor.argmaxOfRow(
                            base + o * length * inner + i, length: length, stride: inner)
                    }
                }
            }
            initialized = outer * inner
        }
    }

    // MARK: Implementation

    /// The reduction an axis-wise call performs.
    enum Reduction {
        case sum, mean, max, min
        case variance(unbiased: Bool)
    }

    /// A reduction's memory layout, after dropping size-1 axes and merging neighbours.
    enum ReductionLayout: Equatable {
        /// `out[o, i]` reduces `x[o, l, i]` over `l < length`.
        case keepReduceKeep(outer: Int, length: Int, inner: Int)
        /// `out[k]` reduces `x[o, k, i]` over `o < outer` and `i < inner`.
        case reduceKeepReduce(outer: Int, kept: Int, inner: Int)
    }

    /// The layout of reducing `shape` over the sorted, distinct `axes`, or `nil` if the
    /// reduced axes must first be permuted to the end.
    static func reductionLayout(shape: [Int], axes: [Int]) -> ReductionLayout? {
        var groups: [(size: Int, reduced: Bool)] = []
        for axis in shape.indices where shape[axis] != 1 {
            let reduced = axes.contains(axis)
            if let last = groups.last, last.reduced == reduced {
                groups[groups.count - 1].size *= shape[axis]
            } else {
                groups.append((shape[axis], reduced))
            }
        }
        switch (groups.count, groups.first?.reduced ?? false) {
        case (0, _): return .keepReduceKeep(outer: 1, length: 1, inner: 1)
        case (1, false): return .keepReduceKeep(outer: 1, length: 1, inner: groups[0].size)
        case (1, true): return .reduceKeepReduce(outer: 1, kept: 1, inner: groups[0].size)
        case (2, false):
            return .reduceKeepReduce(outer: 1, kept: groups[0].size, inner: groups[1].size)
        case (2, true):
            return .keepReduceKeep(outer: 1, length: groups[0].size, inner: groups[1].size)
        case (3, false):
            return .keepReduceKeep(
                outer: groups[0].size, length: groups[1].size, inner: groups[2].size)
        case (3, true):
            return .reduceKeepReduce(
                outer: groups[0].size, kept: groups[1].size, inner: groups[2].size)
        default: return nil
        }
    }

    func reduced(
        _ axes: [Int], _ keepingDimensions: Bool, operation: String, _ reduction: Reduction
    ) throws -> Tensor {
        let axes = try Tensor.normalizedAxes(axes, rank: rank, shape: shape, operation: operation)
        let resultShape =
            keepingDimensions
            ? shape.indices.map { axes.contains($0) ? 1 : shape[$0] }
            : shape.indices.filter { !axes.contains($0) }.map { shape[$0] }
        let keptCount = shape.indices.filter { !axes.contains($0) }.reduce(1) { $0 * shape[$1] }
        let reducedCount = axes.reduce(1) { $0 * shape[$1] }
        var source = self
        var layout: ReductionLayout
        if let direct = Tensor.reductionLayout(shape: shape, axes: axes) {
            layout = direct
        } else {
            let kept = shape.indices.filter { !axes.contains($0) }
            source = try permuted(kept + axes)
            layout = .reduceKeepReduce(outer: 1, kept: keptCount, inner: reducedCount)
        }
        return Tensor(uncheckedShape: resultShape, count: keptCount) { destination in
            guard keptCount > 0 else { return }
            source.scalars.withUnsafeBufferPointer { buffer in
                // An empty input still has a valid (if dangling) base for zero-length loops.
                let base = buffer.baseAddress ?? UnsafePointer(destination.baseAddress!)
                switch layout {
                case let .keepReduceKeep(outer, length, inner):
                    Tensor.reduceKeepReduceKeep(
                        base, outer: outer, length: length, inner: inner,
                        into: destination.baseAddress!, reduction)
                case let .reduceKeepReduce(outer, kept, inner):
                    Tensor.reduceReduceKeepReduce(
                        base, outer: outer, kept: kept, inner: inner,
                        into: destination.baseAddress!, reduction)
                }
            }
        }
    }

    /// `out[o, i] = reduce over l of x[o, l, i]`; parallel over outputs.
    static func reduceKeepReduceKeep(
        _ x: UnsafePointer<Float>, outer: Int, length: Int, inner: Int,
        into out: UnsafeMutablePointer<Float>, _ reduction: Reduction
    ) {
        if inner == 1 {
            Parallel.forEachChunk(
                of: outer, chunkSize: Parallel.itemsPerChunk(costPerItem: length)
            ) { range in
                for o in range {
                    out[o] = reduceRun(x + o * length, count: length, reduction)
                }
            }
            return
        }
        // Columns in blocks, each accumulated in Double across the reduced axis.
        let blockWidth = 512
        let blocks = (inner + blockWidth - 1) / blockWidth
        Parallel.forEachChunk(
            of: outer * blocks,
            chunkSize: Parallel.itemsPerChunk(costPerItem: length * Swift.min(inner, blockWidth))
        ) { range in
            var accumulator = [Double](repeating: 0, count: blockWidth)
            var extremum = [Float](repeating: 0, count: blockWidth)
            for task in range {
                let o = task / blocks, c0 = (task % blocks) * blockWidth
                let width = Swift.min(blockWidth, inner - c0)
                let start = x + o * length * inner + c0
                let target = out + o * inner + c0
                switch reduction {
                case .sum, .mean:
                    accumulateColumns(
                        start, length: length, stride: inner, width: width,
                        into: &accumulator)
                    let scale = reduction == .mean ? 1 / Double(length) : 1
                    for j in 0..<width { target[j] = Float(accumulator[j] * scale) }
                case .max:
                    extremeColumns(
                        start, length: length, stride: inner, width: width,
                        MaximumKernel(), initial: -.infinity, into: &extremum)
                    for j in 0..<width { target[j] = extremum[j] }
                case .min:
                    extremeColumns(
                        start, length: length, stride: inner, width: width,
                        MinimumKernel(), initial: .infinity, into: &extremum)
                    for j in 0..<width { target[j] = extremum[j] }
                case let .variance(unbiased):
                    accumulateColumns(
                        start, length: length, stride: inner, width: width,
                        into: &accumulator)
                    let means = accumulator.map { $0 / Double(length) }
                    for j in 0..<width { accumulator[j] = 0 }
                    accumulator.withUnsafeMutableBufferPointer { squares in
                        for l in 0..<length {
                            let row = start + l * inner
                            for j in 0..<width {
                                let d = Double(row[j]) - means[j]
                                squares[j] += d * d
                            }
                        }
                    }
                    let divisor = Double(length - (unbiased ? 1 : 0))
                    for j in 0..<width {
                        target[j] = divisor > 0 ? Float(accumulator[j] / divisor) : .nan
                    }
                }
            }
        }
    }

    /// `out[k] = reduce over o, i of x[o, k, i]`; parallel over `k` (channels).
    static func reduceReduceKeepReduce(
        _ x: UnsafePointer<Float>, outer: Int, kept: Int, inner: Int,
        into out: UnsafeMutablePointer<Float>, _ reduction: Reduction
    ) {
        let n = outer * inner
        Parallel.forEachChunk(
            of: kept, chunkSize: Parallel.itemsPerChunk(costPerItem: n)
        ) { range in
            for k in range {
                switch reduction {
                case .sum, .mean:
                    var total: Double = 0
                    for o in 0..<outer {
                        total += accurateSum(x + (o * kept + k) * inner, count: inner)
                    }
                    out[k] = Float(reduction == .mean ? total / Double(n) : total)
                case .max, .min:
                    var value: Float = reduction == .max ? -.infinity : .infinity
                    for o in 0..<outer {
                        let run = reduceRun(x + (o * kept + k) * inner, count: inner, reduction)
                        value =
                            reduction == .max
                            ? MaximumKernel()(value, run) : MinimumKernel()(value, run)
                    }
                    out[k] = value
                case let .variance(unbiased):
                    var total: Double = 0
                    for o in 0..<outer {
                        total += accurateSum(x + (o * kept + k) * inner, count: inner)
                    }
                    let mean = Float(total / Double(n))
                    var squares: Double = 0
                    for o in 0..<outer {
                        squares += accurateSquaredDeviations(
                            x + (o * kept + k) * inner, count: inner, mean: mean)
                    }
                    let divisor = Double(n - (unbiased ? 1 : 0))
                    out[k] = divisor > 0 ? Float(squares / divisor) : .nan
                }
            }
        }
    }

    /// One reduction of `count` contiguous scalars.
    @inline(__always)
    static func reduceRun(
        _ x: UnsafePointer<Float>, count: Int, _ reduction: Reduction
    ) -> Float {
        switch reduction {
        case .sum: return Float(accurateSum(x, count: count))
        case .mean: return Float(accurateSum(x, count: count) / Double(count))
        case .max: return extremumOfRun(x, count: count, MaximumKernel(), initial: -.infinity)
        case .min: return extremumOfRun(x, count: count, MinimumKernel(), initial: .infinity)
        case let .variance(unbiased):
            let mean = Float(accurateSum(x, count: count) / Double(count))
            let divisor = Double(count - (unbiased ? 1 : 0))
            guard divisor > 0 else { return .nan }
            return Float(accurateSquaredDeviations(x, count: count, mean: mean) / divisor)
        }
    }

    @inline(__always)
    static func extremumOfRun<Kernel: BinaryKernel>(
        _ x: UnsafePointer<Float>, count: Int, _ kernel: Kernel, initial: Float
    ) -> Float {
        var value = initial
        for i in 0..<count { value = kernel(value, x[i]) }
        return value
    }

    /// `accumulator[j] = Σ_l x[l·stride + j]` in `Double` for `j < width`.
    @inline(__always)
    static func accumulateColumns(
        _ x: UnsafePointer<Float>, length: Int, stride: Int, width: Int,
        into accumulator: inout [Double]
    ) {
        accumulator.withUnsafeMutableBufferPointer { sums in
            for j in 0..<width { sums[j] = 0 }
            for l in 0..<length {
                let row = x + l * stride
                for j in 0..<width { sums[j] += Double(row[j]) }
            }
        }
    }

    @inline(__always)
    static func extremeColumns<Kernel: BinaryKernel>(
        _ x: UnsafePointer<Float>, length: Int, stride: Int, width: Int,
        _ kernel: Kernel, initial: Float, into values: inout [Float]
    ) {
        values.withUnsafeMutableBufferPointer { values in
            for j in 0..<width { values[j] = initial }
            for l in 0..<length {
                let row = x + l * stride
                for j in 0..<width { values[j] = kernel(values[j], row[j]) }
            }
        }
    }

    /// The index of the first largest of `length` scalars `x[l·stride]`, NaN counting as the
    /// largest. `length` must be positive.
    static func argmaxOfRow(_ x: UnsafePointer<Float>, length: Int, stride: Int) -> Int {
        var best = 0
        var bestValue = x[0]
        if bestValue.isNaN { return 0 }
        for l in 1..<Swift.max(1, length) {
            let value = x[l * stride]
            if value.isNaN { return l }
            if value > bestValue {
                best = l
                bestValue = value
            }
        }
        return best
    }

    /// Whole-tensor sum: fixed chunks of 2¹⁶ scalars summed in parallel, then added in order.
    func sumInDouble() -> Double {
        let chunk = 1 << 16
        let chunks = (count + chunk - 1) / chunk
        guard chunks > 1 else {
            return scalars.withUnsafeBufferPointer { buffer in
                buffer.isEmpty ? 0 : Tensor.accurateSum(buffer.baseAddress!, count: count)
            }
        }
        var partial = [Double](repeating: 0, count: chunks)
        partial.withUnsafeMutableBufferPointer { partial in
            scalars.withUnsafeBufferPointer { buffer in
                Parallel.forEachChunk(of: count, chunkSize: chunk) { range in
                    partial[range.lowerBound / chunk] = Tensor.accurateSum(
                        buffer.baseAddress! + range.lowerBound, count: range.count)
                }
            }
        }
        return partial.reduce(0, +)
    }

    func extremum<Kernel: BinaryKernel>(_ kernel: Kernel, initial: Float) -> Float {
        scalars.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return initial }
            return Tensor.extremumOfRun(base, count: count, kernel, initial: initial)
        }
    }
}

extension Tensor.Reduction: Equatable {}
