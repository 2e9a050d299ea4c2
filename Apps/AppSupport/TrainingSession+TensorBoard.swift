import Datasets
import TensorMath

extension TrainingSession {
    /// The image whose feature maps `--tensorboard` shows after every epoch: the first
    /// validation image (else the first training image), normalized, `[1, C, H, W]`; `nil`
    /// without images.
    func fixedImage() throws -> Tensor? {
        let source = validationSet ?? trainingSet
        guard source.count > 0 else { return nil }
        let loader = try BatchLoader(
            source: try SubsetSource(source, indices: [0]), batchSize: 1, shuffle: false,
            normalization: normalization)
        return loader.batches(epoch: 0).first { _ in true }?.images
    }
}
