import Foundation
import TensorMath

extension Loss {
    /// The back-propagation tutorial's total error on softmax outputs: for each sample the
    /// network's logits `x` become probabilities `p = softmax(x)` and its error is
    /// `E = ½ Σ_c (t_c − p_c)²` against the one-hot target `t`; the loss is the mean of `E`
    /// over the batch (the tutorial's total error of one sample, averaged, so that the value
    /// does not grow with the batch size).
    ///
    /// The gradient with respect to the logits goes through the softmax:
    /// `∂E/∂x_j = p_j ((p_j − t_j) − Σ_c (p_c − t_c) p_c)`, divided by `N`.
    ///
    /// - Parameters:
    ///   - logits: Unnormalized scores, shape `[N, C]` with `N ≥ 1`, `C ≥ 1`.
    ///   - labels: `N` class indices in `0..<C`.
    /// - Returns: The mean total error and its gradient, shape `[N, C]`.
    /// - Throws: ``NeuralNetError/invalidInput(layer:reason:)`` for logits that are not rank 2
    ///   or empty, a label count different from `N`, or a label outside `0..<C` (naming the
    ///   sample and the label).
    public static func softmaxSquaredError(logits: Tensor, labels: [Int]) throws -> LossOutput {
        let result = try softmaxSquaredError(
            logits: logits, labels: labels, computingGradient: true)
        return LossOutput(value: result.value, gradient: result.gradient!)
    }

    /// Shared implementation; skips the gradient when `computingGradient` is false.
    static func softmaxSquaredError(
        logits: Tensor, labels: [Int], computingGradient: Bool
    ) throws -> (value: Float, gradient: Tensor?) {
        let (n, c) = try checkClassification(
            logits: logits, labels: labels, operation: "softmaxSquaredError")
        var gradient = computingGradient ? Tensor.zeros(like: logits) : nil
        let scale = 1 / Double(n)
        var total = 0.0
        logits.withUnsafeBufferPointer { x in
            var p = [Double](repeating: 0, count: c)
            for i in 0..<n {
                let row = i * c
                var maximum = -Float.infinity
                for j in 0..<c { maximum = Swift.max(maximum, x[row + j]) }
                var sum = 0.0
                for j in 0..<c {
                    p[j] = Foundation.exp(Double(x[row + j] - maximum))
                    sum += p[j]
                }
                // d_c = p_c − t_c; E = ½ Σ d², and Σ_c d_c p_c for the softmax's Jacobian.
                var error = 0.0, weighted = 0.0
                for j in 0..<c {
                    p[j] /= sum
                    let d = p[j] - (j == labels[i] ? 1 : 0)
                    error += d * d
                    weighted += d * p[j]
                }
                total += error / 2
                if computingGradient {
                    gradient!.withUnsafeMutableBufferPointer { g in
                        for j in 0..<c {
                            let d = p[j] - (j == labels[i] ? 1 : 0)
                            g[row + j] = Float(p[j] * (d - weighted) * scale)
                        }
                    }
                }
            }
        }
        return (Float(total * scale), gradient)
    }
}
