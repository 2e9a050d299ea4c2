import TensorMath

extension ImageFolder {
    /// Decodes every image into memory, in parallel on all cores, and reports the files that
    /// could not be used instead of stopping at the first.
    ///
    /// Images are converted to `format` (or the folder's ``format``), then resized to `size`
    /// (area filter when shrinking, bilinear when enlarging) when one is given. Without a size,
    /// every image must match the first decodable one; others are reported as failures.
    /// - Parameters:
    ///   - format: The pixel format of the cache, or `nil` for ``format`` or else each file's.
    ///   - size: The size to resize every image to, or `nil` to keep sizes.
    /// - Returns: The decoded data set (in ``samples`` order, failures left out) and one error
    ///   per file that failed, each naming the file.
    public func loadAll(format: PixelFormat? = nil, size: Size2D? = nil)
        -> (dataset: InMemoryImageDataset, failures: [DatasetError])
    {
        let decoded = decodeAll(format: format ?? self.format, size: size)
        var images: [Image] = [], labels: [Int] = [], failures: [DatasetError] = []
        images.reserveCapacity(decoded.count)
        labels.reserveCapacity(decoded.count)
        var reference: Image?
        for (i, result) in decoded.enumerated() {
            switch result {
            case let .success(image):
                if let reference,
                    reference.width != image.width || reference.height != image.height
                        || reference.format != image.format
                {
                    failures.append(
                        .invalidArgument(
                            operation: "ImageFolder.loadAll",
                            reason: "\(samples[i].path) is \(image), the data set's images "
                                + "are \(reference); pass a size to resize them"))
                    continue
                }
                reference = reference ?? image
                images.append(image)
                labels.append(samples[i].label)
            case let .failure(error):
                failures.append(error)
            }
        }
        // The images agree in size and format, and the labels come from the listing.
        let dataset = InMemoryImageDataset(
            uncheckedImages: images, labels: labels, classNames: classNames)
        return (dataset, failures)
    }

    /// Decodes every sample in parallel (chunks of 64 files, independent of the thread count).
    func decodeAll(format: PixelFormat?, size: Size2D?) -> [Result<Image, DatasetError>] {
        let count = samples.count
        var results = [Result<Image, DatasetError>?](repeating: nil, count: count)
        let chunk = 64
        results.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            Parallel.forEach((count + chunk - 1) / chunk) { c in
                for i in (c * chunk)..<min(count, (c + 1) * chunk) {
                    base[i] = Result { try decodeSample(i, format: format, size: size) }
                        .mapError {
                            $0 as? DatasetError
                                ?? .unreadable(
                                    path: samples[i].path, reason: "\($0)")
                        }
                }
            }
        }
        return results.map {
            $0 ?? .failure(.unreadable(path: root, reason: "internal error: not decoded"))
        }
    }

    /// Decodes sample `index`, converted and resized as asked.
    func decodeSample(_ index: Int, format: PixelFormat?, size: Size2D?) throws -> Image {
        let image = try Image(contentsOf: samples[index].path, format: format)
        guard let size else { return image }
        return try image.resized(toFit: size)
    }
}

extension Image {
    /// The image resized to `size` (height × width): area filter when shrinking both sides,
    /// bilinear otherwise; unchanged when it already has that size.
    func resized(toFit size: Size2D) throws -> Image {
        if width == size.width && height == size.height { return self }
        let shrinking = size.width <= width && size.height <= height
        return try resized(
            width: size.width, height: size.height, method: shrinking ? .area : .bilinear)
    }
}
