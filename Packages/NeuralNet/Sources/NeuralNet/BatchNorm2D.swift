import TensorMath

/// Batch normalization over the channels of NCHW images. PyTorch:
/// `nn.BatchNorm2d(features, eps=epsilon, momentum=momentum, affine=affine)`.
///
/// - Input: `[N, C, H, W]` with `C == features`; output the same shape.
/// - Statistics per channel over `N`, `H` and `W`; see ``BatchNorm`` for the parameters,
///   the buffers (`running_mean`, `running_var`, `num_batches_tracked`) and the modes.
public final class BatchNorm2D: BatchNorm {
    /// Creates a 2-D batch normalization.
    /// - Parameters:
    ///   - features: The channel count `C`.
    ///   - momentum: Default 0.1; `nil` for a cumulative average.
    ///   - epsilon: Default `1e-5`.
    ///   - affine: Whether the layer has `weight` and `bias`; default `true`.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` for non-positive features or
    ///   epsilon, or a momentum outside `[0, 1]`.
    public init(
        features: Int, momentum: Float? = 0.1, epsilon: Float = 1e-5, affine: Bool = true
    ) throws {
        try super.init(
            features: features, momentum: momentum, epsilon: epsilon, affine: affine,
            layer: "BatchNorm2D", ranks: 4...4, layout: "[N, C, H, W]")
    }
}
