import TensorMath

/// LeNet-5's trainable subsampling (the S2 and S4 layers of LeCun et al., 1998): each output
/// is the sum of a non-overlapping `k×k` window of its map, times a trained coefficient of that
/// map, plus a trained bias of that map. PyTorch has no module for it; the golden values of
/// `Tools/reference/lenet1998_golden.py` compute
/// `F.avg_pool2d(x, k, divisor_override=1) * weight.view(1, C, 1, 1) + bias.view(1, C, 1, 1)`.
///
/// - Input: `[N, C, H, W]`; output `[N, C, ⌊H/k⌋, ⌊W/k⌋]` (trailing rows and columns that do
///   not fill a window are ignored, as PyTorch's pooling does).
/// - Parameters: `weight` `[C]` (the coefficients) and `bias` `[C]`: 2 per map. Initialized
///   `U(-1/√(k²), 1/√(k²))` like a convolution with fan-in `k²` (weight drawn first).
public final class Subsampling2D: Layer {
    /// The per-map coefficient, `[C]`.
    public let weight: Parameter
    /// The per-map bias, `[C]`.
    public let bias: Parameter
    /// The side of the square window, which is also the stride.
    public let kernelSize: Int
    public var isTraining = true

    private var cachedInputShape: [Int]?
    private var cachedSums: Tensor?

    /// The number of maps.
    public var channels: Int { weight.value.count }

    /// Creates a subsampling layer with its parameters drawn from `generator`.
    /// - Parameters:
    ///   - channels: The number of maps `C`.
    ///   - kernelSize: The window side and stride; default 2.
    ///   - generator: The source of the initial coefficients.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` unless both are positive.
    public init<G: RandomNumberGenerator>(
        channels: Int, kernelSize: Int = 2, generator: inout G
    ) throws {
        try LayerChecks.positive(channels, "channels", layer: "Subsampling2D")
        try LayerChecks.positive(kernelSize, "kernelSize", layer: "Subsampling2D")
        let bound = 1 / Float(kernelSize)
        weight = Parameter(
            try Tensor.uniform([channels], low: -bound, high: bound, using: &generator))
        bias = Parameter(
            try Tensor.uniform([channels], low: -bound, high: bound, using: &generator))
        self.kernelSize = kernelSize
    }

    /// Creates a subsampling layer with the given coefficients and biases, both `[C]`.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` for other shapes or a
    ///   non-positive kernel size.
    public init(weight: Tensor, bias: Tensor, kernelSize: Int = 2) throws {
        try LayerChecks.positive(kernelSize, "kernelSize", layer: "Subsampling2D")
        guard weight.rank == 1, weight.count > 0, bias.shape == weight.shape else {
            throw NeuralNetError.invalidConfiguration(
                "Subsampling2D: weight and bias must both be [C], got \(weight.shape) and "
                    + "\(bias.shape)")
        }
        self.weight = Parameter(weight)
        self.bias = Parameter(bias)
        self.kernelSize = kernelSize
    }

    public var ownParameters: [(name: String, parameter: Parameter)] {
        [(name: "weight", parameter: weight), (name: "bias", parameter: bias)]
    }

    private func outputShape(for shape: [Int], input: Tensor) throws -> [Int] {
        try LayerChecks.rank(of: input, in: 4...4, layer: "Subsampling2D", layout: "[N, C, H, W]")
        guard shape[1] == channels else {
            throw NeuralNetError.invalidInput(
                layer: "Subsampling2D",
                reason: "input has \(shape[1]) channels, the layer has \(channels) "
                    + "(input \(shape))")
        }
        let size = try LayerChecks.windowOutputSize(
            input: input, kernel: Size2D(kernelSize), stride: Size2D(kernelSize), padding: 0,
            layer: "Subsampling2D")
        return [shape[0], shape[1], size.height, size.width]
    }

