import TensorMath

/// Small labelled data sets made in memory, for tests and examples that train a network.
public enum SyntheticBatches {
    /// `count` batches of `batchSize` 8x8 single-channel images `[batchSize, 1, 8, 8]` in two
    /// classes: noise in `[0, 0.5)` with the left half (label 0) or the right half (label 1)
    /// brightened by 0.5. A small CNN separates them within a few epochs.
    public static func brightHalves(count: Int = 20, batchSize: Int = 32, seed: UInt64 = 1)
        throws -> [TensorBatch]
    {
        var data = Xoshiro256(seed: seed)
        return try (0..<count).map { _ in
            let labels = (0..<batchSize).map { _ in Int(data.next() % 2) }
            var images = try Tensor.uniform([batchSize, 1, 8, 8], low: 0, high: 0.5, using: &data)
            for (n, label) in labels.enumerated() {
                for y in 0..<8 { for x in 0..<4 { images[n, 0, y, x + 4 * label] += 0.5 } }
            }
            return TensorBatch(images: images, labels: labels)
        }
    }
}
