import Datasets
import TensorMath

extension ImageFolder {
    /// Every image decoded and resized to `size`, or an ``AppError`` saying how many of the
    /// images in `place` cannot be used and naming the first three, with their problems.
    public func loadAllForTraining(size: Size2D, place: String) throws -> InMemoryImageDataset {
        let (dataset, failures) = loadAll(size: size)
        guard failures.isEmpty else {
            let shown = failures.prefix(3).map { "  \($0)" }.joined(separator: "\n")
            throw AppError(
                "\(failures.count) of \(count) images in \(place) cannot be used:\n"
                    + shown + (failures.count > 3 ? "\n  …" : ""))
        }
        return dataset
    }
}
