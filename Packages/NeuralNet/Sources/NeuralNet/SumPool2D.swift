import TensorMath

/// Sum pooling over NCHW images: each output is the sum of its window, as in the
/// subsampling layers of LeNet-5 before their trainable scale. PyTorch has no module for it:
/// `F.avg_pool2d(x, kernelSize, stride, padding, divisor_override=1)` computes the same.
///
/// - Input: `[N, C, H, W]`; output `[N, C, OH, OW]` with
///   `OH = ⌊(H + 2·padding − kernel) / stride⌋ + 1` (rounded up with `ceilMode`).
/// - Padding is zeros.
public final class SumPool2D: Layer {
    private var runner: PoolingRunner
    public var isTraining = true

    /// The pooling configuration.
    public var pooling: Pooling2D { runner.pooling }

    /// Creates a sum pool.
    /// - Parameters:
    ///   - kernelSize: The window (`2` for 2x2).
    ///   - stride: Default: the kernel size.
    ///   - padding: Default 0; at most half the kernel.
    ///   - ceilMode: Round the output size up; default `false`.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` for a non-positive kernel or
    ///   stride or too much padding.
    public init(
        kernelSize: Size2D, stride: Size2D? = nil, padding: Size2D = 0, ceilMode: Bool = false
    ) throws {
        runner = try PoolingRunner(
            kind: .sum, kernelSize: kernelSize, stride: stride, padding: padding,
            ceilMode: ceilMode, countIncludesPadding: true, layer: "SumPool2D")
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
