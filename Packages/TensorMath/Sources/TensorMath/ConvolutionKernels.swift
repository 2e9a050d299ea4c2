import CTensorKernels

/// The convolution kernels behind ``Convolution2D``: ``DirectConvolution`` when it supports
/// the shape (AVX-512), otherwise im2col plus GEMM over groups of samples.
///
/// Work is split by a ``ConvolutionPlan`` that depends only on the shapes: samples form
/// chunks (one GEMM each), chunks form groups (one parallel task each, run in order inside
/// the group). Per-group partial sums (weight and bias gradients) are added in group order,
/// so every result is bit-identical whatever the thread count.
enum ConvolutionKernels {
    /// `[N, O, OH, OW]` = weight ⋆ input + bias, or with `relu` its ReLU (in the direct
    /// kernels' stores; after the GEMM otherwise).
    /// `winogradFilter` is `weight` already packed for the Winograd kernels at the current
    /// level (``Convolution2D/PreparedWeight``), or nil.
    static func forward(
        _ g: ConvolutionGeometry, input: Tensor, weight: Tensor, bias: Tensor?, relu: Bool,
        winogradFilter: UnsafePointer<Float>? = nil
    ) -> Tensor {
        if WinogradConvolution.supports(g) {
            return WinogradConvolution(g).forward(
                input: input, weight: weight, bias: bias, relu: relu, filter: winogradFilter)
        }
        if DirectConvolution.supports(g) {
            return DirectConvolution(g).forward(
                input: input, weight: weight, bias: bias, relu: relu)
        }
        var output = gemmForward(g, input: input, weight: weight, bias: bias)
        if relu { output.formReLU() }
        return output
    }

