import TensorMath

/// The hyperbolic tangent, element-wise. PyTorch: `nn.Tanh()`.
///
/// - Input: any shape; output the same shape, in `(-1, 1)`.
public final class Tanh: Layer {
    public var isTraining = true
    private var cachedOutput: Tensor?

    /// Creates a tanh layer.
    public init() {}

    public func forward(_ input: Tensor) throws -> Tensor {
        let output = input.tanh()
        cachedOutput = isTraining ? output : nil
        return output
    }

    /// `g·(1 − y²)`.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let output = cachedOutput else {
            throw NeuralNetError.backwardWithoutForward(layer: "Tanh")
        }
        try LayerChecks.gradient(outputGradient, matches: output.shape, layer: "Tanh")
        return try Tensor.tanhGradient(output: output, outputGradient: outputGradient)
    }

    /// Counted as one operation per scalar.
    public func forwardFLOPs(inputShape: [Int], outputShape: [Int]) -> Int {
        outputShape.reduce(1, *)
    }
}
