import TensorMath

extension Loss {
    /// Mean squared error `(1/n) Σ (outputᵢ − targetᵢ)²` over all `n` scalars, as PyTorch's
    /// `F.mse_loss` with the default mean reduction. The gradient with respect to `output` is
    /// `2 (output − target) / n`.
    ///
    /// - Parameters:
    ///   - output: The network output, any non-empty shape.
    ///   - target: The desired output, the same shape.
    /// - Throws: ``NeuralNetError/invalidInput(layer:reason:)`` naming both shapes when they
    ///   differ, or for an empty output.
    public static func meanSquaredError(_ output: Tensor, target: Tensor) throws -> LossOutput {
        try checkSameShape(output, target, operation: "meanSquaredError")
        let scale = 2 / Float(output.count)
        let (sum, gradient) = squaredErrors(output, target, gradientScale: scale)
        return LossOutput(value: Float(sum / Double(output.count)), gradient: gradient)
    }

    /// The total error of the classic back-propagation tutorial,
    /// `E = ½ Σ (targetᵢ − outputᵢ)²` summed over all scalars (batch included), whose exact
    /// gradient with respect to `output` is `output − target`.
    ///
    /// - Parameters:
    ///   - output: The network output, any non-empty shape.
    ///   - target: The desired output, the same shape.
    /// - Throws: ``NeuralNetError/invalidInput(layer:reason:)`` naming both shapes when they
    ///   differ, or for an empty output.
    public static func totalSquaredError(_ output: Tensor, target: Tensor) throws -> LossOutput {
        try checkSameShape(output, target, operation: "totalSquaredError")
        let (sum, gradient) = squaredErrors(output, target, gradientScale: 1)
        return LossOutput(value: Float(sum / 2), gradient: gradient)
    }

    /// One-hot rows for class labels: shape `[labels.count, classCount]`, 1 at each label.
    /// Squared-error losses use it to train classifiers.
    /// - Throws: ``NeuralNetError/invalidInput(layer:reason:)`` for a label outside
    ///   `0..<classCount` (naming the sample) or a non-positive class count.
    public static func oneHot(labels: [Int], classCount: Int) throws -> Tensor {
        guard classCount > 0 else {
            throw NeuralNetError.invalidInput(
                layer: "oneHot", reason: "class count must be positive, got \(classCount)")
        }
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= classCount }) {
            throw NeuralNetError.invalidInput(
                layer: "oneHot",
                reason: "label \(labels[bad]) of sample \(bad) is outside 0..<\(classCount)")
        }
        var result = try Tensor.zeros([labels.count, classCount])
        result.withUnsafeMutableBufferPointer { buffer in
            for (i, label) in labels.enumerated() { buffer[i * classCount + label] = 1 }
        }
        return result
    }

    /// `Σ (output − target)²` in `Double` and `gradientScale · (output − target)`.
    private static func squaredErrors(
        _ output: Tensor, _ target: Tensor, gradientScale: Float
    ) -> (sum: Double, gradient: Tensor) {
        var gradient = Tensor.zeros(like: output)
        var sum = 0.0
        output.withUnsafeBufferPointer { y in
            target.withUnsafeBufferPointer { t in
                gradient.withUnsafeMutableBufferPointer { g in
                    for i in 0..<y.count {
                        let difference = y[i] - t[i]
                        sum += Double(difference) * Double(difference)
                        g[i] = gradientScale * difference
                    }
                }
            }
        }
        return (sum, gradient)
    }
}
