/// The metrics of one finished epoch.
public struct MetricRecord: Codable, Equatable, Sendable {
    /// The epoch, counted from 0.
    public var epoch: Int
    /// Metric values by name (`train_loss`, `validation_accuracy`, `learning_rate`).
    public var values: [String: Double]

    /// Creates a record.
    public init(epoch: Int, values: [String: Double]) {
        self.epoch = epoch
        self.values = values
    }
}
