import CTensorKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// 3x3, stride-1 convolutions by Winograd's minimal filtering (Lavin & Gray, "Fast
/// Algorithms for Convolutional Neural Networks", 2015): the forward pass (and the input
/// gradient, a forward pass with the flipped weight) by F(4x4, 3x3), 36 multiplications per
/// 4x4 output tile and channel pair instead of 144 (`winograd4_kernels.h`), and the weight
/// gradient by F(3x3, 4x4): the 36 products of the transformed input and output gradient
/// summed over the tiles, then one filter transform
/// (`weightGradient(input:gradient:samples:into:)`). `SWIFTCNN_WINOGRAD_TILE=2` runs both by
/// 2x2 tiles instead, F(2x2, 3x3) and F(3x3, 2x2), 16 per 2x2 tile instead of 36
/// (`winograd_kernels.h`; ``configuredTile``). Each source is compiled for AVX-512, AVX2+FMA and
/// portable vector code. The filter is transformed once per call; blocks of samples are then
/// transformed, multiplied and transformed back while they stay in the thread's cache.
///
/// The transforms add and subtract, so results differ from the direct sum in the last bits:
/// about 1e-6 relative to the largest product with 2x2 tiles, several times more with 4x4
/// tiles, whose transforms multiply by up to 8 (up to 1e-4 of an output's magnitude on the
/// tests' uniform data, against 2e-5; oneDNN's F(4x4, 3x3) is alike). They are computed the
/// same way whatever the block, so results are bit-identical for any thread count.
struct WinogradConvolution {
    let g: ConvolutionGeometry
    /// The vector level whose kernels run (``BLAS/vectorLevel`` unless a test picks a lower one).
    let level: Int

    /// The side of the output tiles: 4 for F(4x4, 3x3) and F(3x3, 4x4), 2 for F(2x2, 3x3) and
    /// F(3x3, 2x2) (``configuredTile``).
    let tile: Int

    init(_ g: ConvolutionGeometry, level: Int = BLAS.vectorLevel) {
        self.g = g
        self.level = level
        tile = Self.configuredTile
    }

    /// The output tile of every pass: 4, F(4x4, 3x3) with 36 products per 16 outputs (and
    /// the weight gradient by F(3x3, 4x4)), unless `SWIFTCNN_WINOGRAD_TILE=2` asks for 2x2
    /// tiles, 16 per 4 (for comparisons).
    ///
    /// Measured with `TensorMathBench` forward+backward (3 alternating rounds, medians, 2
    /// threads, Intel Xeon with AVX-512), 4x4 against 2x2 tiles on the training benchmark's
    /// 3x3 layers that run Winograd: level 1 1.00–1.37x (ten layers of 16 to 128 channels),
    /// level 2 0.98–1.60x (seven layers of 32 channels or more; FourClassNet's 128→128 at 8x8
    /// 0.98x, ResNet's 64→64 at 8x8 1.02x). `TrainingBench`, 2 alternating rounds: FourClassNet
    /// training +20% at level 1 and +17% at level 2, ResNet-20 +16% and +18%, the MNIST `cnn`
    /// +12% and +4%.
    static let configuredTile: Int =
        getenv("SWIFTCNN_WINOGRAD_TILE").map { String(cString: $0) } == "2" ? 2 : 4

    /// Scalars of a packed filter for tiles of `tile`
    /// (``packFilter(_:outputs:channels:flipped:tile:into:)``).
    static func filterCount(outputs: Int, channels: Int, tile: Int) -> Int {
        tile == 4
            ? swiftcnn_winograd4_filter_count(outputs, channels)
            : swiftcnn_winograd_filter_count(outputs, channels)
    }

    /// Input and output channels from which the transforms pay for themselves (fewer make the
    /// products too short): 16 at every level. With the F(4x4) patches
    /// loaded straight from the planes, the 16-channel layers of ResNet and the MNIST `cnn`
    /// measured 1.33–1.63x of the direct kernels at level 2 (`TensorMathBench`, forward and
    /// forward+backward, 3 alternating rounds, medians, 2 threads, Intel Xeon with AVX-512;
    /// `TrainingBench` +11% on ResNet-20 and +12% on the cnn), where they had measured
    /// 0.88–0.98x with 2x2 tiles; at level 1 they measured 1.04–1.49x with 2x2 tiles.
    static let minimumChannels = 16

