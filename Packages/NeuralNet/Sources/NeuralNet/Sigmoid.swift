import TensorMath

/// The logistic sigmoid `1 / (1 + e⁻ˣ)`, element-wise. PyTorch: `nn.Sigmoid()`.
///
/// - Input: any shape; output the same shape, in `(0, 1)`.
public final class Sigmoid: Layer {
    public var isTraining = true
    private var cachedOutput: Tensor?

    /// Creates a sigmoid layer.
    public init() {}

    public func forward(_ input: Tensor) throws -> Tensor {
        let output = input.sigmoid()
        cachedOutput = isTraining ? output : nil
        return output
    }

    /// `g·y·(1 − y)`.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let output = cachedOutput else {
            throw NeuralNetError.backwardWithoutForward(layer: "Sigmoid")
        }
        try LayerChecks.gradient(outputGradient, matches: output.shape, layer: "Sigmoid")
        return try Tensor.sigmoidGradient(output: output, outputGradient: outputGradient)
    }

    /// Counted as one operation per scalar.
    public func forwardFLOPs(inputShape: [Int], outputShape: [Int]) -> Int {
        outputShape.reduce(1, *)
    }
}
