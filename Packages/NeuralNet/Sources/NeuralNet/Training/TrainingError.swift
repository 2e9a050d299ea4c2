/// Errors raised while training that are not configuration or shape mistakes.
public enum TrainingError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The loss became NaN or infinite: training diverged. No update was applied for the
    /// batch.
    case nonFiniteLoss(epoch: Int, batch: Int, learningRate: Float)

    public var description: String {
        switch self {
        case let .nonFiniteLoss(epoch, batch, learningRate):
            return "training diverged: the loss is not finite at epoch \(epoch), batch \(batch) "
                + "(learning rate \(learningRate)); try a lower learning rate"
        }
    }
}