    /// Whether `g` runs through Winograd at `level`: see
    /// ``supports(outputs:channels:kernel:stride:dilation:level:)``.
    static func supports(_ g: ConvolutionGeometry, level: Int = BLAS.vectorLevel) -> Bool {
        g.batch > 0 && g.outputHeight > 0 && g.outputWidth > 0
            && supports(
                outputs: g.outChannels, channels: g.channels,
                kernel: Size2D(g.kernelHeight, g.kernelWidth),
                stride: Size2D(g.strideHeight, g.strideWidth),
                dilation: Size2D(g.dilationHeight, g.dilationWidth), level: level)
    }

    /// Whether convolutions of these sizes run through Winograd at `level`: a 3x3 kernel with
    /// stride and dilation 1, at least ``minimumChannels`` input and output channels,
    /// on the vector kernels (level 1 and up, or any level when `SWIFTCNN_WINOGRAD=always`);
    /// `SWIFTCNN_WINOGRAD=0` turns it off (for comparisons).
    static func supports(
        outputs: Int, channels: Int, kernel: Size2D, stride: Size2D, dilation: Size2D, level: Int
    ) -> Bool {
        mode.allows(level: level) && kernel == 3 && stride == 1 && dilation == 1
            && Swift.min(outputs, channels) >= minimumChannels
    }

    /// Whether the weight gradient of `g` runs through Winograd at `level`: where the forward
    /// pass does (``supports(_:level:)``), and for layers with fewer than 32 channels only with
    /// at least 64 tiles (16x16 outputs) per sample. Measured at level 1 (`TensorMathBench`,
    /// forward+backward, 4 alternating rounds, against the direct weight gradient): ResNet's
    /// 16→16 layer at 32x32 1.12x, the MNIST `cnn`'s 16→32 at 14x14 (49 tiles) 0.86x.
    /// `SWIFTCNN_WINOGRAD_GRADIENT=0` turns it off (for comparisons).
    static func supportsWeightGradient(_ g: ConvolutionGeometry, level: Int = BLAS.vectorLevel)
        -> Bool
    {
        gradientMode != .never && supports(g, level: level)
            && (Swift.min(g.channels, g.outChannels) >= 32
                || WinogradConvolution(g, level: level).tilesPerSample(2) >= 64)
    }

    /// Rows and columns of `tile` x `tile` output tiles per sample (a last row or column may
    /// be cut).
    private func tileRows(_ tile: Int) -> Int { (g.outputHeight + tile - 1) / tile }
    private func tileColumns(_ tile: Int) -> Int { (g.outputWidth + tile - 1) / tile }
    /// Output tiles of `tile` x `tile` per sample.
    private func tilesPerSample(_ tile: Int) -> Int { tileRows(tile) * tileColumns(tile) }

    /// From the environment variable `SWIFTCNN_WINOGRAD_GRADIENT` (only `0` has an effect).
    private static let gradientMode = KernelMode(environment: "SWIFTCNN_WINOGRAD_GRADIENT")

    /// When Winograd runs, from the environment variable `SWIFTCNN_WINOGRAD`.
    static let mode = KernelMode(environment: "SWIFTCNN_WINOGRAD")

    /// Packs `weight` (`[outputs, channels, 3, 3]`, or `[channels, outputs, 3, 3]` used
    /// transposed and rotated when `flipped`) for the kernels of `tile` x `tile` outputs into
    /// `filter` (``filterCount(outputs:channels:tile:)`` scalars), blocks of 8 output channels
    /// in parallel.
    static func packFilter(
        _ weight: Tensor, outputs: Int, channels: Int, flipped: Bool = false, tile: Int,
        into filter: UnsafeMutablePointer<Float>
    ) {
        weight.withUnsafeBufferPointer { w in
            Parallel.forEach((outputs + 7) / 8, minimumWorkPerThread: 2) { block in
                if tile == 4 {
                    swiftcnn_winograd4_pack_filter(
                        w.baseAddress!, outputs, channels, flipped ? 1 : 0, block, 1, filter)
                } else {
                    swiftcnn_winograd_pack_filter(
                        w.baseAddress!, outputs, channels, flipped ? 1 : 0, block, 1, filter)
                }
            }
        }
    }

    /// The kernels' shape of `g` in tiles of `tile` x `tile` outputs.
    private func shape(tile: Int) -> swiftcnn_winograd_shape {
        swiftcnn_winograd_shape(
            channels: g.channels, height: g.height, width: g.width, outputs: g.outChannels,
            output_height: g.outputHeight, output_width: g.outputWidth,
            padding_height: g.paddingHeight, padding_width: g.paddingWidth,
            tiles_height: tileRows(tile), tiles_width: tileColumns(tile))
    }

