#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Softmax and log-softmax along an axis, numerically stable, with their gradients.
///
/// The maximum along the axis is subtracted before exponentiating, so large logits never
/// overflow: `softmax(x)ᵢ = exp(xᵢ − m) / Σⱼ exp(xⱼ − m)` and
/// `logSoftmax(x)ᵢ = (xᵢ − m) − log Σⱼ exp(xⱼ − m)`, the sum accumulated in `Double`.
/// Rows are independent and processed in parallel.
extension Tensor {
    /// Softmax along `axis` (default: the last); every slice along it sums to 1.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for an axis out of range.
    public func softmax(alongAxis axis: Int = -1) throws -> Tensor {
        try softmax(alongAxis: axis, logarithmic: false, operation: "softmax")
    }

    /// The logarithm of ``softmax(alongAxis:)``, computed directly (never `log(0)` for very
    /// negative logits).
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for an axis out of range.
    public func logSoftmax(alongAxis axis: Int = -1) throws -> Tensor {
        try softmax(alongAxis: axis, logarithmic: true, operation: "logSoftmax")
    }

    /// The gradient of ``softmax(alongAxis:)`` from its output `y`:
    /// `∂L/∂xᵢ = yᵢ·(gᵢ − Σⱼ gⱼ·yⱼ)` along `axis`, where `g` is `outputGradient`.
    /// - Throws: ``TensorError/shapeMismatch(operation:lhs:rhs:)`` unless the shapes are
    ///   equal; ``TensorError/invalidArgument(operation:reason:)`` for a bad axis.
    public static func softmaxGradient(
        output: Tensor, outputGradient: Tensor, alongAxis axis: Int = -1
    ) throws -> Tensor {
        try softmaxGradient(
            output, outputGradient, axis: axis, logarithmic: false, operation: "softmaxGradient")
    }

    /// The gradient of ``logSoftmax(alongAxis:)`` from its output `y`:
    /// `∂L/∂xᵢ = gᵢ − exp(yᵢ)·Σⱼ gⱼ` along `axis`, where `g` is `outputGradient`.
    /// - Throws: ``TensorError/shapeMismatch(operation:lhs:rhs:)`` unless the shapes are
    ///   equal; ``TensorError/invalidArgument(operation:reason:)`` for a bad axis.
    public static func logSoftmaxGradient(
        output: Tensor, outputGradient: Tensor, alongAxis axis: Int = -1
    ) throws -> Tensor {
        try softmaxGradient(
            output, outputGradient, axis: axis, logarithmic: true,
            operation: "logSoftmaxGradient")
    }

    /// `(outer, length, inner)` around `axis`: the scalar `[o, l, i]` is at
    /// `(o·length + l)·inner + i`.
    func layout(around axis: Int, operation: String) throws
        -> (outer: Int, length: Int, inner: Int)
    {
        let axis = try Tensor.normalizedAxis(axis, rank: rank, shape: shape, operation: operation)
        return (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    func softmax(alongAxis axis: Int, logarithmic: Bool, operation: String) throws -> Tensor {
        let (outer, length, inner) = try layout(around: axis, operation: operation)
        return Tensor(uncheckedShape: shape, count: count) { destination in
            guard count > 0 else { return }
            scalars.withUnsafeBufferPointer { source in
                let x = source.baseAddress!, y = destination.baseAddress!
                // Work items are (outer, block of 64 inner positions) pairs.
                let block = inner == 1 ? 1 : 64
                let blocks = (inner + block - 1) / block
                Parallel.forEachChunk(
                    of: outer * blocks,
                    chunkSize: Parallel.itemsPerChunk(costPerItem: 8 * length * block)
                ) { range in
                    for task in range {
                        let o = task / blocks, i0 = (task % blocks) * block
                        for i in i0..<Swift.min(inner, i0 + block) {
                            let start = o * length * inner + i
                            Tensor.softmaxRun(
                                x + start, into: y + start, length: length, stride: inner,
                                logarithmic: logarithmic)
                        }
                    }
                }
            }
        }
    }

    /// Softmax of `length` scalars `x[l·stride]` into `y[l·stride]`; contiguous runs use the
    /// vectorized `exp`.
    @inline(__always)
    static func softmaxRun(
        _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, length: Int,
        stride: Int, logarithmic: Bool
    ) {
        var maximum = -Float.infinity
        for l in 0..<length { maximum = MaximumKernel()(maximum, x[l * stride]) }
        var sum: Double = 0
        if stride == 1 {
            VectorMath.map(
                x, into: y, count: length,
                ShiftedExpVectorKernel(shift: SIMD8(repeating: maximum)))
            sum = accurateSum(y, count: length)
        } else {
            for l in 0..<length {
                let e = expf(x[l * stride] - maximum)
                y[l * stride] = e
                sum += Double(e)
            }
        }
        if logarithmic {
            let logSum = Float(naturalLogarithm(sum))
            for l in 0..<length { y[l * stride] = (x[l * stride] - maximum) - logSum }
        } else {
            let scale = Float(1 / sum)
            for l in 0..<length { y[l * stride] *= scale }
        }
    }

    static func softmaxGradient(
        _ output: Tensor, _ gradient: Tensor, axis: Int, logarithmic: Bool, operation: String
    ) throws -> Tensor {
        try checkSameShape(output, gradient, operation: operation)
        let (outer, length, inner) = try output.layout(around: axis, operation: operation)
        return Tensor(uncheckedShape: output.shape, count: output.count) { destination in
            guard output.count > 0 else { return }
            output.scalars.withUnsafeBufferPointer { yBuffer in
                gradient.scalars.withUnsafeBufferPointer { gBuffer in
                    let y = yBuffer.baseAddress!, g = gBuffer.baseAddress!
                    let dx = destination.baseAddress!
                    Parallel.forEachChunk(
                        of: outer * inner,
                        chunkSize: Parallel.itemsPerChunk(costPerItem: 4 * length)
                    ) { range in
                        for run in range {
                            let start = (run / inner) * length * inner + run % inner
                            let (py, pg, pd) = (y + start, g + start, dx + start)
                            var total: Double = 0
                            if logarithmic {
                                for l in 0..<length { total += Double(pg[l * inner]) }
                                let t = Float(total)
                                for l in 0..<length {
                                    pd[l * inner] = pg[l * inner] - expf(py[l * inner]) * t
                                }
                            } else {
                                for l in 0..<length {
                                    total += Double(pg[l * inner]) * Double(py[l * inner])
                                }
                                let t = Float(total)
                                for l in 0..<length {
                                    pd[l * inner] = py[l * inner] * (pg[l * inner] - t)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The natural logarithm in `Double` (the member `log()` hides the global inside `Tensor`).
@inline(__always)
private func naturalLogarithm(_ x: Double) -> Double { log(x) }
