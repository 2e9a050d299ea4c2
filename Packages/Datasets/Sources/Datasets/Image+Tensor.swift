import TensorMath

extension Image {
    /// The image as a `[1, channels, height, width]` tensor: each byte `v` of channel `c`
    /// becomes `(v / 255 − mean[c]) / std[c]`.
    /// - Parameters:
    ///   - mean: One mean per channel, or one for all; default `[0]`.
    ///   - std: One standard deviation per channel, or one for all; default `[1]`.
    /// - Throws: ``DatasetError/invalidArgument(operation:reason:)`` if the statistics do not
    ///   fit the image's channels or a standard deviation is zero.
    public func tensor(mean: [Float] = [0], std: [Float] = [1]) throws -> Tensor {
        try tensor(normalization: Normalization(mean: mean, std: std))
    }

    /// The image as a `[1, channels, height, width]` tensor normalized by `normalization`.
    /// - Throws: ``DatasetError/invalidArgument(operation:reason:)`` if the statistics do not
    ///   fit the image's channels.
    public func tensor(normalization: Normalization) throws -> Tensor {
        try Image.tensor(stacking: [self], normalization: normalization)
    }

    /// Images of one size and format stacked into a `[N, channels, height, width]` tensor.
    /// - Throws: ``DatasetError/invalidArgument(operation:reason:)`` if the list is empty, the
    ///   images differ in size or format, or the statistics do not fit.
    public static func tensor(stacking images: [Image], normalization: Normalization = .unit)
        throws -> Tensor
    {
        let operation = "Image.tensor(stacking:)"
        guard let first = images.first else {
            throw DatasetError.invalidArgument(operation: operation, reason: "no images")
        }
        for image in images
        where image.width != first.width || image.height != first.height
            || image.format != first.format
        {
            throw DatasetError.invalidArgument(
                operation: operation,
                reason: "images differ: \(first) and \(image); resize or convert them first")
        }
        let table = try normalization.lookupTable(channels: first.channels, operation: operation)
        let size = first.pixels.count
        return try Tensor(shape: [images.count, first.channels, first.height, first.width]) {
            buffer in
            for (n, image) in images.enumerated() {
                image.writePlanar(into: buffer.baseAddress! + n * size, table: table)
            }
        }
    }

    /// Writes the pixels as planes (CHW) of `table[c × 256 + byte]` (see
    /// `Normalization.lookupTable`).
    func writePlanar(into out: UnsafeMutablePointer<Float>, table: [Float]) {
        let c = channels, plane = width * height
        pixels.withUnsafeBufferPointer { source in
            table.withUnsafeBufferPointer { table in
                for k in 0..<c {
                    let o = out + k * plane, t = table.baseAddress! + 256 * k
                    for i in 0..<plane { o[i] = t[Int(source[i * c + k])] }
                }
            }
        }
    }

    /// Creates an image from a `[channels, height, width]` or `[1, channels, height, width]`
    /// tensor, undoing a normalization: `byte = round(255 × (value × std[c] + mean[c]))`,
    /// clamped to 0…255. Useful to look at what a model sees.
    /// - Parameters:
    ///   - tensor: 1, 3 or 4 channels.
    ///   - mean: The means the tensor was normalized with; default `[0]`.
    ///   - std: The standard deviations; default `[1]`.
    /// - Throws: ``DatasetError/invalidArgument(operation:reason:)`` for another shape or
    ///   statistics that do not fit.
    public init(tensor: Tensor, mean: [Float] = [0], std: [Float] = [1]) throws {
        let operation = "Image(tensor:)"
        var shape = tensor.shape
        if shape.count == 4 && shape[0] == 1 { shape.removeFirst() }
        guard shape.count == 3, let format = PixelFormat(channels: shape[0]) else {
            throw DatasetError.invalidArgument(
                operation: operation,
                reason: "expected [C, H, W] or [1, C, H, W] with C = 1, 3 or 4, "
                    + "got \(tensor.shape)")
        }
        let normalization = try Normalization(mean: mean, std: std)
        try normalization.check(channels: format.channels, operation: operation)
        let height = shape[1], width = shape[2], c = format.channels, plane = width * height
        self = tensor.withUnsafeBufferPointer { values in
            Image(uncheckedWidth: width, height: height, format: format) { out in
                for k in 0..<c {
                    let (m, s) = normalization.statistics(channel: k)
                    for i in 0..<plane {
                        let v = ((values[k * plane + i] * s + m) * 255).rounded()
                        out[i * c + k] = v.isNaN ? 0 : UInt8(min(max(v, 0), 255))
                    }
                }
            }
        }
    }
}
