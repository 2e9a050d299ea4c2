/// The convolution kernels behind ``Convolution2D``: im2col plus GEMM over groups of samples.
///
/// Work is split by a ``ConvolutionPlan`` that depends only on the shapes: samples form
/// chunks (one GEMM each), chunks form groups (one parallel task each, run in order inside
/// the group). Per-group partial sums (weight and bias gradients) are added in group order,
/// so every result is bit-identical whatever the thread count.
enum ConvolutionKernels {
    /// `[N, O, OH, OW]` = weight ⋆ input + bias.
    static func forward(
        _ g: ConvolutionGeometry, input: Tensor, weight: Tensor, bias: Tensor?
    ) -> Tensor {
        let shape = [g.batch, g.outChannels, g.outputHeight, g.outputWidth]
        let count = g.batch * g.outputSample
        let plan = ConvolutionPlan(g)
        return Tensor(uncheckedShape: shape, count: count) { out in
            guard count > 0, let outBase = out.baseAddress else { return }
            input.withUnsafeBufferPointer { x in
                weight.withUnsafeBufferPointer { w in
                    withOptionalBuffer(bias) { b in
                        let xBase = x.baseAddress ?? BLAS.emptyOperand
                        let wBase = w.baseAddress ?? BLAS.emptyOperand
                        plan.run { group, parallel in
                            forward(
                                g, plan: plan, group: group, parallel: parallel,
                                input: xBase, weight: wBase, bias: b?.baseAddress,
                                output: outBase)
                        }
                    }
                }
            }
        }
    }

    /// One group of the forward pass.
    private static func forward(
        _ g: ConvolutionGeometry, plan: ConvolutionPlan, group: Int, parallel: Bool,
        input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        output: UnsafeMutablePointer<Float>
    ) {
        let (k, p, o) = (g.patchSize, g.outputPlane, g.outChannels)
        let columns = plan.needsColumns ? ScratchBuffer(count: k * plan.samplesPerChunk * p) : nil
        let staging = plan.samplesPerChunk > 1
            ? ScratchBuffer(count: o * plan.samplesPerChunk * p) : nil
        defer {
            columns?.release()
            staging?.release()
        }
        for chunk in plan.chunks(ofGroup: group) {
            let samples = plan.samples(ofChunk: chunk)
            let width = samples.count * p
            // B: the im2col matrix [K, width], or the input itself for 1x1 convolutions.
            let b: UnsafePointer<Float>
            if let columns {
                for (slot, n) in samples.enumerated() {
                    g.im2col(
                        input + n * g.inputSample, into: columns.pointer + slot * p,
                        rowStride: width)
                }
                b = UnsafePointer(columns.pointer)
            } else {
                b = input + samples.lowerBound * g.inputSample
            }
            if let staging {
                gemm(parallel,
                    transposeA: false, transposeB: false, m: o, n: width, k: k, alpha: 1,
                    a: weight, lda: max(1, k), b: b, ldb: width, beta: 0,
                    c: staging.pointer, ldc: width)
                for (slot, n) in samples.enumerated() {
                    for channel in 0..<o {
                        let source = staging.pointer + channel * width + slot * p
                        let target = output + n * g.outputSample + channel * p
                        if let bias {
                            let value = bias[channel]
                            for t in 0..<p { target[t] = source[t] + value }
                        } else {
                            target.update(from: source, count: p)
                        }
                    }
                }
            } else {
                let target = output + samples.lowerBound * g.outputSample
                if let bias {
                    for channel in 0..<o {
                        (target + channel * p).update(repeating: bias[channel], count: p)
                    }
                }
                gemm(parallel,
                    transposeA: false, transposeB: false, m: o, n: p, k: k, alpha: 1,
                    a: weight, lda: max(1, k), b: b, ldb: p, beta: bias == nil ? 0 : 1,
                    c: target, ldc: p)
            }
        }
    }

