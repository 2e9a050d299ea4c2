import Datasets

/// A view of some samples of another data set, in a given order: the training or the
/// validation part of a split, or the first N images for a quick run.
public struct SubsetSource: LabeledImageSource {
    /// The data set viewed.
    public let base: any LabeledImageSource
    /// The indices into ``base``, in this view's order.
    public let indices: [Int]

    /// A view of `base` at `indices`.
    /// - Throws: ``AppError`` if an index is outside `0..<base.count`.
    public init(_ base: any LabeledImageSource, indices: [Int]) throws {
        if let bad = indices.first(where: { !(0..<base.count).contains($0) }) {
            throw AppError("subset index \(bad) is outside the \(base.count) samples")
        }
        self.base = base
        self.indices = indices
    }

    /// The number of samples in the view.
    public var count: Int { indices.count }
    /// The base's class names.
    public var classNames: [String] { base.classNames }
    /// The label of the view's sample `index`.
    public func label(at index: Int) -> Int { base.label(at: indices[index]) }
    /// The image of the view's sample `index`.
    public func image(at index: Int) throws -> Image { try base.image(at: indices[index]) }
}
