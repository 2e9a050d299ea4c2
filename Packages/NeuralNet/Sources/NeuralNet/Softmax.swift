import TensorMath

/// Softmax along one axis: probabilities that sum to 1. PyTorch: `nn.Softmax(dim=axis)`.
///
/// Use it to turn logits into probabilities at inference. For training, feed the logits to the
/// fused `softmaxCrossEntropy(logits:labels:)` loss instead of a softmax layer followed by a
/// separate cross-entropy: the fused form is stabler and cheaper.
///
/// - Input: any shape with the axis present (`[N, classes]` by default); output the same shape.
public final class Softmax: Layer {
    /// The normalized axis; default -1 (the last). Negative counts from the end.
    public let axis: Int
    public var isTraining = true
    private var cachedOutput: Tensor?

    /// Creates a softmax over `axis`.
    public init(axis: Int = -1) {
        self.axis = axis
    }

    /// - Throws: ``NeuralNetError/invalidInput(layer:reason:)`` if the input has no such axis.
    public func forward(_ input: Tensor) throws -> Tensor {
        guard -input.rank <= axis, axis < input.rank else {
            throw NeuralNetError.invalidInput(
                layer: "Softmax", reason: "axis \(axis) is out of range for input \(input.shape)")
        }
        let output = try input.softmax(alongAxis: axis)
        cachedOutput = isTraining ? output : nil
        return output
    }

    /// `y ⊙ (g − Σ_axis g ⊙ y)`.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let output = cachedOutput else {
            throw NeuralNetError.backwardWithoutForward(layer: "Softmax")
        }
        try LayerChecks.gradient(outputGradient, matches: output.shape, layer: "Softmax")
        let dot = try (outputGradient * output).sum(alongAxes: [axis], keepingDimensions: true)
        return try (outputGradient - dot) * output
    }

    /// Counted as about four operations per scalar (max, exponential, sum, division).
    public func forwardFLOPs(inputShape: [Int], outputShape: [Int]) -> Int {
        4 * outputShape.reduce(1, *)
    }
}
