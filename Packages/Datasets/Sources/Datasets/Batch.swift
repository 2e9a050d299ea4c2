import TensorMath

/// One mini-batch from a ``BatchLoader``; a `LabeledBatch`, so a `NeuralNet.Trainer` trains on
/// a loader's epochs directly.
public struct Batch: LabeledBatch, Sendable {
    /// The images, `[N, channels, height, width]`, normalized.
    public let images: Tensor
    /// The N labels, in the same order.
    public let labels: [Int]
    /// The data-set index of each image, in the same order.
    public let indices: [Int]
    /// The samples of this batch that could not be loaded (they are left out, so N can be
    /// smaller than the batch size), each error naming its file.
    public let failures: [DatasetError]

    /// The number of images.
    public var count: Int { labels.count }
}
