import TensorMath

/// The leaky rectified linear unit: `x` for `x > 0`, `slope·x` otherwise, element-wise.
/// PyTorch: `nn.LeakyReLU(negative_slope=slope)`.
///
/// - Input: any shape; output the same shape.
public final class LeakyReLU: Layer {
    /// The slope for negative inputs; default 0.01 (PyTorch's).
    public let slope: Float
    public var isTraining = true
    private var cachedInput: Tensor?

    /// Creates a leaky ReLU with the given negative slope.
    public init(slope: Float = 0.01) {
        self.slope = slope
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        cachedInput = isTraining ? input : nil
        return input.leakyRelu(slope: slope)
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let input = cachedInput else {
            throw NeuralNetError.backwardWithoutForward(layer: "LeakyReLU")
        }
        try LayerChecks.gradient(outputGradient, matches: input.shape, layer: "LeakyReLU")
        return try Tensor.leakyReluGradient(
            input: input, outputGradient: outputGradient, slope: slope)
    }

    /// One comparison and one multiplication per scalar.
    public func forwardFLOPs(inputShape: [Int], outputShape: [Int]) -> Int {
        2 * outputShape.reduce(1, *)
    }
}
