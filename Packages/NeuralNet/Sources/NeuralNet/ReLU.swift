import TensorMath

/// The rectified linear unit `max(0, x)`, element-wise. PyTorch: `nn.ReLU()`.
///
/// - Input: any shape; output the same shape. The gradient at 0 is 0, as PyTorch's.
public final class ReLU: Layer {
    public var isTraining = true
    private var cachedInput: Tensor?

    /// Creates a ReLU.
    public init() {}

    public func forward(_ input: Tensor) throws -> Tensor {
        cachedInput = isTraining ? input : nil
        return input.relu()
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let input = cachedInput else {
            throw NeuralNetError.backwardWithoutForward(layer: "ReLU")
        }
        try LayerChecks.gradient(outputGradient, matches: input.shape, layer: "ReLU")
        return try Tensor.reluGradient(input: input, outputGradient: outputGradient)
    }

    /// One comparison per scalar.
    public func forwardFLOPs(inputShape: [Int], outputShape: [Int]) -> Int {
        outputShape.reduce(1, *)
    }
}
