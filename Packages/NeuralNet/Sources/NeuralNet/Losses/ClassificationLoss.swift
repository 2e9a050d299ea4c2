import TensorMath

/// The loss a ``Trainer`` minimizes: a function of the model's output `[N, C]` and the batch's
/// class labels, returning the loss and its gradient with respect to the output.
///
/// Use the built-in choices or wrap any function:
/// ```swift
/// let loss = ClassificationLoss.softmaxCrossEntropy(labelSmoothing: 0.1)
/// let custom = ClassificationLoss(name: "my loss") { output, labels in ... }
/// ```
public struct ClassificationLoss: CustomStringConvertible {
    /// A short name for logs and reports.
    public let name: String
    /// Evaluates the loss for an output `[N, C]` and `N` labels; `computingGradient` false
    /// allows skipping the gradient (evaluation), in which case the returned gradient may be
    /// empty.
    let evaluate:
        (_ output: Tensor, _ labels: [Int], _ computingGradient: Bool) throws
            -> LossOutput

    /// Creates a loss from a function returning the loss and its gradient.
    public init(name: String, _ function: @escaping (Tensor, [Int]) throws -> LossOutput) {
        self.name = name
        self.evaluate = { output, labels, _ in try function(output, labels) }
    }

    init(
        name: String,
        evaluate: @escaping (Tensor, [Int], Bool) throws -> LossOutput
    ) {
        self.name = name
        self.evaluate = evaluate
    }

    /// The loss and its gradient for a batch.
    /// - Parameters:
    ///   - output: The model output, shape `[N, C]`.
    ///   - labels: `N` class indices.
    public func callAsFunction(_ output: Tensor, labels: [Int]) throws -> LossOutput {
        try evaluate(output, labels, true)
    }

    /// The loss alone, without its gradient: what evaluation needs (the built-in losses then
    /// skip the gradient's work).
    /// - Parameters:
    ///   - output: The model output, shape `[N, C]`.
    ///   - labels: `N` class indices.
    public func value(_ output: Tensor, labels: [Int]) throws -> Float {
        try evaluate(output, labels, false).value
    }

    public var description: String { name }

    /// Softmax cross-entropy on logits
    /// (``Loss/softmaxCrossEntropy(logits:labels:labelSmoothing:)``), the default for
    /// classifiers.
    /// - Parameter labelSmoothing: `ε` in `[0, 1]`; default 0.
    public static func softmaxCrossEntropy(labelSmoothing: Float = 0) -> ClassificationLoss {
        let name =
            labelSmoothing == 0
            ? "softmax cross-entropy"
            : "softmax cross-entropy (label smoothing \(labelSmoothing))"
        return ClassificationLoss(name: name) { output, labels, computingGradient in
            let result = try Loss.softmaxCrossEntropy(
                logits: output, labels: labels, labelSmoothing: labelSmoothing,
                computingGradient: computingGradient)
            return LossOutput(value: result.value, gradient: result.gradient ?? Tensor([]))
        }
    }

    /// The tutorial's total error `½ Σ_c (t_c − softmax(x)_c)²` on softmax outputs against
    /// one-hot targets, averaged over the batch (``Loss/softmaxSquaredError(logits:labels:)``);
    /// the network outputs logits, as for cross-entropy.
    public static var softmaxSquaredError: ClassificationLoss {
        ClassificationLoss(name: "softmax squared error") { output, labels, computingGradient in
            let result = try Loss.softmaxSquaredError(
                logits: output, labels: labels, computingGradient: computingGradient)
            return LossOutput(value: result.value, gradient: result.gradient ?? Tensor([]))
        }
    }

    /// Mean squared error between the output `[N, C]` and one-hot targets
    /// (``Loss/meanSquaredError(_:target:)``).
    public static var meanSquaredError: ClassificationLoss {
        ClassificationLoss(name: "mean squared error") { output, labels in
            try Loss.meanSquaredError(
                output, target: Loss.oneHot(labels: labels, classCount: classCount(output)))
        }
    }

    /// The tutorial's total error `½ Σ (target − output)²` against one-hot targets
    /// (``Loss/totalSquaredError(_:target:)``).
    public static var totalSquaredError: ClassificationLoss {
        ClassificationLoss(name: "total squared error") { output, labels in
            try Loss.totalSquaredError(
                output, target: Loss.oneHot(labels: labels, classCount: classCount(output)))
        }
    }

    private static func classCount(_ output: Tensor) throws -> Int {
        guard output.rank == 2 else {
            throw NeuralNetError.invalidInput(
                layer: "ClassificationLoss",
                reason: "output must have shape [N, C], got \(output.shape)")
        }
        return output.shape[1]
    }
}