    /// `[N, C, H, W]` → `[N, C, ⌊H/k⌋, ⌊W/k⌋]`.
    /// - Throws: ``NeuralNetError/invalidInput(layer:reason:)`` for a rank other than 4, a
    ///   wrong channel count or an input smaller than the window.
    public func forward(_ input: Tensor) throws -> Tensor {
        let shape = try outputShape(for: input.shape, input: input)
        let (height, width) = (input.shape[2], input.shape[3])
        let (outHeight, outWidth, k) = (shape[2], shape[3], kernelSize)
        let planes = shape[0] * shape[1]
        let sums = try Tensor(
            shape: shape,
            unsafeUninitializedScalars: { out in
                input.withUnsafeBufferPointer { x in
                    for plane in 0..<planes {
                        let source = plane * height * width
                        let target = plane * outHeight * outWidth
                        for oy in 0..<outHeight {
                            for ox in 0..<outWidth {
                                var total: Float = 0
                                for dy in 0..<k {
                                    let row = source + (oy * k + dy) * width + ox * k
                                    for dx in 0..<k { total += x[row + dx] }
                                }
                                out[target + oy * outWidth + ox] = total
                            }
                        }
                    }
                }
            })
        let count = outHeight * outWidth
        let channels = self.channels
        let output = try Tensor(
            shape: shape,
            unsafeUninitializedScalars: { out in
                sums.withUnsafeBufferPointer { s in
                    weight.value.withUnsafeBufferPointer { w in
                        bias.value.withUnsafeBufferPointer { b in
                            for plane in 0..<planes {
                                let (scale, shift) = (w[plane % channels], b[plane % channels])
                                for i in plane * count..<(plane + 1) * count {
                                    out[i] = s[i] * scale + shift
                                }
                            }
                        }
                    }
                }
            })
        cachedInputShape = isTraining ? input.shape : nil
        cachedSums = isTraining ? sums : nil
        return output
    }

    /// Accumulates `weight.gradient[c] += Σ g·sum` and `bias.gradient[c] += Σ g` over the
    /// map's outputs; returns `g·weight[c]` spread over each window (zero outside windows).
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let inputShape = cachedInputShape, let sums = cachedSums else {
            throw NeuralNetError.backwardWithoutForward(layer: "Subsampling2D")
        }
        try LayerChecks.gradient(outputGradient, matches: sums.shape, layer: "Subsampling2D")
        let (channels, k) = (self.channels, kernelSize)
        let (height, width) = (inputShape[2], inputShape[3])
        let (outHeight, outWidth) = (sums.shape[2], sums.shape[3])
        let planes = inputShape[0] * channels
        let count = outHeight * outWidth
        var weightGradient = [Float](repeating: 0, count: channels)
        var biasGradient = [Float](repeating: 0, count: channels)
        outputGradient.withUnsafeBufferPointer { g in
            sums.withUnsafeBufferPointer { s in
                for plane in 0..<planes {
                    var (dw, db): (Float, Float) = (0, 0)
                    for i in plane * count..<(plane + 1) * count {
                        dw += g[i] * s[i]
                        db += g[i]
                    }
                    weightGradient[plane % channels] += dw
                    biasGradient[plane % channels] += db
                }
            }
        }
        try weight.accumulateGradient(Tensor(weightGradient))
        try bias.accumulateGradient(Tensor(biasGradient))
        var inputGradient = try Tensor.zeros(inputShape)
        inputGradient.withUnsafeMutableBufferPointer { target in
            outputGradient.withUnsafeBufferPointer { g in
                weight.value.withUnsafeBufferPointer { w in
                    for plane in 0..<planes {
                        let scale = w[plane % channels]
                        let source = plane * count
                        let start = plane * height * width
                        for oy in 0..<outHeight {
                            for ox in 0..<outWidth {
                                let value = g[source + oy * outWidth + ox] * scale
                                for dy in 0..<k {
                                    let row = start + (oy * k + dy) * width + ox * k
                                    for dx in 0..<k { target[row + dx] = value }
                                }
                            }
                        }
                    }
                }
            }
        }
        return inputGradient
    }

    /// `k²` additions, one multiplication and one addition per output scalar.
    public func forwardFLOPs(inputShape: [Int], outputShape: [Int]) -> Int {
        outputShape.reduce(1, *) * (kernelSize * kernelSize + 1)
    }
}
