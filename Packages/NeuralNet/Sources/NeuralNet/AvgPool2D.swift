import TensorMath

/// Average pooling over NCHW images. PyTorch: `nn.AvgPool2d(kernelSize, stride, padding,
/// ceil_mode=ceilMode, count_include_pad=countIncludesPadding)`.
///
/// - Input: `[N, C, H, W]`; output `[N, C, OH, OW]` with
///   `OH = ⌊(H + 2·padding − kernel) / stride⌋ + 1` (rounded up with `ceilMode`).
/// - Padding is zeros; with `countIncludesPadding` (PyTorch's default) they count in the
///   divisor, otherwise only the input scalars under the window do.
public final class AvgPool2D: Layer {
    private var runner: PoolingRunner
    public var isTraining = true

    /// The pooling configuration.
    public var pooling: Pooling2D { runner.pooling }

    /// Creates an average pool.
    /// - Parameters:
    ///   - kernelSize: The window (`2` for 2x2).
    ///   - stride: Default: the kernel size.
    ///   - padding: Default 0; at most half the kernel.
    ///   - ceilMode: Round the output size up; default `false`.
    ///   - countIncludesPadding: Divide by the full window even where it covers padding;
    ///     default `true`.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` for a non-positive kernel or
    ///   stride or too much padding.
    public init(
        kernelSize: Size2D, stride: Size2D? = nil, padding: Size2D = 0, ceilMode: Bool = false,
        countIncludesPadding: Bool = true
    ) throws {
        runner = try PoolingRunner(
            kind: .average, kernelSize: kernelSize, stride: stride, padding: padding,
            ceilMode: ceilMode, countIncludesPadding: countIncludesPadding, layer: "AvgPool2D")
    }

    /// - Throws: ``NeuralNetError/invalidInput(layer:reason:)`` for a rank other than 4 or an
    ///   input smaller than the window.
    public func forward(_ input: Tensor) throws -> Tensor {
        try runner.forward(input, training: isTraining)
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        try runner.backward(outputGradient)
    }

    /// One addition per window element per output scalar.
    public func forwardFLOPs(inputShape: [Int], outputShape: [Int]) -> Int {
        runner.flops(outputShape: outputShape)
    }
}
