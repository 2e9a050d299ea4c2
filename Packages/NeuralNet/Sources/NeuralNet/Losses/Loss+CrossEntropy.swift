import Foundation
import TensorMath

extension Loss {
    /// Softmax cross-entropy on raw logits, averaged over the batch, fused with a numerically
    /// stable log-softmax: PyTorch's `F.cross_entropy(logits, labels,
    /// label_smoothing: labelSmoothing)` with the default mean reduction.
    ///
    /// With smoothing `ε` and `C` classes the target distribution of sample `i` is
    /// `qᵢ = (1 − ε)·onehot(labelᵢ) + ε/C`, the loss is `−(1/N) Σᵢ Σ_c qᵢc · log softmax(xᵢ)_c`
    /// and its gradient with respect to the logits is `(softmax(xᵢ) − qᵢ) / N`.
    ///
    /// - Parameters:
    ///   - logits: Unnormalized scores, shape `[N, C]` with `N ≥ 1`, `C ≥ 1`.
    ///   - labels: `N` class indices in `0..<C`.
    ///   - labelSmoothing: `ε` in `[0, 1]`; default 0 (plain cross-entropy).
    /// - Returns: The mean loss and its gradient, shape `[N, C]`.
    /// - Throws: ``NeuralNetError/invalidInput(layer:reason:)`` for logits that are not rank 2
    ///   or empty, a label count different from `N`, a label outside `0..<C` (naming the
    ///   sample and the label), or a smoothing outside `[0, 1]`.
    public static func softmaxCrossEntropy(
        logits: Tensor, labels: [Int], labelSmoothing: Float = 0
    ) throws -> LossOutput {
        let result = try softmaxCrossEntropy(
            logits: logits, labels: labels, labelSmoothing: labelSmoothing,
            computingGradient: true)
        return LossOutput(value: result.value, gradient: result.gradient!)
    }

    /// Shared implementation; skips the gradient when `computingGradient` is false
    /// (evaluation).
    static func softmaxCrossEntropy(
        logits: Tensor, labels: [Int], labelSmoothing: Float, computingGradient: Bool
    ) throws -> (value: Float, gradient: Tensor?) {
        let operation = "softmaxCrossEntropy"
        let (n, c) = try checkClassification(
            logits: logits, labels: labels, operation: operation)
        guard labelSmoothing >= 0, labelSmoothing <= 1 else {
            throw NeuralNetError.invalidInput(
                layer: operation, reason: "label smoothing \(labelSmoothing) is outside [0, 1]")
        }
        let smoothing = Double(labelSmoothing)
        let offTarget = smoothing / Double(c)
        let onTarget = 1 - smoothing + offTarget
        var gradient = computingGradient ? Tensor.zeros(like: logits) : nil
        let scale = 1 / Float(n)
        var total = 0.0
        logits.withUnsafeBufferPointer { x in
            var probabilities = [Double](repeating: 0, count: c)
            for i in 0..<n {
                let row = i * c
                var maximum = -Float.infinity
                for j in 0..<c { maximum = Swift.max(maximum, x[row + j]) }
                var sumExp = 0.0, sumLogits = 0.0
                for j in 0..<c {
                    let shifted = Double(x[row + j] - maximum)
                    let e = Foundation.exp(shifted)
                    probabilities[j] = e
                    sumExp += e
                    sumLogits += shifted
                }
                let logSumExp = Foundation.log(sumExp)
                // −Σ_c q_c (s_c − lse) with s the shifted logits.
                let labelLogProbability = Double(x[row + labels[i]] - maximum) - logSumExp
                let meanLogProbability = sumLogits / Double(c) - logSumExp
                total -= (1 - smoothing) * labelLogProbability + smoothing * meanLogProbability
                if computingGradient {
                    gradient!.withUnsafeMutableBufferPointer { g in
                        for j in 0..<c {
                            let target = j == labels[i] ? onTarget : offTarget
                            g[row + j] = Float(probabilities[j] / sumExp - target) * scale
                        }
                    }
                }
            }
        }
        return (Float(total / Double(n)), gradient)
    }
}
