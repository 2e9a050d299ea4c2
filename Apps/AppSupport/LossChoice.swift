import ArgumentParser
import NeuralNet

/// The losses a training command offers (`--loss`).
public enum LossChoice: String, Codable, CaseIterable, ExpressibleByArgument, Sendable {
    /// Softmax cross-entropy on the logits (with `--label-smoothing`).
    case crossEntropy = "cross-entropy"
    /// The back-propagation tutorial's total error `½ Σ (target − output)²` on the softmax
    /// outputs against one-hot targets, per sample, averaged over the batch
    /// (``NeuralNet/ClassificationLoss/softmaxSquaredError``).
    case squaredError = "squared-error"

    /// The trainer's loss.
    /// - Parameter labelSmoothing: The cross-entropy's label smoothing (the squared error
    ///   takes none).
    public func classificationLoss(labelSmoothing: Float) -> ClassificationLoss {
        switch self {
        case .crossEntropy: return .softmaxCrossEntropy(labelSmoothing: labelSmoothing)
        case .squaredError: return .softmaxSquaredError
        }
    }
}