    /// The im2col + GEMM forward pass.
    private static func gemmForward(
        _ g: ConvolutionGeometry, input: Tensor, weight: Tensor, bias: Tensor?
    ) -> Tensor {
        let shape = [g.batch, g.outChannels, g.outputHeight, g.outputWidth]
        let count = g.batch * g.outputSample
        let plan = ConvolutionPlan(g)
        return Tensor(uncheckedShape: shape, count: count) { out in
            guard count > 0, let outBase = out.baseAddress else { return }
            input.withUnsafeBufferPointer { x in
                weight.withUnsafeBufferPointer { w in
                    bias.withOptionalPointer { biasBase in
                        let xBase = x.baseAddress ?? BLAS.emptyOperand
                        let wBase = w.baseAddress ?? BLAS.emptyOperand
                        plan.run { group, parallel in
                            forward(
                                g, plan: plan, group: group, parallel: parallel,
                                input: xBase, weight: wBase, bias: biasBase,
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
        // With AVX-512, the GEMM packs the im2col panels of convolutions with horizontal stride
        // 1 straight from the input (masked loads) when patches are large enough to repay each
        // panel's setup; small patches (and strided rows) are cheaper to write as a whole
        // im2col matrix and pack from.
        let implicit =
            plan.needsColumns && BLAS.vectorLevel >= 2 && g.strideWidth == 1
            && k >= Self.implicitIm2colMinimumPatch
        let columns =
            plan.needsColumns && !implicit
            ? ScratchBuffer(count: k * plan.samplesPerChunk * p) : nil
        let staging =
            plan.samplesPerChunk > 1
            ? ScratchBuffer(count: o * plan.samplesPerChunk * p) : nil
        defer {
            columns?.release()
            staging?.release()
        }
        for chunk in plan.chunks(ofGroup: group) {
            let samples = plan.samples(ofChunk: chunk)
            let width = samples.count * p
            let chunkInput = input + samples.lowerBound * g.inputSample
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
                b = chunkInput
            }
            /// C [O, width] = W·B + beta·C.
            func product(beta: Float, c: UnsafeMutablePointer<Float>) {
                if implicit {
                    im2colGEMM(
                        g, parallel: parallel, width: width, weight: weight, input: chunkInput,
                        beta: beta, c: c, ldc: width)
                } else {
                    gemm(
                        parallel,
                        transposeA: false, transposeB: false, m: o, n: width, k: k, alpha: 1,
                        a: weight, lda: max(1, k), b: b, ldb: width, beta: beta, c: c,
                        ldc: width)
                }
            }
            if let staging {
                product(beta: 0, c: staging.pointer)
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
                product(beta: bias == nil ? 0 : 1, c: target)
            }
        }
    }

    /// The input gradient (unless `needsInput` is false), the weight gradient and the bias
    /// gradient for an output gradient.
    static func backward(
        _ g: ConvolutionGeometry, input: Tensor, weight: Tensor, outputGradient: Tensor,
        needsInput: Bool
    ) -> (input: Tensor?, weight: Tensor, bias: Tensor) {
        if DirectConvolution.supports(g) {
            return DirectConvolution(g).backward(
                input: input, weight: weight, outputGradient: outputGradient,
                needsInput: needsInput)
        }
        let plan = ConvolutionPlan(g)
        let (k, o) = (g.patchSize, g.outChannels)
        let groups = plan.groupCount
        // Per-group partial sums (weight, then bias), added in group order at the end.
        let partialSize = o * k + o
        let partials = ScratchBuffer(count: groups * partialSize)
        defer { partials.release() }
        if plan.chunkCount == 0 { partials.pointer.update(repeating: 0, count: partialSize) }
        func run(inputGradient: UnsafeMutablePointer<Float>?) {
            input.withUnsafeBufferPointer { x in
                weight.withUnsafeBufferPointer { w in
                    outputGradient.withUnsafeBufferPointer { dy in
                        let xBase = x.baseAddress ?? BLAS.emptyOperand
                        let wBase = w.baseAddress ?? BLAS.emptyOperand
                        let dyBase = dy.baseAddress ?? BLAS.emptyOperand
                        plan.run { group, parallel in
                            let partial = partials.pointer + group * partialSize
                            backward(
                                g, plan: plan, group: group, parallel: parallel,
                                input: xBase, weight: wBase, outputGradient: dyBase,
                                weightGradient: partial, biasGradient: partial + o * k,
                                inputGradient: inputGradient)
                        }
                    }
                }
            }
        }
        var inputTensor: Tensor?
        if needsInput, let transposed = g.inputGradientAsConvolution {
            // Stride 1: the input gradient is a convolution of dY with the flipped, transposed
            // weight, which avoids col2im's scattered sums.
            inputTensor = forward(
                transposed, input: outputGradient, weight: flippedTransposed(weight, g),
                bias: nil, relu: false)
            run(inputGradient: nil)
        } else if needsInput {
            // Every sample's gradient is written by exactly one chunk.
            inputTensor = Tensor(
                uncheckedShape: [g.batch, g.channels, g.height, g.width],
                count: g.batch * g.inputSample
            ) { dx in run(inputGradient: dx.baseAddress) }
        } else {
            run(inputGradient: nil)
        }
        let weightGradient = Tensor(
            uncheckedShape: [o, g.channels, g.kernelHeight, g.kernelWidth], count: o * k
        ) { out in
            guard Self.weightGradientIsTransposed else {
                return sumPartials(
                    partials.pointer, stride: partialSize, groups: groups, into: out)
            }
            // The partials hold [K, O]; their sum is transposed into [O, K].
            let total = ScratchBuffer(count: o * k)
            defer { total.release() }
            sumPartials(
                partials.pointer, stride: partialSize, groups: groups,
                into: UnsafeMutableBufferPointer(start: total.pointer, count: o * k))
            guard let base = out.baseAddress else { return }
            for row in 0..<k {
                for column in 0..<o { base[column * k + row] = total.pointer[row * o + column] }
            }
        }
        let biasGradient = Tensor(uncheckedShape: [o], count: o) { out in
            sumPartials(
                partials.pointer + o * k, stride: partialSize, groups: groups, into: out)
        }
        return (inputTensor, weightGradient, biasGradient)
    }

    /// The patch size `C·KH·KW` from which the AVX-512 forward pass packs GEMM panels straight
    /// from the input. Measured on the benchmark's shapes (forward, one core): 15% faster at
    /// 144, 6% at 288, 25% at 576, 30% for LeNet's conv2 (150, valid); 40% slower at 27.
    static let implicitIm2colMinimumPatch = 128

    /// Whether the backward pass computes the weight gradient transposed, `[K, O]` = col·dYᵀ:
    /// at vector level 0, where CBLAS computes it, since OpenBLAS runs that shape faster than
    /// dY·colᵀ (`[O, K]`, few rows); the C kernels prefer `[O, K]`, whose B operand is the
    /// long side.
    static let weightGradientIsTransposed = BLAS.vectorLevel == 0

    /// One group of the backward pass: its partial weight gradient (`[K, O]` when
    /// ``weightGradientIsTransposed``, else `[O, K]`) and bias gradient, overwritten, and the input gradient of its samples when
    /// `inputGradient` is given.
    private static func backward(
        _ g: ConvolutionGeometry, plan: ConvolutionPlan, group: Int, parallel: Bool,
        input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        outputGradient: UnsafePointer<Float>,
        weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>?
    ) {
        let (k, p, o) = (g.patchSize, g.outputPlane, g.outChannels)
        let columns =
            plan.needsColumns
            ? ScratchBuffer(count: k * plan.samplesPerChunk * p) : nil
        let staging =
            plan.samplesPerChunk > 1
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
            for channel in 0..<o {
                let sum = rowSum(dy + channel * width, count: width)
                biasGradient[channel] = first ? sum : biasGradient[channel] + sum
            }
            // The weight gradient, dY·colᵀ, or transposed, col·dYᵀ, accumulated over the
            // group's chunks.
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
            if Self.weightGradientIsTransposed {
                gemm(
                    parallel,
                    transposeA: false, transposeB: true, m: k, n: o, k: width, alpha: 1,
                    a: b, lda: width, b: dy, ldb: width, beta: first ? 0 : 1,
                    c: weightGradient, ldc: max(1, o))
            } else {
                gemm(
                    parallel,
                    transposeA: false, transposeB: true, m: o, n: k, k: width, alpha: 1,
                    a: dy, lda: width, b: b, ldb: width, beta: first ? 0 : 1,
                    c: weightGradient, ldc: max(1, k))
            }
            first = false
            // The input gradient: col2im(Wᵀ·dY), or Wᵀ·dY directly for 1x1 convolutions.
            guard let inputGradient else { continue }
            if g.isPointwise {
                gemm(
                    parallel,
                    transposeA: true, transposeB: false, m: k, n: width, k: o, alpha: 1,
                    a: weight, lda: max(1, k), b: dy, ldb: width, beta: 0,
                    c: inputGradient + samples.lowerBound * g.inputSample, ldc: width)
            } else if let columns {
                gemm(
                    parallel,
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

    /// `W'[c][o][i][j] = W[o][c][KH−1−i][KW−1−j]`: the weight of the convolution that maps an
    /// output gradient to the input gradient.
    private static func flippedTransposed(_ weight: Tensor, _ g: ConvolutionGeometry) -> Tensor {
        let (o, c, kh, kw) = (g.outChannels, g.channels, g.kernelHeight, g.kernelWidth)
        return Tensor(uncheckedShape: [c, o, kh, kw], count: weight.count) { out in
            weight.withUnsafeBufferPointer { w in
                for oc in 0..<o {
                    for ic in 0..<c {
                        for i in 0..<kh {
                            for j in 0..<kw {
                                out[((ic * o + oc) * kh + kh - 1 - i) * kw + kw - 1 - j] =
                                    w[((oc * c + ic) * kh + i) * kw + j]
                            }
                        }
                    }
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

    /// C `[O, width]` = W·im2col(input) + beta·C through the C kernels, which pack the
    /// im2col matrix of the samples at `input` panel by panel (``BLAS/vectorLevel`` > 0).
    /// Split over the threads like ``BLAS/sgemm`` when `parallel`.
    private static func im2colGEMM(
        _ g: ConvolutionGeometry, parallel: Bool, width: Int, weight: UnsafePointer<Float>,
        input: UnsafePointer<Float>, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        var shape = g.kernelShape
        let (k, level) = (g.patchSize, Int32(BLAS.vectorLevel))
        withUnsafePointer(to: &shape) { shape in
            func block(_ rows: Range<Int>, _ columns: Range<Int>) {
                swiftcnn_sgemm_im2col(
                    level, rows.count, columns.lowerBound, columns.count, 1,
                    weight + rows.lowerBound * k, max(1, k), shape, input, beta,
                    c + rows.lowerBound * ldc + columns.lowerBound, ldc)
            }
            if parallel {
                BLAS.splitProduct(m: g.outChannels, n: width, k: k, block)
            } else {
                block(0..<g.outChannels, 0..<width)
            }
        }
    }

    /// Adds `groups` partial sums `stride` apart, in group order, into `out`.
    static func sumPartials(
        _ partials: UnsafePointer<Float>, stride: Int, groups: Int,
        into out: UnsafeMutableBufferPointer<Float>
    ) {
        guard let base = out.baseAddress, out.count > 0 else { return }
        base.update(from: partials, count: out.count)
        for group in 1..<Swift.max(1, groups) {
            RowKernels.add(partials + group * stride, into: base, count: out.count)
        }
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
        let perChunk =
            g.isPointwise
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

extension ConvolutionGeometry {
    /// The sizes in the C kernels' terms.
    var kernelShape: swiftcnn_conv_shape {
        swiftcnn_conv_shape(
            channels: channels, height: height, width: width, kernel_height: kernelHeight,
            kernel_width: kernelWidth, stride_height: strideHeight, stride_width: strideWidth,
            padding_height: paddingHeight, padding_width: paddingWidth,
            dilation_height: dilationHeight, dilation_width: dilationWidth,
            output_height: outputHeight, output_width: outputWidth,
            sample_stride: inputSample)
    }
}
