/// A data set of labelled images that a ``BatchLoader`` draws from: ``MNIST``, ``ImageFolder``
/// (decoding files on demand) and ``InMemoryImageDataset`` (decoded pixels cached in memory).
///
/// Conforming types must be safe to read from several threads at once: the loader decodes on
/// background threads.
public protocol LabeledImageSource: Sendable {
    /// The number of samples.
    var count: Int { get }
    /// The class names; a label is an index into this list.
    var classNames: [String] { get }
    /// The label of sample `index`, in `0..<classNames.count`. `index` must be in
    /// `0..<count`.
    func label(at index: Int) -> Int
    /// The image of sample `index`, decoded if need be. `index` must be in `0..<count`.
    /// - Throws: ``DatasetError`` naming the file when it cannot be decoded.
    func image(at index: Int) throws -> Image
}

extension LabeledImageSource {
    /// The number of samples of each class, indexed by label.
    public func classCounts() -> [Int] {
        var counts = [Int](repeating: 0, count: classNames.count)
        for i in 0..<count {
            let label = label(at: i)
            if counts.indices.contains(label) { counts[label] += 1 }
        }
        return counts
    }
}
