/// 2-D convolution (cross-correlation, as PyTorch's `conv2d`) on NCHW tensors.
///
/// The value holds the hyper-parameters; tensors are passed to each call. Weights use
/// PyTorch's layout `[outChannels, inChannels, kernelHeight, kernelWidth]`, so PyTorch values
/// carry over unchanged. The output size along each axis is
/// `(input + 2·padding − dilation·(kernel − 1) − 1) / stride + 1`.
///
/// Kernels: with AVX-512 or AVX2, direct kernels that read the input planes without im2col or
/// packing (forward, weight gradient and input gradient; strided convolutions through stride
/// phases, see `DirectConvolution`), for every convolution whose output is at least two thirds
/// as wide as the input divided by the stride; the forward pass and input gradient of 3x3,
/// stride-1 convolutions with many channels run on Winograd F(2x2, 3x3) kernels instead (see
/// `WinogradConvolution` and ``PreparedWeight``). Otherwise im2col plus one GEMM per group of
/// samples (the im2col step is skipped for 1x1 convolutions with stride 1 and no padding).
/// Work runs on every core through ``Parallel/forEach(_:minimumWorkPerThread:_:)``, split in
/// ways that depend only on the shapes, so results are bit-identical for any thread count.
///
/// ```swift
/// let conv = Convolution2D(padding: 1)
/// let y = try conv.forward(input: x, weight: w, bias: b)      // [N, O, H, W]
/// let g = try conv.backward(input: x, weight: w, outputGradient: dy)
/// ```
public struct Convolution2D: Hashable, Sendable {
    /// The step between applications of the kernel, vertically and horizontally (default 1).
    public var stride: Size2D
    /// Rows and columns of zeros added on each side of the input (default 0).
    public var padding: Size2D
    /// The spacing between kernel taps (default 1; 2 skips every other input pixel).
    public var dilation: Size2D

    /// Creates a convolution; values are validated when it is applied.
    /// - Parameters:
    ///   - stride: Positive; default 1.
    ///   - padding: Non-negative zero padding on each side; default 0.
    ///   - dilation: Positive; default 1.
    public init(stride: Size2D = 1, padding: Size2D = 0, dilation: Size2D = 1) {
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
    }

    /// The output height and width for an input size and a kernel size.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for a non-positive stride,
    ///   dilation, kernel or input size, a negative padding, or a kernel larger than the
    ///   padded input.
    public func outputSize(inputHeight: Int, inputWidth: Int, kernel: Size2D) throws -> Size2D {
        try outputSize(
            inputHeight: inputHeight, inputWidth: inputWidth, kernel: kernel,
            operation: "Convolution2D.outputSize")
    }

    /// Convolves `input` `[N, C, H, W]` with `weight` `[O, C, KH, KW]` and adds `bias` `[O]`
    /// (or nothing when `nil`), giving `[N, O, OH, OW]`.
    /// - Parameters:
    ///   - input: The images, `[N, C, H, W]`.
    ///   - weight: The kernels, `[O, C, KH, KW]`.
    ///   - bias: One value per output channel, `[O]`, or `nil` for none.
    ///   - fusingReLU: Whether to return the ReLU of the result instead, computed as the
    ///     output is stored (bit-identical to ``Tensor/relu()`` of the plain result, one pass
    ///     over memory fewer). Default `false`.
    /// - Throws: ``TensorError`` naming the operation and the shapes for a wrong rank, a
    ///   channel mismatch, a bias of the wrong size, a kernel larger than the padded input or
    ///   a non-positive stride or dilation.
    public func forward(
        input: Tensor, weight: Tensor, bias: Tensor?, fusingReLU: Bool = false
    ) throws -> Tensor {
        let geometry = try validate(
            input: input, weight: weight, bias: bias, operation: "Convolution2D.forward")
        return ConvolutionKernels.forward(
            geometry, input: input, weight: weight, bias: bias, relu: fusingReLU)
    }

    /// The output size, validating the hyper-parameters; `operation` names the caller.
    func outputSize(
        inputHeight: Int, inputWidth: Int, kernel: Size2D, operation: String
    ) throws -> Size2D {
        guard stride.height > 0, stride.width > 0 else {
            throw TensorError.invalidArgument(
                operation: operation, reason: "stride must be positive, got \(stride)")
        }
        guard dilation.height > 0, dilation.width > 0 else {
            throw TensorError.invalidArgument(
                operation: operation, reason: "dilation must be positive, got \(dilation)")
        }
        guard padding.height >= 0, padding.width >= 0 else {
            throw TensorError.invalidArgument(
                operation: operation, reason: "padding must be non-negative, got \(padding)")
        }
        guard kernel.height > 0, kernel.width > 0 else {
            throw TensorError.invalidArgument(
                operation: operation, reason: "kernel must be at least 1x1, got \(kernel)")
        }
        guard inputHeight > 0, inputWidth > 0 else {
            throw TensorError.invalidArgument(
                operation: operation,
                reason: "input must be at least 1x1, got \(inputHeight)x\(inputWidth)")
        }
        let limit = Int(Int32.max)
        guard [inputHeight, inputWidth, kernel.height, kernel.width].allSatisfy({ $0 <= limit }),
            [
                stride.height, stride.width, padding.height, padding.width, dilation.height,
                dilation.width,
            ].allSatisfy({ $0 <= limit })
        else {
            throw TensorError.invalidArgument(
                operation: operation, reason: "sizes exceed the 32-bit limit")
        }
        let extentHeight = dilation.height * (kernel.height - 1) + 1
        let extentWidth = dilation.width * (kernel.width - 1) + 1
        let paddedHeight = inputHeight + 2 * padding.height
        let paddedWidth = inputWidth + 2 * padding.width
        guard extentHeight <= paddedHeight, extentWidth <= paddedWidth else {
            throw TensorError.invalidArgument(
                operation: operation,
                reason: "kernel \(kernel) (dilation \(dilation), extent "
                    + "\(extentHeight)x\(extentWidth)) is larger than the padded input "
                    + "\(paddedHeight)x\(paddedWidth)")
        }
        return Size2D(
            (paddedHeight - extentHeight) / stride.height + 1,
            (paddedWidth - extentWidth) / stride.width + 1)
    }

