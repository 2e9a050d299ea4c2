extension Image {
    /// How ``resized(width:height:method:)`` computes each output pixel.
    public enum ResizeMethod: Sendable {
        /// Bilinear interpolation between the 2×2 nearest input pixels, sampling at pixel
        /// centres (`align_corners=False`): PyTorch's `F.interpolate(mode="bilinear")` without
        /// antialiasing. Suits enlarging and mild shrinking.
        case bilinear
        /// Area averaging: each output pixel is the mean of the input area it covers, partial
        /// pixels weighted by their overlap (OpenCV's `INTER_AREA`). For integer factors it
        /// equals PyTorch's `mode="area"`. Suits shrinking, e.g. a photo of a digit to 28x28.
        case area
    }

    /// The image scaled to `width × height` (separable filtering in `Float`, rounded once).
    /// - Parameters:
    ///   - width: The new width, at least 1.
    ///   - height: The new height, at least 1.
    ///   - method: The filter; default ``ResizeMethod/bilinear``.
    /// - Throws: ``DatasetError/invalidArgument(operation:reason:)`` for a size below 1 or an
    ///   empty image.
    public func resized(width: Int, height: Int, method: ResizeMethod = .bilinear) throws
        -> Image
    {
        guard width >= 1, height >= 1, self.width >= 1, self.height >= 1 else {
            throw DatasetError.invalidArgument(
                operation: "Image.resized",
                reason: "cannot resize a \(self.width)x\(self.height) image to "
                    + "\(width)x\(height)")
        }
        _ = try Image.byteCount(width, height, format, "Image.resized")
        if width == self.width && height == self.height { return self }
        let horizontal = ResampleTable(input: self.width, output: width, method: method)
        let vertical = ResampleTable(input: self.height, output: height, method: method)
        let c = channels, inWidth = self.width, inHeight = self.height

        // Pass 1: rows, input height × output width, in Float.
        var rows = [Float](repeating: 0, count: inHeight * width * c)
        pixels.withUnsafeBufferPointer { source in
            rows.withUnsafeMutableBufferPointer { out in
                for y in 0..<inHeight {
                    let sourceRow = y * inWidth * c, outRow = y * width * c
                    for x in 0..<width {
                        let start = horizontal.starts[x], taps = horizontal.taps
                        for k in 0..<c {
                            var sum: Float = 0
                            for t in 0..<horizontal.counts[x] {
                                sum +=
                                    horizontal.weights[x * taps + t]
                                    * Float(source[sourceRow + (start + t) * c + k])
                            }
                            out[outRow + x * c + k] = sum
                        }
                    }
                }
            }
        }
        // Pass 2: columns, then round once.
        return rows.withUnsafeBufferPointer { rows in
            Image(uncheckedWidth: width, height: height, format: format) { out in
                let rowLength = width * c
                for y in 0..<height {
                    let start = vertical.starts[y], taps = vertical.taps
                    for i in 0..<rowLength {
                        var sum: Float = 0
                        for t in 0..<vertical.counts[y] {
                            let weight = vertical.weights[y * taps + t]
                            sum += weight * rows[(start + t) * rowLength + i]
                        }
                        out[y * rowLength + i] = UInt8(min(max(sum + 0.5, 0), 255))
                    }
                }
            }
        }
    }
}

/// For each output index along one axis, the first input index and the weights of the input
/// pixels it draws on.
struct ResampleTable {
    /// The first input index of each output.
    var starts: [Int] = []
    /// How many weights each output uses.
    var counts: [Int] = []
    /// `taps` weights per output, row-major.
    var weights: [Float] = []
    /// The stride of ``weights``: the most inputs any output uses.
    var taps = 0

    init(input: Int, output: Int, method: Image.ResizeMethod) {
        let scale = Double(input) / Double(output)
        var lists: [(Int, [Double])] = []
        for o in 0..<output {
            switch method {
            case .bilinear:
                // PyTorch's area_pixel_compute_source_index with align_corners=False.
                let source = max(0, (Double(o) + 0.5) * scale - 0.5)
                let i0 = min(Int(source), input - 1)
                let lambda = source - Double(i0)
                if i0 + 1 < input && lambda > 0 {
                    lists.append((i0, [1 - lambda, lambda]))
                } else {
                    lists.append((i0, [1]))
                }
            case .area:
                let low = Double(o) * scale, high = Double(o + 1) * scale
                let first = Int(low), last = min(input - 1, Int((high - 1e-9).rounded(.up)) - 1)
                var weights: [Double] = []
                for i in first...max(first, last) {
                    let overlap = min(high, Double(i + 1)) - max(low, Double(i))
                    weights.append(max(0, overlap) / scale)
                }
                lists.append((first, weights))
            }
        }
        taps = lists.map { $0.1.count }.max() ?? 1
        for (start, list) in lists {
            starts.append(start)
            counts.append(list.count)
            weights.append(contentsOf: list.map(Float.init))
            weights.append(contentsOf: repeatElement(0, count: taps - list.count))
        }
    }
}
