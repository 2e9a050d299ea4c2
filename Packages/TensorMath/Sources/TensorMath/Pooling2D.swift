import CTensorKernels

/// Two-dimensional max, average or sum pooling over NCHW tensors, forward and backward,
/// with PyTorch's semantics (`torch.nn.functional.max_pool2d` and `avg_pool2d`).
///
/// The output of `[N, C, H, W]` is `[N, C, outH, outW]` with
/// `outH = ⌊(H + 2·padding − kernel) / stride⌋ + 1` (rounded up instead with ``ceilMode``,
/// as long as the last window starts inside the input or its left padding), likewise for
/// the width. Padding is implicit: `-inf` for max pooling, zeros for average and sum.
///
/// ```swift
/// let pool = Pooling2D(kind: .max, kernelSize: 2)          // stride 2, no padding
/// let (y, argmax) = try pool.forward(x)                     // [N, C, H/2, W/2]
/// let dx = try pool.backward(outputGradient: dy, inputShape: x.shape, argmax: argmax)
/// ```
///
/// Planes (one per sample and channel) are processed in parallel; each output depends on
/// its own window only, so results do not depend on the thread count.
public struct Pooling2D: Hashable, Sendable {
    /// How a window is reduced.
    public enum Kind: String, Hashable, Sendable {
        /// The largest value; ties go to the first in row-major order, NaN wins.
        case max
        /// The mean; the divisor follows ``Pooling2D/countIncludesPadding``.
        case average
        /// The sum of the values inside the input (padding adds zeros).
        case sum
    }

    /// How a window is reduced.
    public var kind: Kind
    /// The window's height and width; at least 1.
    public var kernelSize: Size2D
    /// The step between windows; at least 1. Defaults to ``kernelSize``.
    public var stride: Size2D
    /// Implicit padding on each side; at most half the kernel. Defaults to 0.
    public var padding: Size2D
    /// For ``Kind/average``: whether padded positions count in the divisor (default `true`,
    /// PyTorch's `count_include_pad`). Ignored by the other kinds.
    public var countIncludesPadding: Bool
    /// Whether the output size rounds up rather than down (default `false`, PyTorch's
    /// `ceil_mode`).
    public var ceilMode: Bool

    /// Creates a pooling operation; invalid sizes are reported when it is used.
    /// - Parameters:
    ///   - kind: Max, average or sum.
    ///   - kernelSize: The window size.
    ///   - stride: The window step; `nil` (the default) means ``kernelSize``.
    ///   - padding: Implicit padding on each side; defaults to 0.
    ///   - countIncludesPadding: For average pooling, whether padding counts in the divisor;
    ///     defaults to `true`.
    ///   - ceilMode: Round the output size up; defaults to `false`.
    public init(
        kind: Kind, kernelSize: Size2D, stride: Size2D? = nil, padding: Size2D = 0,
        countIncludesPadding: Bool = true, ceilMode: Bool = false
    ) {
        self.kind = kind
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.countIncludesPadding = countIncludesPadding
        self.ceilMode = ceilMode
    }

    /// The output's spatial size for an input of `height × width`.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for a kernel or stride
    ///   below 1, a negative padding or one above half the kernel, or an input too small for
    ///   a 1×1 output.
    public func outputSize(height: Int, width: Int) throws -> Size2D {
        try outputSize(height: height, width: width, describing: "input \(height)x\(width)")
    }

    /// Pools an NCHW tensor.
    /// - Parameter input: `[N, C, H, W]`.
    /// - Returns: The `[N, C, outH, outW]` output and, for ``Kind/max``, the flat index
    ///   (`h·W + w`) within its input plane of the element each output came from, which
    ///   ``backward(outputGradient:inputShape:argmax:)`` needs; `nil` for the other kinds.
    /// - Throws: ``TensorError/invalidShape(operation:shape:reason:)`` unless the input has
    ///   rank 4; ``TensorError/invalidArgument(operation:reason:)`` for invalid settings or an
    ///   input too small, naming the input shape and the kernel.
    public func forward(_ input: Tensor) throws -> (output: Tensor, argmax: [Int32]?) {
        try forward(input, level: BLAS.vectorLevel)
    }