    /// Samples per block for tiles of `tile`: the block's transformed input ((tile + 2)²
    /// scalars per channel and tile) about 512 KB, so that it stays in L2; at least one sample.
    private func blockSamples(tile: Int) -> Int {
        let perSample = (tile + 2) * (tile + 2) * g.channels * tilesPerSample(tile)
        return Swift.max(1, Swift.min(g.batch, 131_072 / Swift.max(1, perSample)))
    }

    /// Blocks of the forward pass: at most ``blockSamples(tile:)`` samples each, their sizes
    /// differing by at most one and their count even (when the batch allows), so that two
    /// threads get equal shares. Full blocks and a remainder left ResNet's 64-channel 8x8
    /// layers 9 blocks of 14 samples and one of 2, and a batch of 8 one block, on one core
    /// (batch-8 inference is 1.3–1.8x faster split in two). Each sample's outputs do not
    /// depend on its block, so this changes no result.
    private func forwardBlocks(tile: Int) -> Int {
        let most = blockSamples(tile: tile)
        let blocks = (g.batch + most - 1) / most
        return Swift.min(g.batch, blocks + blocks % 2)
    }

    /// The weight gradient of samples `samples` (`[O, C, 3, 3]`, rows `C·9` apart at `dw`),
    /// overwritten. Its sums run in an order fixed by the shapes and the sample range.
    func weightGradient(
        input: UnsafePointer<Float>, gradient: UnsafePointer<Float>, samples: Range<Int>,
        into dw: UnsafeMutablePointer<Float>
    ) {
        withUnsafePointer(to: shape(tile: tile)) { shape in
            let run =
                tile == 4 ? swiftcnn_winograd4_weight_gradient : swiftcnn_winograd_weight_gradient
            let status = run(
                Int32(level), shape, input + samples.lowerBound * g.inputSample,
                gradient + samples.lowerBound * g.outputSample, samples.count,
                blockSamples(tile: tile), dw, 0)
            precondition(status == 0, "out of memory for Winograd scratch space")
        }
    }

    /// `[N, O, OH, OW]` = weight ⋆ input + bias, or its ReLU when `relu`. With
    /// `flippedWeight`, `weight` is `[C, O, 3, 3]` and is used transposed and rotated by 180
    /// degrees: the input gradient of the convolution whose weight it is (`g` being that
    /// convolution's ``ConvolutionGeometry/inputGradientAsConvolution``).
    /// `filter`, when given, is `weight` already packed for ``tile``
    /// (``packFilter(_:outputs:channels:flipped:tile:into:)``).
    func forward(
        input: Tensor, weight: Tensor, bias: Tensor?, relu: Bool, flippedWeight: Bool = false,
        filter: UnsafePointer<Float>? = nil
    ) -> Tensor {
        let (c, o) = (g.channels, g.outChannels)
        let tile = self.tile
        let scratch =
            filter == nil
            ? ScratchBuffer(count: Self.filterCount(outputs: o, channels: c, tile: tile)) : nil
        defer { scratch?.release() }
        if let scratch {
            Self.packFilter(
                weight, outputs: o, channels: c, flipped: flippedWeight, tile: tile,
                into: scratch.pointer)
        }
        let packed = filter ?? UnsafePointer(scratch!.pointer)
        let blocks = forwardBlocks(tile: tile)
        let level = Int32(self.level)
        let count = g.batch * g.outputSample
        return Tensor(uncheckedShape: [g.batch, o, g.outputHeight, g.outputWidth], count: count) {
            out in
            guard let outBase = out.baseAddress else { return }
            input.withUnsafeBufferPointer { x in
                let source = x.baseAddress!
                withUnsafePointer(to: shape(tile: tile)) { shape in
                    bias.withOptionalPointer { biasBase in
                        Parallel.forEach(blocks) { block in
                            let first = g.batch * block / blocks
                            let samples = g.batch * (block + 1) / blocks - first
                            let run =
                                tile == 4 ? swiftcnn_winograd4_forward : swiftcnn_winograd_forward
                            let status = run(
                                level, shape, packed, biasBase,
                                source + first * g.inputSample, samples,
                                outBase + first * g.outputSample, relu ? 1 : 0)
                            precondition(status == 0, "out of memory for Winograd scratch space")
                        }
                    }
                }
            }
        }
    }
}
