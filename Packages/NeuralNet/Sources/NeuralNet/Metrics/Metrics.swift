import TensorMath

/// Classification metrics computed from a batch of scores (logits or probabilities).
///
/// Ties follow PyTorch's `argmax`: among equal scores the lowest class index ranks first.
public enum Metrics {
    /// The predicted class of each row of `scores` `[N, C]`: the index of its largest score
    /// (the first on ties).
    /// - Throws: ``NeuralNetError/invalidInput(layer:reason:)`` unless `scores` has shape
    ///   `[N, C]` with `C ≥ 1`.
    public static func predictions(_ scores: Tensor) throws -> [Int] {
        let (n, c) = try dimensions(scores, operation: "Metrics.predictions")
        var result = [Int](repeating: 0, count: n)
        scores.withUnsafeBufferPointer { s in
            for i in 0..<n {
                var best = 0
                for j in 1..<c where s[i * c + j] > s[i * c + best] { best = j }
                result[i] = best
            }
        }
        return result
    }

    /// The number of rows of `scores` `[N, C]` whose prediction equals the label.
    /// - Throws: ``NeuralNetError/invalidInput(layer:reason:)`` for a wrong shape or a label
    ///   count different from `N`.
    public static func correctCount(_ scores: Tensor, labels: [Int]) throws -> Int {
        try topKCorrectCount(scores, labels: labels, k: 1)
    }

    /// The fraction of rows whose prediction equals the label, in `[0, 1]` (0 for an empty
    /// batch).
    /// - Throws: ``NeuralNetError/invalidInput(layer:reason:)`` for a wrong shape or a label
    ///   count different from `N`.
    public static func accuracy(_ scores: Tensor, labels: [Int]) throws -> Double {
        try topKAccuracy(scores, labels: labels, k: 1)
    }

    /// The fraction of rows whose label is among the `k` highest-scoring classes (ties broken
    /// toward the lower class index), in `[0, 1]`.
    /// - Parameters:
    ///   - scores: Shape `[N, C]`.
    ///   - labels: `N` class indices; a label outside `0..<C` counts as wrong.
    ///   - k: At least 1; `k ≥ C` counts every valid label as correct.
    /// - Throws: ``NeuralNetError/invalidInput(layer:reason:)`` for a wrong shape, a label
    ///   count different from `N`, or `k < 1`.
    public static func topKAccuracy(_ scores: Tensor, labels: [Int], k: Int) throws -> Double {
        let correct = try topKCorrectCount(scores, labels: labels, k: k)
        return labels.isEmpty ? 0 : Double(correct) / Double(labels.count)
    }

    /// The number of rows whose label is among the `k` highest-scoring classes.
    /// - Throws: As ``topKAccuracy(_:labels:k:)``.
    public static func topKCorrectCount(_ scores: Tensor, labels: [Int], k: Int) throws -> Int {
        let operation = "Metrics.topKAccuracy"
        let (n, c) = try dimensions(scores, operation: operation)
        guard labels.count == n else {
            throw NeuralNetError.invalidInput(
                layer: operation,
                reason: "\(labels.count) labels for scores of shape \(scores.shape)")
        }
        guard k >= 1 else {
            throw NeuralNetError.invalidInput(layer: operation, reason: "k must be ≥ 1, got \(k)")
        }
        var correct = 0
        scores.withUnsafeBufferPointer { s in
            for i in 0..<n {
                let label = labels[i]
                guard label >= 0, label < c else { continue }
                let target = s[i * c + label]
                // The label's rank: classes scoring higher, or equal with a lower index.
                var rank = 0
                for j in 0..<c {
                    let value = s[i * c + j]
                    if value > target || (value == target && j < label) { rank += 1 }
                }
                if rank < k { correct += 1 }
            }
        }
        return correct
    }

    private static func dimensions(_ scores: Tensor, operation: String) throws -> (Int, Int) {
        guard scores.rank == 2, scores.shape[1] >= 1 else {
            throw NeuralNetError.invalidInput(
                layer: operation, reason: "scores must have shape [N, C], got \(scores.shape)")
        }
        return (scores.shape[0], scores.shape[1])
    }
}