    /// The input gradient (unless `needsInput` is false), the weight gradient and the bias
    /// gradient for an output gradient.
    static func backward(
        _ g: ConvolutionGeometry, input: Tensor, weight: Tensor, outputGradient: Tensor,
        needsInput: Bool
    ) -> (input: Tensor?, weight: Tensor, bias: Tensor) {
        let plan = ConvolutionPlan(g)
        let (k, o) = (g.patchSize, g.outChannels)
        let groups = plan.groupCount
        // Per-group partial sums, added in group order at the end.
        var weightPartials = [Float](repeating: 0, count: groups * o * k)
        var biasPartials = [Float](repeating: 0, count: groups * o)
        var inputGradient: [Float] = needsInput
            ? [Float](repeating: 0, count: g.batch * g.inputSample) : []
        input.withUnsafeBufferPointer { x in
            weight.withUnsafeBufferPointer { w in
                outputGradient.withUnsafeBufferPointer { dy in
                    weightPartials.withUnsafeMutableBufferPointer { dw in
                        biasPartials.withUnsafeMutableBufferPointer { db in
                            inputGradient.withUnsafeMutableBufferPointer { dx in
                                let xBase = x.baseAddress ?? BLAS.emptyOperand
                                let wBase = w.baseAddress ?? BLAS.emptyOperand
                                let dyBase = dy.baseAddress ?? BLAS.emptyOperand
                                let dwBase = dw.baseAddress, dbBase = db.baseAddress
                                // An empty array may still have a base address.
                                let dxBase = needsInput ? dx.baseAddress : nil
                                plan.run { group, parallel in
                                    backward(
                                        g, plan: plan, group: group, parallel: parallel,
                                        input: xBase, weight: wBase, outputGradient: dyBase,
                                        weightGradient: dwBase.map { $0 + group * o * k },
                                        biasGradient: dbBase.map { $0 + group * o },
                                        inputGradient: dxBase)
                                }
                            }
                        }
                    }
                }
            }
        }
        let weightGradient = Tensor(
            uncheckedShape: [o, g.channels, g.kernelHeight, g.kernelWidth],
            scalars: sumPartials(weightPartials, groups: groups, size: o * k))
        let biasGradient = Tensor(
            uncheckedShape: [o], scalars: sumPartials(biasPartials, groups: groups, size: o))
        let inputTensor = needsInput
            ? Tensor(uncheckedShape: [g.batch, g.channels, g.height, g.width],
                scalars: inputGradient)
            : nil
        return (inputTensor, weightGradient, biasGradient)
    }

    /// One group of the backward pass: its weight and bias partial sums (overwritten) and
    /// the input gradient of its samples.
    private static func backward(
        _ g: ConvolutionGeometry, plan: ConvolutionPlan, group: Int, parallel: Bool,
        input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        outputGradient: UnsafePointer<Float>,
        weightGradient: UnsafeMutablePointer<Float>?, biasGradient: UnsafeMutablePointer<Float>?,
        inputGradient: UnsafeMutablePointer<Float>?
    ) {
        let (k, p, o) = (g.patchSize, g.outputPlane, g.outChannels)
        let columns = plan.needsColumns || (inputGradient != nil && !g.isPointwise)
            ? ScratchBuffer(count: k * plan.samplesPerChunk * p) : nil
        let staging = plan.samplesPerChunk > 1
            ? ScratchBuffer(count: o * plan.samplesPerChunk * p) : nil
        defer {
            columns?.release()
            staging?.release()
        }
        var first = true
        for chunk in plan.chunks(ofGroup: group) {
            let samples = plan.samples(ofChunk: chunk)
            let width = samples.count * p
            // dY as [O, width]: gathered when the chunk holds several samples.
            let dy: UnsafePointer<Float>
            if let staging {
                for (slot, n) in samples.enumerated() {
                    for channel in 0..<o {
                        (staging.pointer + channel * width + slot * p).update(
                            from: outputGradient + n * g.outputSample + channel * p, count: p)
                    }
                }
                dy = UnsafePointer(staging.pointer)
            } else {
                dy = outputGradient + samples.lowerBound * g.outputSample
            }
            // The bias gradient: row sums of dY.
            if let biasGradient {
                for channel in 0..<o {
                    let sum = rowSum(dy + channel * width, count: width)
                    biasGradient[channel] = first ? sum : biasGradient[channel] + sum
                }
            }
            // The weight gradient: dY·colᵀ, accumulated over the group's chunks.
            let b: UnsafePointer<Float>
            if g.isPointwise {
                b = input + samples.lowerBound * g.inputSample
            } else if let columns {
                for (slot, n) in samples.enumerated() {
                    g.im2col(
                        input + n * g.inputSample, into: columns.pointer + slot * p,
                        rowStride: width)
                }
                b = UnsafePointer(columns.pointer)
            } else {
                b = BLAS.emptyOperand
            }
            if let weightGradient {
                gemm(parallel,
                    transposeA: false, transposeB: true, m: o, n: k, k: width, alpha: 1,
                    a: dy, lda: width, b: b, ldb: width, beta: first ? 0 : 1,
                    c: weightGradient, ldc: max(1, k))
            }
            first = false
            // The input gradient: col2im(Wᵀ·dY), or Wᵀ·dY directly for 1x1 convolutions.
            guard let inputGradient else { continue }
            if g.isPointwise {
                gemm(parallel,
                    transposeA: true, transposeB: false, m: k, n: width, k: o, alpha: 1,
                    a: weight, lda: max(1, k), b: dy, ldb: width, beta: 0,
                    c: inputGradient + samples.lowerBound * g.inputSample, ldc: width)
            } else if let columns {
                gemm(parallel,
                    transposeA: true, transposeB: false, m: k, n: width, k: o, alpha: 1,
                    a: weight, lda: max(1, k), b: dy, ldb: width, beta: 0,
                    c: columns.pointer, ldc: width)
                for (slot, n) in samples.enumerated() {
                    g.col2im(
                        columns.pointer + slot * p, rowStride: width,
                        into: inputGradient + n * g.inputSample)
                }
            }
        }
    }

