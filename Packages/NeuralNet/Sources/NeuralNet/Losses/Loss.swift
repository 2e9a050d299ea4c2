import TensorMath

/// A loss value together with its gradient with respect to the loss function's input.
///
/// Every loss in ``Loss`` computes both at once, so a training step feeds ``gradient``
/// straight into the model's `backward(_:)`.
public struct LossOutput: Equatable, Sendable {
    /// The scalar loss.
    public var value: Float
    /// The gradient of ``value`` with respect to the loss's input (the logits or outputs);
    /// shaped like that input.
    public var gradient: Tensor

    /// Creates a loss output.
    public init(value: Float, gradient: Tensor) {
        self.value = value
        self.gradient = gradient
    }
}

/// The loss functions, each returning the loss and its exact input gradient (``LossOutput``).
///
/// - ``softmaxCrossEntropy(logits:labels:labelSmoothing:)``: classification on raw logits,
///   fused with a numerically stable log-softmax (PyTorch's `F.cross_entropy`).
/// - ``meanSquaredError(_:target:)``: `mean((output − target)²)` (PyTorch's `F.mse_loss`).
/// - ``totalSquaredError(_:target:)``: the back-propagation tutorial's total error
///   `½ Σ (target − output)²`.
///
/// Invalid shapes and labels throw ``NeuralNetError`` naming the loss and the shapes.
public enum Loss {}

extension Loss {
    /// Validates that `output` and `target` have the same shape and are not empty.
    static func checkSameShape(_ output: Tensor, _ target: Tensor, operation: String) throws {
        guard output.shape == target.shape else {
            throw NeuralNetError.invalidInput(
                layer: operation,
                reason: "output shape \(output.shape) differs from target shape \(target.shape)")
        }
        guard output.count > 0 else {
            throw NeuralNetError.invalidInput(
                layer: operation, reason: "empty output of shape \(output.shape)")
        }
    }
}

extension Loss {
    /// Checks a classification loss's input: logits `[N, C]` with `N, C ≥ 1` and `N` labels
    /// in `0..<C`; returns `(N, C)`.
    /// - Throws: ``NeuralNetError/invalidInput(layer:reason:)`` naming `operation`, the shapes
    ///   and, for a bad label, the sample and the label.
    static func checkClassification(
        logits: Tensor, labels: [Int], operation: String
    ) throws -> (n: Int, c: Int) {
        guard logits.rank == 2, logits.shape[0] > 0, logits.shape[1] > 0 else {
            throw NeuralNetError.invalidInput(
                layer: operation,
                reason: "logits must have shape [N, C] with N, C ≥ 1, got \(logits.shape)")
        }
        let (n, c) = (logits.shape[0], logits.shape[1])
        guard labels.count == n else {
            throw NeuralNetError.invalidInput(
                layer: operation,
                reason: "\(labels.count) labels for logits of shape \(logits.shape)")
        }
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= c }) {
            throw NeuralNetError.invalidInput(
                layer: operation,
                reason: "label \(labels[bad]) of sample \(bad) is outside 0..<\(c) "
                    + "(logits \(logits.shape))")
        }
        return (n, c)
    }
}
