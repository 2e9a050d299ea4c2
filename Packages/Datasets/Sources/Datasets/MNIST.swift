import TensorMath

/// The MNIST handwritten digits (LeCun et al., 1998), read from the four IDX files of the
/// canonical distribution, gzip-compressed (`train-images-idx3-ubyte.gz`) or not.
///
/// ```swift
/// let train = try MNIST(directory: "../shared/datasets/mnist", split: .train)
/// train.images.shape     // [60000, 1, 28, 28], scaled to [0, 1]
/// train.labels.count     // 60000
/// ```
public struct MNIST: LabeledImageSource {
    /// Which half of MNIST to read.
    public enum Split: String, CaseIterable, Sendable {
        /// 60,000 training images (`train-*`).
        case train
        /// 10,000 test images (`t10k-*`).
        case test

        /// The canonical (uncompressed) file names of this split's images and labels.
        public var fileNames: (images: String, labels: String) {
            switch self {
            case .train: return ("train-images-idx3-ubyte", "train-labels-idx1-ubyte")
            case .test: return ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
            }
        }
    }

    /// The split that was read.
    public let split: Split
    /// The images, `[N, 1, 28, 28]`, bytes scaled to [0, 1] (`v / 255`).
    public let images: Tensor
    /// The labels, one digit in 0…9 per image.
    public let labels: [Int]
    /// The digits' names, `"0"` to `"9"`.
    public let classNames: [String] = (0...9).map(String.init)

    /// The number of images.
    public var count: Int { labels.count }

    /// Reads a split from a folder holding the IDX files (each as `name.gz` or `name`).
    /// - Throws: ``DatasetError/missingDataset(path:reason:)`` if the folder or a file is
    ///   missing (the message says how to download MNIST); ``DatasetError`` naming the file
    ///   if one is unreadable, corrupt, truncated, not unsigned-byte `[N, H, W]` images and
    ///   `[N]` labels, has a label above 9, or the two counts differ.
    public init(directory: String, split: Split) throws {
        let names = split.fileNames
        let imagesPath = try MNIST.locate(names.images, in: directory)
        let labelsPath = try MNIST.locate(names.labels, in: directory)
        let imageArray = try IDXArray(contentsOf: imagesPath)
        let labelArray = try IDXArray(contentsOf: labelsPath)
        guard case let .uint8(labelBytes) = labelArray.elements, labelArray.shape.count == 1
        else {
            throw DatasetError.corrupt(
                path: labelsPath, format: "MNIST labels",
                reason: "expected [N] unsigned bytes, found \(labelArray.shape) "
                    + "\(labelArray.elementType.name)s")
        }
        guard imageArray.elementType == .uint8, imageArray.shape.count == 3 else {
            throw DatasetError.corrupt(
                path: imagesPath, format: "MNIST images",
                reason: "expected [N, rows, columns] unsigned bytes, found \(imageArray.shape) "
                    + "\(imageArray.elementType.name)s")
        }
        let n = imageArray.shape[0], rows = imageArray.shape[1], columns = imageArray.shape[2]
        guard n >= 1, rows >= 1, columns >= 1 else {
            throw DatasetError.corrupt(
                path: imagesPath, format: "MNIST images",
                reason: "holds \(n) images of \(rows)x\(columns) pixels: no image to learn from")
        }
        guard n == labelBytes.count else {
            throw DatasetError.corrupt(
                path: labelsPath, format: "MNIST labels",
                reason: "\(labelBytes.count) labels for the \(n) images of \(imagesPath)")
        }
        if let bad = labelBytes.firstIndex(where: { $0 > 9 }) {
            throw DatasetError.corrupt(
                path: labelsPath, format: "MNIST labels",
                reason: "label \(labelBytes[bad]) at index \(bad) is not a digit")
        }
        self.split = split
        self.images = try imageArray.tensor(dividedBy: 255, shape: [n, 1, rows, columns])
        self.labels = labelBytes.map(Int.init)
    }

    /// The label of image `index`.
    public func label(at index: Int) -> Int { labels[index] }

    /// Image `index` as a grey ``Image`` (the bytes of the file).
    public func image(at index: Int) throws -> Image {
        let rows = images.shape[2], columns = images.shape[3], size = rows * columns
        return images.withUnsafeBufferPointer { values in
            Image(uncheckedWidth: columns, height: rows, format: .grey) { out in
                for i in 0..<size {
                    out[i] = UInt8(min(max((values[index * size + i] * 255).rounded(), 0), 255))
                }
            }
        }
    }

    /// The path of `name.gz`, else `name`, in `directory`.
    static func locate(_ name: String, in directory: String) throws -> String {
        guard FileIO.isDirectory(directory) else {
            throw DatasetError.missingDataset(
                path: directory,
                reason: "no MNIST folder here; download MNIST into it (`mnist download`, or "
                    + "MNIST.download(to:)) or point to the folder holding \(name).gz")
        }
        for candidate in [name + ".gz", name] {
            let path = FileIO.join(directory, candidate)
            if FileIO.isFile(path) { return path }
            if FileIO.exists(path) {
                throw DatasetError.unreadable(
                    path: path, reason: "not a regular file (a folder, FIFO or device)")
            }
        }
        throw DatasetError.missingDataset(
            path: FileIO.join(directory, name + ".gz"),
            reason: "MNIST file missing; download MNIST (`mnist download`, or "
                + "MNIST.download(to:)) into \(directory)")
    }
}
