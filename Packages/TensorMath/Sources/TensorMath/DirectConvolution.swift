import CTensorKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The direct convolution kernels (`direct_kernels.h`, one source compiled for AVX-512,
/// AVX2+FMA and portable vector code): forward pass, weight gradient and input gradient
/// computed straight from the input planes, without im2col matrices or packed GEMM panels.
///
/// The kernels need output and source planes of one width (the *pitch*), so that every tap
/// is a fixed offset from the output pixel in the flattened plane. "Same" convolutions at
/// stride 1 have that already. Others are brought to it a few samples at a time, just before
/// use (so the copies stay in cache): strided convolutions split the input into stride
/// phases (one plane per row and column remainder), which turns them into stride-1
/// convolutions over those planes; planes narrower than the pitch get zero columns. Small
/// stride-1 convolutions whose output is much narrower than the input (LeNet's unpadded 5x5
/// layer: 14 columns in, 10 out) copy the input into one plane per kernel column instead,
/// shifted by that column and cut to the output's width, so that the forward pass and the
/// weight gradient work at the output's width; other outputs narrower than the pitch are
/// computed at the pitch and their extra columns dropped. The input gradient works at the
/// wider of the input and the output, the output gradient copied there with zero columns.
///
/// Every output element and weight-gradient element is summed in an order fixed by the
/// shapes; the weight gradient is split into sample groups whose partial sums are added in
/// group order, so results are bit-identical for any thread count.
struct DirectConvolution {
    let g: ConvolutionGeometry
    /// The vector level whose kernels run (``BLAS/vectorLevel`` unless a test picks a lower one).
    let level: Int
    /// Pixels (or output channels) per vector at ``level``.
    let lanes: Int
    /// The width of the planes the forward pass and the weight gradient see: the wider of the
    /// output and a source plane, or the output's with ``shiftsColumns``.
    let pitch: Int
    /// Whether the source planes are the input's column shifts (stride 1, the output
    /// narrower than the input; see ``shiftsColumns(_:pitch:)``).
    let shiftsColumns: Bool
    /// The width of the input gradient's planes: the wider of the output and a source plane.
    let gradientPitch: Int
    /// Rows of each source plane: the input height, or the rows of a stride phase.
    let sourceRows: Int
    /// Scalars of one source channel (all its phase planes or column shifts).
    let sourceChannel: Int

    /// Whether `g` runs on the direct kernels at `level`: at most a third of the work is spent
    /// on columns beyond the output's.
    static func supports(_ g: ConvolutionGeometry, level: Int = BLAS.vectorLevel) -> Bool {
        guard mode.allows(level: level), g.batch > 0,
            g.channels > 0, g.outChannels > 0, g.outputPlane > 0
        else { return false }
        return 2 * pitch(g) <= 3 * g.outputWidth
    }

    /// The lowest vector level at which the direct kernels replace im2col and GEMM: at level
    /// 0 on x86-64, OpenBLAS's GEMM (with its own AVX kernels) measured about 2.3x faster than
    /// the portable 4-lane kernels on the benchmark's convolutions.
    static let minimumLevel = 1

    private static func pitch(_ g: ConvolutionGeometry) -> Int {
        Swift.max(g.outputWidth, (g.width + g.strideWidth - 1) / g.strideWidth)
    }

    /// When the direct kernels run, from the environment variable
    /// `SWIFTCNN_DIRECT_CONVOLUTION`: `0` sends every convolution through im2col and GEMM (for
    /// comparisons), `always` uses the direct kernels at every level, 0 included (for tests of
    /// the portable kernels); otherwise from ``minimumLevel`` up.
    static let mode = KernelMode(environment: "SWIFTCNN_DIRECT_CONVOLUTION")

    init(_ g: ConvolutionGeometry, level: Int = BLAS.vectorLevel) {
        self.g = g
        self.level = level
        lanes = Int(swiftcnn_direct_lanes(Int32(level)))
        gradientPitch = Self.pitch(g)
        shiftsColumns = Self.shiftsColumns(g, pitch: gradientPitch)
        pitch = shiftsColumns ? g.outputWidth : gradientPitch
        sourceRows = (g.height + g.strideHeight - 1) / g.strideHeight
        let planes = shiftsColumns ? g.kernelWidth : g.strideHeight * g.strideWidth
        let packedChannel = planes * sourceRows * pitch
        // A copy split into phases whose channels lie a multiple of 1 KB apart (a 32x32
        // input in stride-2 phases: 4 KB) would put a pixel of every channel in the same few
        // L1 sets, which the channel loop reads one after the other; a cache line more per
        // channel spreads them.
        let splitsPhases = !shiftsColumns && (g.strideHeight > 1 || g.strideWidth > 1)
        sourceChannel =
            splitsPhases && packedChannel % 256 == 0 ? packedChannel + 16 : packedChannel
    }

    /// Whether a stride-1 convolution reads the input's column shifts: where at least an
    /// eighth of the pitch's columns would be dropped (small planes: LeNet's conv2 drops 4 of
    /// 14) and one sample's copy (kernel width x the input at the output's width) holds at
    /// most 65,536 scalars, as the copies of a weight-gradient group take a sample's each.
    private static func shiftsColumns(_ g: ConvolutionGeometry, pitch: Int) -> Bool {
        g.strideHeight == 1 && g.strideWidth == 1 && g.outputWidth < pitch
            && 8 * (pitch - g.outputWidth) >= pitch
            && g.kernelWidth * g.channels * g.height * g.outputWidth <= 1 << 16
    }

    /// Whether kernels working at `pitch` read a copy of the input, not the input itself
    /// (stride phases, column shifts or extra columns), or for the input gradient, write a
    /// copy of it.
    private func copiesInput(at pitch: Int) -> Bool {
        g.strideHeight > 1 || g.strideWidth > 1 || g.width != pitch
    }
    /// Whether kernels working at `pitch` see the outputs (or output gradients) staged at
    /// that pitch, not in place.
    private func stagesOutput(at pitch: Int) -> Bool { g.outputWidth != pitch }
    /// Scalars of one output channel at the pitch.
    var stagedPlane: Int { g.outputHeight * pitch }

    /// Kernel positions in raster order (`i·KW + j`).
    private var allTaps: [(i: Int, j: Int)] {
        (0..<g.kernelHeight).flatMap { i in (0..<g.kernelWidth).map { j in (i, j) } }
    }

    /// The source plane, row and column offset that tap (i, j) reads relative to an output
    /// pixel in the forward pass: in the column shift j, or in a stride phase (in its units).
    private func forwardTap(_ i: Int, _ j: Int) -> (phase: Int, row: Int, column: Int) {
        guard shiftsColumns else { return phaseTap(i, j) }
        return (j, i * g.dilationHeight - g.paddingHeight, 0)
    }

    /// The stride phase, row and column offset (in phase-plane units) that tap (i, j) reads
    /// relative to an output pixel.
    private func phaseTap(_ i: Int, _ j: Int) -> (phase: Int, row: Int, column: Int) {
        let (a, dy) = Self.divide(i * g.dilationHeight - g.paddingHeight, by: g.strideHeight)
        let (b, dx) = Self.divide(j * g.dilationWidth - g.paddingWidth, by: g.strideWidth)
        return (a * g.strideWidth + b, dy, dx)
    }

    /// Floor division: `value = quotient·divisor + remainder` with `0 ≤ remainder < divisor`.
    private static func divide(_ value: Int, by divisor: Int) -> (remainder: Int, quotient: Int) {
        let remainder = ((value % divisor) + divisor) % divisor
        return (remainder, (value - remainder) / divisor)
    }

    /// The forward pass's tap list over the (phase) planes of the input (cached).
    private var forwardTaps: TapList {
        TapListCache.shared.lists(.forward, level: level, geometry: g) {
            let plane = sourceRows * pitch
            return [
                TapList(
                    level: level, width: pitch, outRows: g.outputHeight, sourceRows: sourceRows,
                    channels: g.channels, channelStride: sourceChannel,
                    taps: allTaps.map { i, j in
                        let tap = forwardTap(i, j)
                        return (tap.row, tap.column, tap.phase * plane, i * g.kernelWidth + j)
                    })
            ]
        }[0]
    }

    /// The input gradient's tap lists, one per stride phase (a, b) of the input (cached):
    /// dX[s·y' + a][s·x' + b] reads dY[y' − dy][x' − dx].
    private var inputGradientTaps: [TapList] {
        TapListCache.shared.lists(.inputGradient, level: level, geometry: g) {
            var phaseTaps = [[(row: Int, column: Int, plane: Int, index: Int)]](
                repeating: [], count: g.strideHeight * g.strideWidth)
            for (i, j) in allTaps {
                let tap = phaseTap(i, j)
                phaseTaps[tap.phase].append((-tap.row, -tap.column, 0, i * g.kernelWidth + j))
            }
            return phaseTaps.map { taps in
                TapList(
                    level: level, width: gradientPitch, outRows: sourceRows,
                    sourceRows: g.outputHeight, channels: g.outChannels,
                    channelStride: g.outputHeight * gradientPitch, taps: taps)
            }
        }
    }

    /// Samples brought to the pitch and computed together: enough for a few register tiles
    /// of 3 vectors when planes are small.
    private func chunk(vectors: Int) -> Int {
        Swift.max(1, Swift.min(8, 24 / Swift.max(1, vectors)))
    }

    /// Calls `body` for consecutive chunks of samples, in parallel.
    private func forEachChunk(of size: Int, _ body: (Range<Int>) -> Void) {
        Parallel.forEach((g.batch + size - 1) / size) { item in
            body((item * size)..<Swift.min(g.batch, (item + 1) * size))
        }
    }

    // MARK: Forward

    /// `[N, O, OH, OW]` = weight ⋆ input + bias.
    func forward(input: Tensor, weight: Tensor, bias: Tensor?, relu: Bool) -> Tensor {
        let taps = forwardTaps
        let (o, k) = (g.outChannels, g.kernelHeight * g.kernelWidth)
        let packed = taps.packWeights(
            weight, outputs: o, outputStride: g.channels * k, channelStride: k)
        defer { packed.release() }
        let count = g.batch * g.outputSample
        return Tensor(uncheckedShape: [g.batch, o, g.outputHeight, g.outputWidth], count: count) {
            out in
            guard let outBase = out.baseAddress else { return }
            input.withUnsafeBufferPointer { x in
                let source = x.baseAddress ?? BLAS.emptyOperand
                bias.withOptionalPointer { biasBase in
                    guard copiesInput(at: pitch) || stagesOutput(at: pitch) else {
                        return taps.run(
                            samples: g.batch, outputs: o, packed: packed.pointer,
                            bias: biasBase, source: source, sourceSample: g.inputSample,
                            output: outBase, outputSample: g.outputSample, relu: relu)
                    }
                    forEachChunk(of: chunk(vectors: taps.vectors)) { samples in
                        let first = source + samples.lowerBound * g.inputSample
                        let target = outBase + samples.lowerBound * g.outputSample
                        withSource(first, samples: samples.count) { source, sourceSample in
                            withOutput(target, samples: samples.count, channels: o) { output in
                                taps.forward(
                                    samples: samples.count, outputs: o, packed: packed.pointer,
                                    bias: biasBase, source: source, sourceSample: sourceSample,
                                    output: output, outputSample: o * stagedPlane,
                                    outputStride: stagedPlane, relu: relu)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Scalars of one sample's copy at the pitch.
    private var sourceSample: Int { g.channels * sourceChannel }

    /// Calls `body` with `samples` consecutive input samples as the kernels read them (the
    /// input itself, its column shifts, or a copy split into phases and widened to the pitch)
    /// and the distance between samples.
    private func withSource<R>(
        _ input: UnsafePointer<Float>, samples: Int, _ body: (UnsafePointer<Float>, Int) -> R
    ) -> R {
        guard copiesInput(at: pitch) else { return body(input, g.inputSample) }
        let copy = ScratchBuffer(count: samples * sourceSample)
        defer { copy.release() }
        for n in 0..<samples where shiftsColumns {
            swiftcnn_direct_shift_columns(
                Int32(level), input + n * g.inputSample, g.channels, g.height, g.width,
                g.kernelWidth, g.dilationWidth, g.paddingWidth, pitch,
                copy.pointer + n * sourceSample, n == samples - 1 ? 1 : 0)
        }
        for n in 0..<samples where !shiftsColumns {
            swiftcnn_direct_split_phases(
                Int32(level), input + n * g.inputSample, g.channels, g.height, g.width,
                g.strideHeight, g.strideWidth, sourceRows, pitch, sourceChannel,
                copy.pointer + n * sourceSample)
        }
        return body(UnsafePointer(copy.pointer), sourceSample)
    }

    /// Calls `body` with where the kernels write `samples` samples of `channels` planes at the
    /// pitch: `output` itself, or a staging area whose planes are then narrowed into it.
    private func withOutput(
        _ output: UnsafeMutablePointer<Float>, samples: Int, channels: Int,
        _ body: (UnsafeMutablePointer<Float>) -> Void
    ) {
        guard stagesOutput(at: pitch) else { return body(output) }
        let staging = ScratchBuffer(count: samples * channels * stagedPlane)
        defer { staging.release() }
        body(staging.pointer)
        for plane in 0..<(samples * channels) {
            for row in 0..<g.outputHeight {
                (output + plane * g.outputPlane + row * g.outputWidth).update(
                    from: staging.pointer + plane * stagedPlane + row * pitch,
                    count: g.outputWidth)
            }
        }
    }

    /// Calls `body` with `samples` consecutive output-gradient samples at `pitch` (zero
    /// beyond the output's columns) and the distance between their samples.
    private func withGradient<R>(
        _ gradient: UnsafePointer<Float>, samples: Int, pitch: Int,
        _ body: (UnsafePointer<Float>, Int) -> R
    ) -> R {
        let o = g.outChannels
        guard stagesOutput(at: pitch) else { return body(gradient, g.outputSample) }
        let stagedPlane = g.outputHeight * pitch
        let wide = ScratchBuffer(count: samples * o * stagedPlane)
        defer { wide.release() }
        for plane in 0..<(samples * o) {
            for row in 0..<g.outputHeight {
                let target = wide.pointer + plane * stagedPlane + row * pitch
                target.update(
                    from: gradient + plane * g.outputPlane + row * g.outputWidth,
                    count: g.outputWidth)
                (target + g.outputWidth).update(repeating: 0, count: pitch - g.outputWidth)
            }
        }
        return body(UnsafePointer(wide.pointer), o * stagedPlane)
    }

    // MARK: Backward

    /// The input gradient (when `needsInput`), weight gradient and bias gradient.
    func backward(
        input: Tensor, weight: Tensor, outputGradient: Tensor, needsInput: Bool
    ) -> (input: Tensor?, weight: Tensor, bias: Tensor) {
        let (o, k) = (g.outChannels, g.patchSize)
        let taps = forwardTaps
        // Groups of at least about 2,048 pixels, so that the final sums across lanes stay cheap
        // next to the products, but at least `minimumGroups` (when the batch has the samples)
        // so that small planes still spread over the cores. A function of the shapes alone.
        let groups = Swift.max(
            1, Swift.min(g.batch, Self.minimumGroups),
            Swift.min(
                g.batch, Self.maximumGroups, g.batch * taps.vectors * lanes / Self.groupPixels))
        let partialSize = o * k + o
        let partials = ScratchBuffer(count: groups * partialSize)
        defer { partials.release() }
        input.withUnsafeBufferPointer { x in
            outputGradient.withUnsafeBufferPointer { dyBuffer in
                let source = x.baseAddress ?? BLAS.emptyOperand
                let dy = dyBuffer.baseAddress ?? BLAS.emptyOperand
                Parallel.forEach(groups) { group in
                    let samples = (g.batch * group / groups)..<(g.batch * (group + 1) / groups)
                    let partial = partials.pointer + group * partialSize
                    if WinogradConvolution.supportsWeightGradient(g, level: level) {
                        WinogradConvolution(g, level: level).weightGradient(
                            input: source, gradient: dy, samples: samples, into: partial)
                    } else if usesWideGradient {
                        wideWeightGradient(
                            input: source, gradient: dy, samples: samples, into: partial)
                    } else {
                        withSource(
                            source + samples.lowerBound * g.inputSample, samples: samples.count
                        ) { source, sourceSample in
                            withGradient(
                                dy + samples.lowerBound * g.outputSample, samples: samples.count,
                                pitch: pitch
                            ) { gradient, gradientSample in
                                taps.weightGradient(
                                    outputs: o, kernelWidth: g.kernelWidth, samples: samples.count,
                                    source: source, sourceSample: sourceSample, gradient: gradient,
                                    gradientSample: gradientSample, gradientStride: stagedPlane,
                                    into: partial)
                            }
                        }
                    }
                    for channel in 0..<o {
                        var sum: Float = 0
                        for n in samples {
                            sum += ConvolutionKernels.rowSum(
                                dy + n * g.outputSample + channel * g.outputPlane,
                                count: g.outputPlane)
                        }
                        partial[o * k + channel] = sum
                    }
                }
            }
        }
        let weightGradient = Tensor(
            uncheckedShape: [o, g.channels, g.kernelHeight, g.kernelWidth], count: o * k
        ) { out in
            ConvolutionKernels.sumPartials(
                partials.pointer, stride: partialSize, groups: groups, into: out)
        }
        let biasGradient = Tensor(uncheckedShape: [o], count: o) { out in
            ConvolutionKernels.sumPartials(
                partials.pointer + o * k, stride: partialSize, groups: groups, into: out)
        }
        let inputGradient =
            needsInput
            ? self.inputGradient(weight: weight, outputGradient: outputGradient) : nil
        return (inputGradient, weightGradient, biasGradient)
    }

    /// Whether the weight gradient runs on `swiftcnn_weight_gradient_wide` (output channels in
    /// the vectors): for 32 output channels or more, where it is the faster kernel (about the
    /// processor's peak on the benchmark's layers, against two thirds of it for the masked
    /// kernel), with 1, 3 or 5 kernel columns and no horizontal dilation.
    private var usesWideGradient: Bool {
        g.outChannels >= 32
            && swiftcnn_weight_gradient_wide_supports(g.kernelWidth, g.dilationWidth) != 0
    }

    /// The weight gradient `[O, C·KH·KW]` of `samples`, overwritten into `partial`, through
    /// the wide kernel: a few samples at a time, the input is copied with its zero padding
    /// written out and the output gradient transposed to pixel-major order.
    private func wideWeightGradient(
        input: UnsafePointer<Float>, gradient: UnsafePointer<Float>, samples: Range<Int>,
        into partial: UnsafeMutablePointer<Float>
    ) {
        let (o, k) = (g.outChannels, g.patchSize)
        let vectors = (o + lanes - 1) / lanes
        let paddedRows = g.height + 2 * g.paddingHeight
        let paddedWidth = g.width + 2 * g.paddingWidth
        let paddedPlane = paddedRows * paddedWidth
        let paddedSample = g.channels * paddedPlane
        let transposedSample = g.outputPlane * vectors * lanes
        // About 256 KB of copies per chunk, so they stay in L2 while every tile reads them.
        let chunk = Swift.max(
            1, Swift.min(samples.count, (1 << 16) / Swift.max(1, paddedSample + transposedSample)))
        let padded = ScratchBuffer(count: chunk * paddedSample + paddedPlane)
        let transposed = ScratchBuffer(count: chunk * transposedSample)
        let dwt = ScratchBuffer(count: k * vectors * lanes)
        defer {
            padded.release()
            transposed.release()
            dwt.release()
        }
        let zero = padded.pointer + chunk * paddedSample
        zero.update(repeating: 0, count: paddedPlane)
        var shape = swiftcnn_wide_gradient_shape(
            channels: g.channels, kernel_height: g.kernelHeight, kernel_width: g.kernelWidth,
            out_rows: g.outputHeight, out_width: g.outputWidth, stride_height: g.strideHeight,
            stride_width: g.strideWidth, dilation_height: g.dilationHeight,
            padded_rows: paddedRows, padded_width: paddedWidth, output_vectors: vectors)
        for start in stride(from: samples.lowerBound, to: samples.upperBound, by: chunk) {
            let count = Swift.min(chunk, samples.upperBound - start)
            for slot in 0..<count {
                let n = start + slot
                swiftcnn_pad_planes(
                    input + n * g.inputSample, g.channels, g.height, g.width, g.paddingHeight,
                    g.paddingWidth, paddedRows, paddedWidth, padded.pointer + slot * paddedSample)
                swiftcnn_transpose_planes(
                    Int32(level), gradient + n * g.outputSample, o, g.outputPlane,
                    vectors * lanes,
                    transposed.pointer + slot * transposedSample)
            }
            swiftcnn_weight_gradient_wide(
                Int32(level), &shape, count, padded.pointer, paddedSample, zero, transposed.pointer,
                transposedSample, dwt.pointer, start == samples.lowerBound ? 0 : 1)
        }
        for row in 0..<k {
            for column in 0..<o {
                partial[column * k + row] = dwt.pointer[row * vectors * lanes + column]
            }
        }
    }

    /// At most this many sample groups (and partial weight gradients) per backward call.
    static let maximumGroups = 16
    /// Pixels a weight-gradient group aims for at least.
    static let groupPixels = 2048
    /// Groups a batch of at least this many samples is always split into, whatever its pixel
    /// count: FourClassNet's 128→256 layer at 4x4 (2,048 pixels in a batch of 128) ran its
    /// weight gradient as one group, on one core. (Its forward+backward on 2 cores, 2 groups
    /// against 1: +31% at level 2, +40% at level 1; 4 groups gained less, 8 less again, each
    /// group adding a 295,000-scalar partial gradient.)
    static let minimumGroups = 2

    /// The input gradient: for each stride phase of the input, a stride-1 convolution of the
    /// output gradient (at ``gradientPitch``) with the weight taps that land on that phase
    /// (flipped, transposed), then the phases merged into dX.
    private func inputGradient(weight: Tensor, outputGradient: Tensor) -> Tensor {
        if let transposed = g.inputGradientAsConvolution,
            WinogradConvolution.supports(transposed, level: level)
        {
            return WinogradConvolution(transposed, level: level).forward(
                input: outputGradient, weight: weight, bias: nil, relu: false,
                flippedWeight: true)
        }
        let (sh, sw) = (g.strideHeight, g.strideWidth)
        let pitch = gradientPitch
        let plane = sourceRows * pitch
        let (phaseChannel, phaseSample) = (sh * sw * plane, g.channels * sh * sw * plane)
        let k = g.kernelHeight * g.kernelWidth
        let lists = inputGradientTaps
        let packed = lists.map {
            $0.packWeights(
                weight, outputs: g.channels, outputStride: k, channelStride: g.channels * k)
        }
        defer { for buffer in packed { buffer.release() } }
        return Tensor(
            uncheckedShape: [g.batch, g.channels, g.height, g.width], count: g.batch * g.inputSample
        ) { out in
            guard let outBase = out.baseAddress else { return }
            outputGradient.withUnsafeBufferPointer { dyBuffer in
                let dy = dyBuffer.baseAddress ?? BLAS.emptyOperand
                // dX in stride phases (or wider than the input), or the output gradient
                // widened to the pitch: through scratch. Neither: straight through.
                guard copiesInput(at: pitch) || stagesOutput(at: pitch) else {
                    return lists[0].run(
                        samples: g.batch, outputs: g.channels, packed: packed[0].pointer,
                        bias: nil, source: dy, sourceSample: g.outputSample, output: outBase,
                        outputSample: g.inputSample)
                }
                // Per chunk of samples: every phase of their gradient, then the phases merged
                // into dX.
                forEachChunk(of: chunk(vectors: lists[0].vectors)) { samples in
                    withGradient(
                        dy + samples.lowerBound * g.outputSample, samples: samples.count,
                        pitch: pitch
                    ) { gradient, gradientSample in
                        guard copiesInput(at: pitch) else {
                            // Only the output is narrower than the pitch: dX directly.
                            return lists[0].forward(
                                samples: samples.count, outputs: g.channels,
                                packed: packed[0].pointer, bias: nil, source: gradient,
                                sourceSample: gradientSample,
                                output: outBase + samples.lowerBound * g.inputSample,
                                outputSample: g.inputSample, outputStride: g.inputPlane)
                        }
                        let phases = ScratchBuffer(count: samples.count * phaseSample)
                        defer { phases.release() }
                        for (phase, list) in lists.enumerated() {
                            list.forward(
                                samples: samples.count, outputs: g.channels,
                                packed: packed[phase].pointer, bias: nil, source: gradient,
                                sourceSample: gradientSample,
                                output: phases.pointer + phase * plane,
                                outputSample: phaseSample, outputStride: phaseChannel)
                        }
                        for (slot, n) in samples.enumerated() {
                            swiftcnn_direct_merge_phases(
                                Int32(level), phases.pointer + slot * phaseSample, g.channels,
                                g.height,
                                g.width, sh, sw, sourceRows, pitch, outBase + n * g.inputSample)
                        }
                    }
                }
            }
        }
    }
}

/// One plane-to-plane convolution in the direct kernels' terms: plane sizes and the taps
/// (source row and column relative to the output pixel, start of the tap's source plane in
/// the channel, and the tap's index in the weight's kernel), with their lane masks.
struct TapList {
    /// The vector level of the kernels the masks are for.
    let level: Int
    let width: Int, outRows: Int, sourceRows: Int, channels: Int, channelStride: Int
    let rows: [Int], columns: [Int], offsets: [Int], indices: [Int]
    let masks: [UInt32]
    let vectors: Int

    init(
        level: Int, width: Int, outRows: Int, sourceRows: Int, channels: Int, channelStride: Int,
        taps: [(row: Int, column: Int, plane: Int, index: Int)]
    ) {
        self.level = level
        self.width = width
        self.outRows = outRows
        self.sourceRows = sourceRows
        self.channels = channels
        self.channelStride = channelStride
        rows = taps.map(\.row)
        columns = taps.map(\.column)
        offsets = taps.map { $0.plane + $0.row * width + $0.column }
        indices = taps.map(\.index)
        let lanes = Int(swiftcnn_direct_lanes(Int32(level)))
        vectors = (outRows * width + lanes - 1) / lanes
        var masks = [UInt32](repeating: 0, count: taps.count * vectors)
        let (rows, columns, offsets) = (rows, columns, offsets)
        Self.withShape(
            width: width, outRows: outRows, sourceRows: sourceRows, channels: channels,
            channelStride: channelStride, rows: rows, columns: columns, offsets: offsets
        ) { shape in
            masks.withUnsafeMutableBufferPointer {
                swiftcnn_direct_masks(Int32(level), shape, $0.baseAddress)
            }
        }
        self.masks = masks
    }

    private static func withShape<R>(
        width: Int, outRows: Int, sourceRows: Int, channels: Int, channelStride: Int,
        rows: [Int], columns: [Int], offsets: [Int],
        _ body: (UnsafePointer<swiftcnn_direct_shape>) -> R
    ) -> R {
        rows.withUnsafeBufferPointer { r in
            columns.withUnsafeBufferPointer { c in
                offsets.withUnsafeBufferPointer { o in
                    var shape = swiftcnn_direct_shape(
                        width: width, out_rows: outRows, source_rows: sourceRows,
                        channels: channels, channel_stride: channelStride, taps: rows.count,
                        tap_row: r.baseAddress, tap_column: c.baseAddress,
                        tap_offset: o.baseAddress)
                    return body(&shape)
                }
            }
        }
    }

    /// Calls `body` with the C description and the masks.
    func withShape<R>(
        _ body: (UnsafePointer<swiftcnn_direct_shape>, UnsafePointer<UInt32>) -> R
    ) -> R {
        Self.withShape(
            width: width, outRows: outRows, sourceRows: sourceRows, channels: channels,
            channelStride: channelStride, rows: rows, columns: columns, offsets: offsets
        ) { shape in
            masks.withUnsafeBufferPointer { body(shape, $0.baseAddress ?? Self.noMask) }
        }
    }

    private static let noMask: UnsafePointer<UInt32> = {
        let pointer = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)
        pointer.initialize(to: 0)
        return UnsafePointer(pointer)
    }()

    /// The weight packed for ``run``: output o, channel c, tap t reads
    /// `weight[o·outputStride + c·channelStride + indices[t]]`. The caller releases it.
    func packWeights(
        _ weight: Tensor, outputs: Int, outputStride: Int, channelStride: Int
    ) -> ScratchBuffer {
        let block = Int(SWIFTCNN_DIRECT_BLOCK)
        let blocks = (outputs + block - 1) / block
        let packed = ScratchBuffer(count: blocks * indices.count * channels * block)
        weight.withUnsafeBufferPointer { w in
            indices.withUnsafeBufferPointer { index in
                swiftcnn_direct_pack_weights(
                    outputs, channels, indices.count, w.baseAddress ?? BLAS.emptyOperand,
                    outputStride, channelStride, index.baseAddress, packed.pointer)
            }
        }
        return packed
    }

    /// The forward kernel over `samples` samples, spread over the threads in runs of pixel
    /// vectors (every element is computed the same way whatever the split). Output channel o
    /// of sample n starts at `output + n·outputSample + o·outputStride` (`outputStride`
    /// defaults to the plane); `relu` stores `max(0, ·)` of each sum (a fused ReLU).
    func run(
        samples: Int, outputs: Int, packed: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        source: UnsafePointer<Float>, sourceSample: Int, output: UnsafeMutablePointer<Float>,
        outputSample: Int, outputStride: Int? = nil, relu: Bool = false
    ) {
        let stride = outputStride ?? outRows * width
        // About 16 runs, each a multiple of the 3-vector register tile.
        let units = samples * vectors
        let span = Swift.max(3, (units / 16 + 2) / 3 * 3)
        let runs = (units + span - 1) / span
        let flops =
            2 * outputs * channels * indices.count * span
            * Int(swiftcnn_direct_lanes(Int32(level)))
        withShape { shape, masks in
            Parallel.forEach(
                runs, minimumWorkPerThread: Swift.max(1, (1 << 20) / Swift.max(1, flops))
            ) { run in
                let first = run * span
                swiftcnn_direct_forward(
                    Int32(level), shape, masks, outputs, packed, bias, source, sourceSample,
                    output, outputSample, stride, first, Swift.min(span, units - first),
                    relu ? 1 : 0)
            }
        }
    }

    /// The forward kernel over every pixel of `samples` samples, on the calling thread.
    func forward(
        samples: Int, outputs: Int, packed: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        source: UnsafePointer<Float>, sourceSample: Int, output: UnsafeMutablePointer<Float>,
        outputSample: Int, outputStride: Int, relu: Bool = false
    ) {
        withShape { shape, masks in
            swiftcnn_direct_forward(
                Int32(level), shape, masks, outputs, packed, bias, source, sourceSample, output,
                outputSample, outputStride, 0, samples * vectors, relu ? 1 : 0)
        }
    }

    /// The weight gradient `[outputs, channels·taps]` of `samples` consecutive samples,
    /// overwritten into `dw`, on the calling thread.
    func weightGradient(
        outputs: Int, kernelWidth: Int, samples: Int, source: UnsafePointer<Float>,
        sourceSample: Int,
        gradient: UnsafePointer<Float>, gradientSample: Int, gradientStride: Int,
        into dw: UnsafeMutablePointer<Float>
    ) {
        withShape { shape, masks in
            swiftcnn_direct_weight_gradient(
                Int32(level), shape, masks, outputs, samples, source, sourceSample, gradient,
                gradientSample,
                gradientStride, dw, channels * indices.count, 0, kernelWidth)
        }
    }
}

extension Optional where Wrapped == Tensor {
    /// Calls `body` with the tensor's scalars, or `nil`.
    func withOptionalPointer<R>(_ body: (UnsafePointer<Float>?) -> R) -> R {
        guard let tensor = self else { return body(nil) }
        return tensor.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
