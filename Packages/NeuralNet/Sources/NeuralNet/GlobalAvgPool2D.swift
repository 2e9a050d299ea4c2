import TensorMath

/// Global average pooling: the mean of each channel over its whole plane.
/// PyTorch: `nn.AdaptiveAvgPool2d(1)` followed by `torch.flatten(x, 1)` (as at the end of
/// torchvision's ResNet).
///
/// - Input: `[N, C, H, W]` with `H, W ≥ 1`; output `[N, C]`.
public final class GlobalAvgPool2D: Layer {
    public var isTraining = true
    private var cachedInputShape: [Int]?

    /// Creates a global average pool.
    public init() {}

    /// `[N, C, H, W]` → `[N, C]`.
    /// - Throws: ``NeuralNetError/invalidInput(layer:reason:)`` for a rank other than 4 or an
    ///   empty plane.
    public func forward(_ input: Tensor) throws -> Tensor {
        try LayerChecks.rank(of: input, in: 4...4, layer: "GlobalAvgPool2D", layout: "[N, C, H, W]")
        let plane = input.shape[2] * input.shape[3]
        guard plane > 0 else {
            throw NeuralNetError.invalidInput(
                layer: "GlobalAvgPool2D", reason: "input \(input.shape) has an empty plane")
        }
        let output = try input.globalAveragePooled()
        cachedInputShape = isTraining ? input.shape : nil
        return output
    }

    /// Spreads each `[N, C]` gradient evenly over its plane.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let shape = cachedInputShape else {
            throw NeuralNetError.backwardWithoutForward(layer: "GlobalAvgPool2D")
        }
        try LayerChecks.gradient(
            outputGradient, matches: [shape[0], shape[1]], layer: "GlobalAvgPool2D")
        return try Tensor.globalAveragePoolingGradient(
            outputGradient: outputGradient, inputShape: shape)
    }

    /// One addition per input scalar.
    public func forwardFLOPs(inputShape: [Int], outputShape: [Int]) -> Int {
        inputShape.reduce(1, *)
    }
}
