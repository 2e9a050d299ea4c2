import Datasets
import TensorMath

extension ImageFolder {
    /// Every image decoded and resized to `size`, or an ``AppError`` saying how many of the
    /// images in `place` cannot be used and naming the first three, with their problems.
    /// - Parameter skipUnreadable: Instead of failing, leave the unusable images out and say
    ///   so (how many, the first three) through `warn`; an error only if none is left.
    public func loadAllForTraining(
        size: Size2D, place: String, skipUnreadable: Bool = false,
        warn: (String) -> Void = { _ in }
    ) throws -> InMemoryImageDataset {
        let (dataset, failures) = loadAll(size: size)
        guard failures.isEmpty else {
            let shown = failures.prefix(3).map { "  \($0)" }.joined(separator: "\n")
            let account =
                "\(failures.count) of \(count) images in \(place) cannot be used:\n"
                + shown + (failures.count > 3 ? "\n  …" : "")
            guard skipUnreadable, dataset.count > 0 else {
                throw AppError(
                    account + (skipUnreadable ? "" : "\n(--skip-unreadable leaves them out)"))
            }
            warn("skipping " + account)
            return dataset
        }
        return dataset
    }
}
