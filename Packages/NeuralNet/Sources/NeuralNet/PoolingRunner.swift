import TensorMath

/// The forward/backward bookkeeping shared by the pooling layers around a ``Pooling2D``.
struct PoolingRunner {
    let pooling: Pooling2D
    let layer: String
    private var cachedInputShape: [Int]?
    private var cachedOutputShape: [Int]?
    private var cachedArgmax: [Int32]?

    /// Validates the configuration like PyTorch: positive kernel and stride, padding at most
    /// half the kernel.
    init(
        kind: Pooling2D.Kind, kernelSize: Size2D, stride: Size2D?, padding: Size2D,
        ceilMode: Bool, countIncludesPadding: Bool, layer: String
    ) throws {
        try LayerChecks.positive(kernelSize, "kernelSize", layer: layer)
        try LayerChecks.positive(stride ?? kernelSize, "stride", layer: layer)
        try LayerChecks.nonNegative(padding, "padding", layer: layer)
        guard 2 * padding.height <= kernelSize.height, 2 * padding.width <= kernelSize.width else {
            throw NeuralNetError.invalidConfiguration(
                "\(layer): padding \(padding) must be at most half the kernel \(kernelSize)")
        }
        pooling = Pooling2D(
            kind: kind, kernelSize: kernelSize, stride: stride ?? kernelSize, padding: padding,
            countIncludesPadding: countIncludesPadding, ceilMode: ceilMode)
        self.layer = layer
    }

    /// The output shape for `input`, or an error naming the input shape and the window.
    func outputShape(for input: Tensor) throws -> [Int] {
        try LayerChecks.rank(of: input, in: 4...4, layer: layer, layout: "[N, C, H, W]")
        let size = try LayerChecks.windowOutputSize(
            input: input, kernel: pooling.kernelSize, stride: pooling.stride,
            padding: pooling.padding, ceilMode: pooling.ceilMode, layer: layer)
        return [input.shape[0], input.shape[1], size.height, size.width]
    }

    mutating func forward(_ input: Tensor, training: Bool) throws -> Tensor {
        _ = try outputShape(for: input)
        let (output, argmax) = try pooling.forward(input)
        if training {
            (cachedInputShape, cachedOutputShape, cachedArgmax) =
                (input.shape, output.shape, argmax)
        } else {
            (cachedInputShape, cachedOutputShape, cachedArgmax) = (nil, nil, nil)
        }
        return output
    }

    func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let inputShape = cachedInputShape, let outputShape = cachedOutputShape else {
            throw NeuralNetError.backwardWithoutForward(layer: layer)
        }
        try LayerChecks.gradient(outputGradient, matches: outputShape, layer: layer)
        return try pooling.backward(
            outputGradient: outputGradient, inputShape: inputShape, argmax: cachedArgmax)
    }

    /// One operation per window element per output scalar.
    func flops(outputShape: [Int]) -> Int {
        outputShape.reduce(1, *) * pooling.kernelSize.height * pooling.kernelSize.width
    }
}