    /// Checks the shapes of a forward or backward call and derives its geometry.
    func validate(input: Tensor, weight: Tensor, bias: Tensor?, operation: String) throws
        -> ConvolutionGeometry
    {
        guard input.rank == 4 else {
            throw TensorError.invalidShape(
                operation: operation, shape: input.shape,
                reason: "input must be [N, C, H, W] (rank 4), got rank \(input.rank)")
        }
        guard weight.rank == 4 else {
            throw TensorError.invalidShape(
                operation: operation, shape: weight.shape,
                reason: "weight must be [O, C, KH, KW] (rank 4), got rank \(weight.rank)")
        }
        let channels = input.shape[1], outChannels = weight.shape[0]
        guard weight.shape[1] == channels else {
            throw TensorError.invalidArgument(
                operation: operation,
                reason: "input has \(channels) channels, weight expects \(weight.shape[1]) "
                    + "(input \(input.shape), weight \(weight.shape))")
        }
        if let bias, bias.shape != [outChannels] {
            throw TensorError.invalidArgument(
                operation: operation,
                reason: "bias must be [\(outChannels)] for weight \(weight.shape), "
                    + "got \(bias.shape)")
        }
        let kernel = Size2D(weight.shape[2], weight.shape[3])
        let output: Size2D
        do {
            output = try outputSize(
                inputHeight: input.shape[2], inputWidth: input.shape[3], kernel: kernel,
                operation: operation)
        } catch TensorError.invalidArgument(let operation, let reason) {
            throw TensorError.invalidArgument(
                operation: operation,
                reason: reason + " (input \(input.shape), weight \(weight.shape))")
        }
        let geometry = ConvolutionGeometry(
            batch: input.shape[0], channels: channels, height: input.shape[2],
            width: input.shape[3], outChannels: outChannels, kernelHeight: kernel.height,
            kernelWidth: kernel.width, strideHeight: stride.height, strideWidth: stride.width,
            paddingHeight: padding.height, paddingWidth: padding.width,
            dilationHeight: dilation.height, dilationWidth: dilation.width,
            outputHeight: output.height, outputWidth: output.width)
        let limit = Int(Int32.max)
        guard geometry.patchSize <= limit, geometry.outputPlane <= limit,
            geometry.outputPlane.multipliedReportingOverflow(by: max(1, geometry.batch))
                .partialValue <= limit
        else {
            throw TensorError.invalidArgument(
                operation: operation,
                reason: "sizes exceed CBLAS's 32-bit limit (input \(input.shape), "
                    + "weight \(weight.shape))")
        }
        _ = try Tensor.elementCount(
            of: [geometry.batch, outChannels, output.height, output.width],
            operation: operation)
        _ = try Tensor.elementCount(
            of: [geometry.patchSize, geometry.outputPlane],
            operation: operation)
        return geometry
    }
}

/// The sizes of one convolution call, validated.
struct ConvolutionGeometry {
    let batch: Int, channels: Int, height: Int, width: Int
    let outChannels: Int, kernelHeight: Int, kernelWidth: Int
    let strideHeight: Int, strideWidth: Int
    let paddingHeight: Int, paddingWidth: Int
    let dilationHeight: Int, dilationWidth: Int
    let outputHeight: Int, outputWidth: Int

    /// Rows of the im2col matrix: `C·KH·KW` (the GEMM's inner dimension).
    var patchSize: Int { channels * kernelHeight * kernelWidth }
    /// Scalars of one input channel.
    var inputPlane: Int { height * width }
    /// Scalars of one output channel: `OH·OW`.
    var outputPlane: Int { outputHeight * outputWidth }
    /// Scalars of one input sample.
    var inputSample: Int { channels * inputPlane }
    /// Scalars of one output sample.
    var outputSample: Int { outChannels * outputPlane }

    /// For "same" convolutions (stride 1, output as large as the input; 1x1 kernels
    /// excepted), the convolution whose output is this one's input gradient: it maps dY
    /// `[N, O, OH, OW]` with the flipped, transposed weight `[C, O, KH, KW]` and padding
    /// `dilation·(kernel − 1) − padding` to `[N, C, H, W]`. Its im2col is as cheap as the
    /// forward one; for other shapes it would mostly copy padding, and col2im is cheaper.
    var inputGradientAsConvolution: ConvolutionGeometry? {
        let padH = dilationHeight * (kernelHeight - 1) - paddingHeight
        let padW = dilationWidth * (kernelWidth - 1) - paddingWidth
        guard strideHeight == 1, strideWidth == 1, !isPointwise, padH >= 0, padW >= 0,
            outputHeight == height, outputWidth == width
        else { return nil }
        return ConvolutionGeometry(
            batch: batch, channels: outChannels, height: outputHeight, width: outputWidth,
            outChannels: channels, kernelHeight: kernelHeight, kernelWidth: kernelWidth,
            strideHeight: 1, strideWidth: 1, paddingHeight: padH, paddingWidth: padW,
            dilationHeight: dilationHeight, dilationWidth: dilationWidth,
            outputHeight: height, outputWidth: width)
    }

    /// A 1x1 kernel with stride 1 and no padding: the input already is the im2col matrix.
    var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && strideHeight == 1 && strideWidth == 1
            && paddingHeight == 0 && paddingWidth == 0
    }
}
