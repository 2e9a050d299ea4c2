/// A mini-batch of inputs with one class label per sample: what a training loop consumes.
///
/// `images` is `[N, ...]` (for images `[N, channels, height, width]`) and `labels` holds the `N`
/// class indices in the same order. `Datasets.Batch` conforms, and so does ``TensorBatch`` for
/// tensors made in memory, so a trainer takes either without adapters.
public protocol LabeledBatch {
    /// The inputs, `[N, ...]`.
    var images: Tensor { get }
    /// The `N` class indices, in the order of ``images``.
    var labels: [Int] { get }
}

/// A ``LabeledBatch`` of a tensor and its labels.
///
/// ```swift
/// let batch = TensorBatch(images: try Tensor.zeros([2, 1, 28, 28]), labels: [3, 7])
/// ```
public struct TensorBatch: LabeledBatch, Sendable {
    /// The inputs, `[N, ...]`.
    public var images: Tensor
    /// The `N` class indices.
    public var labels: [Int]

    /// Creates a batch; `images.shape[0]` should equal `labels.count` (trainers check it).
    public init(images: Tensor, labels: [Int]) {
        self.images = images
        self.labels = labels
    }
}
