import TensorMath

/// Batch normalization over the features of flat inputs or sequences. PyTorch:
/// `nn.BatchNorm1d(features, eps=epsilon, momentum=momentum, affine=affine)`.
///
/// - Input: `[N, C]` or `[N, C, L]` with `C == features`; output the same shape.
/// - Statistics per feature over `N` (and `L`); see ``BatchNorm`` for the parameters, the
///   buffers (`running_mean`, `running_var`, `num_batches_tracked`) and the modes.
public final class BatchNorm1D: BatchNorm {
    /// Creates a 1-D batch normalization.
    /// - Parameters:
    ///   - features: The feature count `C`.
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
            layer: "BatchNorm1D", ranks: 2...3, layout: "[N, C] or [N, C, L]")
    }
}
