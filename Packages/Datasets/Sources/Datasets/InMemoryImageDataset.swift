import TensorMath

/// Decoded images of one size and format held in memory, with their labels: the cache that
/// spares training from decoding the same files every epoch. A decoded four-class CIFAR-10
/// training set (20,000 images of 32x32 RGB) takes 61 MB.
///
/// Make one from an ``ImageFolder`` with ``ImageFolder/loadAll(format:size:)``, or from
/// images you already have.
public struct InMemoryImageDataset: LabeledImageSource {
    /// The width of every image.
    public let width: Int
    /// The height of every image.
    public let height: Int
    /// The pixel format of every image.
    public let format: PixelFormat
    /// The class names; a label is an index into them.
    public let classNames: [String]
    /// One label per image.
    public let labels: [Int]
    /// Every image's bytes, one after the other (`count × height × width × channels`).
    public let pixels: [UInt8]

    /// The number of images.
    public var count: Int { labels.count }

    /// Creates a data set from images of one size and format.
    /// - Throws: ``DatasetError/invalidArgument(operation:reason:)`` if the images differ in
    ///   size or format, the label count differs from the image count, or a label is outside
    ///   `0..<classNames.count`.
    public init(images: [Image], labels: [Int], classNames: [String]) throws {
        let operation = "InMemoryImageDataset(images:labels:classNames:)"
        guard images.count == labels.count else {
            throw DatasetError.invalidArgument(
                operation: operation,
                reason: "\(images.count) images but \(labels.count) labels")
        }
        if let bad = labels.firstIndex(where: { !classNames.indices.contains($0) }) {
            throw DatasetError.invalidArgument(
                operation: operation,
                reason: "label \(labels[bad]) at index \(bad) is outside 0..<\(classNames.count)")
        }
        if let first = images.first {
            for image in images
            where image.width != first.width || image.height != first.height
                || image.format != first.format
            {
                throw DatasetError.invalidArgument(
                    operation: operation, reason: "images differ: \(first) and \(image)")
            }
        }
        self.init(uncheckedImages: images, labels: labels, classNames: classNames)
    }

    /// Creates a data set from images already checked to agree, with labels in range.
    init(uncheckedImages images: [Image], labels: [Int], classNames: [String]) {
        let first = images.first
        let size = first?.pixels.count ?? 0
        self.width = first?.width ?? 0
        self.height = first?.height ?? 0
        self.format = first?.format ?? .grey
        self.classNames = classNames
        self.labels = labels
        self.pixels = [UInt8](unsafeUninitializedCapacity: size * images.count) { buffer, n in
            for (i, image) in images.enumerated() where size > 0 {
                image.pixels.withUnsafeBufferPointer {
                    (buffer.baseAddress! + i * size).update(from: $0.baseAddress!, count: size)
                }
            }
            n = size * images.count
        }
    }

    /// The label of image `index`.
    public func label(at index: Int) -> Int { labels[index] }

    /// Image `index`.
    public func image(at index: Int) -> Image {
        let size = width * height * format.channels
        return pixels.withUnsafeBufferPointer { source in
            Image(uncheckedWidth: width, height: height, format: format) { out in
                out.baseAddress!.update(from: source.baseAddress! + index * size, count: size)
            }
        }
    }

    /// Every image as one `[count, channels, height, width]` tensor, for evaluation.
    /// - Throws: ``DatasetError/invalidArgument(operation:reason:)`` if the normalization does
    ///   not fit the channels, or the data set is empty.
    public func tensor(normalization: Normalization = .unit) throws -> Tensor {
        let operation = "InMemoryImageDataset.tensor"
        guard count > 0 else {
            throw DatasetError.invalidArgument(operation: operation, reason: "no images")
        }
        let table = try normalization.lookupTable(channels: format.channels, operation: operation)
        let size = width * height * format.channels
        return try Tensor(shape: [count, format.channels, height, width]) { buffer in
            let base = buffer.baseAddress!
            Parallel.forEach(count, minimumWorkPerThread: 64) { i in
                image(at: i).writePlanar(into: base + i * size, table: table)
            }
        }
    }
}