    /// ``forward(_:)`` with the C kernels of vector `level` (at most ``BLAS/vectorLevel``).
    func forward(_ input: Tensor, level: Int) throws -> (output: Tensor, argmax: [Int32]?) {
        let geometry = try Geometry(self, inputShape: input.shape, operation: "Pooling2D.forward")
        var argmax: [Int32]? = nil
        let output = Tensor(uncheckedShape: geometry.outputShape, count: geometry.outputCount) {
            destination in
            guard geometry.outputCount > 0 else { return }
            input.withUnsafeBufferPointer { source in
                let x = source.baseAddress!, y = destination.baseAddress!
                if kind == .max {
                    argmax = [Int32](unsafeUninitializedCapacity: geometry.outputCount) {
                        indices, initialized in
                        let indexBase = indices.baseAddress!
                        geometry.forEachPlane { plane in
                            maxPoolPlane(
                                x + plane * geometry.inputPlane,
                                into: y + plane * geometry.outputPlane,
                                indices: indexBase + plane * geometry.outputPlane, geometry,
                                level: level)
                        }
                        initialized = geometry.outputCount
                    }
                } else {
                    geometry.forEachPlane { plane in
                        averagePoolPlane(
                            x + plane * geometry.inputPlane,
                            into: y + plane * geometry.outputPlane, geometry)
                    }
                }
            }
        }
        if kind == .max && argmax == nil { argmax = [] }
        return (output, argmax)
    }

    /// Validates the settings and computes the output size, naming `input` in errors.
    func outputSize(height: Int, width: Int, describing input: String) throws -> Size2D {
        let operation = "Pooling2D"
        let settings = "kernel \(kernelSize), stride \(stride), padding \(padding)"
        guard kernelSize.height >= 1, kernelSize.width >= 1 else {
            throw TensorError.invalidArgument(
                operation: operation, reason: "kernel \(kernelSize) must be at least 1x1")
        }
        guard stride.height >= 1, stride.width >= 1 else {
            throw TensorError.invalidArgument(
                operation: operation, reason: "stride \(stride) must be at least 1x1")
        }
        guard padding.height >= 0, padding.width >= 0,
            padding.height <= kernelSize.height / 2, padding.width <= kernelSize.width / 2
        else {
            throw TensorError.invalidArgument(
                operation: operation,
                reason: "padding \(padding) must be non-negative and at most half of "
                    + "kernel \(kernelSize)")
        }
        let size = Size2D(
            Pooling2D.outputLength(
                height, kernel: kernelSize.height, stride: stride.height,
                padding: padding.height, ceilMode: ceilMode),
            Pooling2D.outputLength(
                width, kernel: kernelSize.width, stride: stride.width,
                padding: padding.width, ceilMode: ceilMode))
        guard size.height >= 1, size.width >= 1, height >= 0, width >= 0 else {
            throw TensorError.invalidArgument(
                operation: operation,
                reason: "\(input) is too small for \(settings): the output would be "
                    + "\(size.height)x\(size.width)")
        }
        return size
    }

    /// PyTorch's `pooling_output_shape` (dilation 1).
    static func outputLength(
        _ input: Int, kernel: Int, stride: Int, padding: Int, ceilMode: Bool
    ) -> Int {
        let numerator = input + 2 * padding - kernel + (ceilMode ? stride - 1 : 0)
        // Division rounding towards negative infinity.
        let quotient = numerator >= 0 ? numerator / stride : -((-numerator + stride - 1) / stride)
        var length = quotient + 1
        if ceilMode && (length - 1) * stride >= input + padding { length -= 1 }
        return length
    }

    /// Sizes and offsets of one pooling call.
    struct Geometry {
        let batch: Int, channels: Int, height: Int, width: Int
        let outputHeight: Int, outputWidth: Int
        let kernel: Size2D, stride: Size2D, padding: Size2D

        /// A 2x2 kernel at stride 2 without padding whose windows all lie inside the input.
        var isFullTwoByTwo: Bool {
            kernel == Size2D(2) && stride == Size2D(2) && padding == Size2D(0)
                && 2 * outputHeight <= height && 2 * outputWidth <= width
        }

        init(_ pooling: Pooling2D, inputShape shape: [Int], operation: String) throws {
            guard shape.count == 4 else {
                throw TensorError.invalidShape(
                    operation: operation, shape: shape, reason: "needs rank 4 (NCHW)")
            }
            _ = try Tensor.elementCount(of: shape, operation: operation)
            guard shape[2] * shape[3] <= Int(Int32.max) else {
                throw TensorError.invalidShape(
                    operation: operation, shape: shape,
                    reason: "planes above \(Int32.max) elements cannot be indexed by argmax")
            }
            let size = try pooling.outputSize(
                height: shape[2], width: shape[3], describing: "input \(shape)")
            (batch, channels, height, width) = (shape[0], shape[1], shape[2], shape[3])
            (outputHeight, outputWidth) = (size.height, size.width)
            (kernel, stride, padding) = (pooling.kernelSize, pooling.stride, pooling.padding)
        }