    /// A GEMM split over the threads (`parallel`), or one call on the calling thread for
    /// groups that already run in parallel.
    @inline(__always)
    private static func gemm(
        _ parallel: Bool, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if parallel {
            BLAS.sgemm(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        } else {
            BLAS.sgemmOnCallingThread(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }

    /// Adds `groups` consecutive partial sums of `size` scalars, in order.
    private static func sumPartials(_ partials: [Float], groups: Int, size: Int) -> [Float] {
        guard groups > 1 else { return Array(partials.prefix(size)) }
        var total = Array(partials.prefix(size))
        for group in 1..<groups {
            let base = group * size
            for i in 0..<size { total[i] += partials[base + i] }
        }
        return total
    }

    /// The sum of `count` scalars in a fixed (vectorized) order.
    @inline(__always)
    static func rowSum(_ values: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD16<Float>()
        var i = 0
        let raw = UnsafeRawPointer(values)
        while i + 16 <= count {
            lanes += raw.loadUnaligned(
                fromByteOffset: i * MemoryLayout<Float>.stride, as: SIMD16<Float>.self)
            i += 16
        }
        var sum = lanes.sum()
        while i < count {
            sum += values[i]
            i += 1
        }
        return sum
    }

    private static func withOptionalBuffer<R>(
        _ tensor: Tensor?, _ body: (UnsafeBufferPointer<Float>?) -> R
    ) -> R {
        guard let tensor else { return body(nil) }
        return tensor.withUnsafeBufferPointer { body($0) }
    }
}

/// How a convolution call is split: samples into chunks (one GEMM each) and chunks into
/// groups (one parallel task each). Depends only on the shapes, never on the thread count.
struct ConvolutionPlan {
    /// GEMM columns a chunk aims for: small images are batched until a GEMM is this wide.
    static let targetColumns = 512
    /// At most this many groups (and partial sums) per call.
    static let maximumGroups = 16

    let batch: Int
    let samplesPerChunk: Int
    let chunkCount: Int
    let groupCount: Int
    /// Whether the kernels need an im2col buffer (all but pointwise convolutions).
    let needsColumns: Bool

    init(_ g: ConvolutionGeometry) {
        batch = g.batch
        needsColumns = !g.isPointwise
        let plane = max(1, g.outputPlane)
        let perChunk = g.isPointwise
            ? 1 : max(1, min(g.batch, (Self.targetColumns + plane - 1) / plane))
        samplesPerChunk = perChunk
        chunkCount = (g.batch + perChunk - 1) / perChunk
        groupCount = max(1, min(chunkCount, Self.maximumGroups))
    }

    /// The chunks of a group.
    func chunks(ofGroup group: Int) -> Range<Int> {
        (chunkCount * group / groupCount)..<(chunkCount * (group + 1) / groupCount)
    }

    /// The samples of a chunk.
    func samples(ofChunk chunk: Int) -> Range<Int> {
        (chunk * samplesPerChunk)..<min(batch, (chunk + 1) * samplesPerChunk)
    }

    /// Runs every group: in parallel, each with GEMMs on its own thread, when there are
    /// several; otherwise on the calling thread with GEMMs split over the threads. `body`
    /// receives the group and whether its GEMMs should split (the choice depends only on
    /// the shapes).
    func run(_ body: (_ group: Int, _ parallel: Bool) -> Void) {
        if groupCount > 1 {
            Parallel.forEach(groupCount) { body($0, false) }
        } else {
            body(0, true)
        }
    }
}

/// An uninitialized scratch buffer owned by one task.
struct ScratchBuffer {
    let pointer: UnsafeMutablePointer<Float>

    init(count: Int) { pointer = .allocate(capacity: max(1, count)) }

    func release() { pointer.deallocate() }
}