        var planes: Int { batch * channels }
        var inputPlane: Int { height * width }
        var outputPlane: Int { outputHeight * outputWidth }
        var outputCount: Int { planes * outputPlane }
        var outputShape: [Int] { [batch, channels, outputHeight, outputWidth] }

        /// The window of output row `oh`: PyTorch's unclipped end (including padding) and the
        /// rows clipped to the input.
        @inline(__always)
        func rows(_ oh: Int) -> (paddedCount: Int, range: Range<Int>) {
            let start = oh * stride.height - padding.height
            let end = Swift.min(start + kernel.height, height + padding.height)
            return (end - start, Swift.max(start, 0)..<Swift.min(end, height))
        }

        @inline(__always)
        func columns(_ ow: Int) -> (paddedCount: Int, range: Range<Int>) {
            let start = ow * stride.width - padding.width
            let end = Swift.min(start + kernel.width, width + padding.width)
            return (end - start, Swift.max(start, 0)..<Swift.min(end, width))
        }

        /// Calls `body` for every plane index, in parallel over chunks of planes.
        func forEachPlane(_ body: (Int) -> Void) {
            let cost = Swift.max(inputPlane, outputPlane * kernel.height * kernel.width)
            Parallel.forEachChunk(
                of: planes, chunkSize: Parallel.itemsPerChunk(costPerItem: cost)
            ) { range in
                for plane in range { body(plane) }
            }
        }
    }

    /// Max pooling of one `H×W` plane; records the flat argmax of each window.
    func maxPoolPlane(
        _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
        indices: UnsafeMutablePointer<Int32>, _ g: Geometry, level: Int
    ) {
        if g.isFullTwoByTwo {
            // The common 2x2, stride-2 layer: C kernels at every level, same results (ties and
            // NaN included).
            return swiftcnn_max_pool_2x2(
                Int32(level), x, g.width, g.outputHeight, g.outputWidth, y, indices)
        }
        for oh in 0..<g.outputHeight {
            let rows = g.rows(oh).range
            for ow in 0..<g.outputWidth {
                let columns = g.columns(ow).range
                var best = -Float.infinity
                var bestIndex = rows.lowerBound &* g.width &+ columns.lowerBound
                var nans = 0
                for h in rows {
                    let row = h &* g.width
                    var index = row &+ columns.lowerBound
                    let end = row &+ columns.upperBound
                    while index < end {
                        // Selects rather than branches: the comparison is unpredictable.
                        let value = x[index]
                        let better = value > best
                        best = better ? value : best
                        bestIndex = better ? index : bestIndex
                        nans &+= value != value ? 1 : 0
                        index &+= 1
                    }
                }
                if nans > 0 {
                    (best, bestIndex) = Pooling2D.maxWithNaN(x, rows: rows, columns, width: g.width)
                }
                y[oh * g.outputWidth + ow] = best
                indices[oh * g.outputWidth + ow] = Int32(truncatingIfNeeded: bestIndex)
            }
        }
    }

    /// PyTorch's rule for a window holding NaN: the last NaN wins.
    static func maxWithNaN(
        _ x: UnsafePointer<Float>, rows: Range<Int>, _ columns: Range<Int>, width: Int
    ) -> (Float, Int) {
        var best = -Float.infinity
        var bestIndex = rows.lowerBound * width + columns.lowerBound
        for h in rows {
            for w in columns where x[h * width + w] > best || x[h * width + w].isNaN {
                best = x[h * width + w]
                bestIndex = h * width + w
            }
        }
        return (best, bestIndex)
    }

    /// Average or sum pooling of one `H×W` plane.
    func averagePoolPlane(
        _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, _ g: Geometry
    ) {
        for oh in 0..<g.outputHeight {
            let (paddedRows, rows) = g.rows(oh)
            for ow in 0..<g.outputWidth {
                let (paddedColumns, columns) = g.columns(ow)
                var total: Float = 0
                for h in rows {
                    let row = h * g.width
                    for w in columns { total += x[row + w] }
                }
                y[oh * g.outputWidth + ow] =
                    total
                    / divisor(
                        paddedCount: paddedRows * paddedColumns, count: rows.count * columns.count)
            }
        }
    }

    /// The divisor of a window: 1 for sums; for averages the window size including padding
    /// (clipped at the padded border, as PyTorch) or the number of input elements in it.
    @inline(__always)
    func divisor(paddedCount: Int, count: Int) -> Float {
        switch kind {
        case .sum, .max: return 1
        case .average: return Float(countIncludesPadding ? paddedCount : Swift.max(count, 1))
        }
    }
}
