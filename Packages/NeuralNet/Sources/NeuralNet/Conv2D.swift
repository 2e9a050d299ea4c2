import TensorMath

/// A 2-D convolution (cross-correlation) over NCHW images. PyTorch: `nn.Conv2d(inputChannels,
/// outputChannels, kernelSize, stride, padding, dilation, bias=bias)`.
///
/// - Input: `[N, inputChannels, H, W]`.
/// - Output: `[N, outputChannels, OH, OW]` with
///   `OH = ⌊(H + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1` (likewise `OW`).
/// - Parameters: `weight` `[outputChannels, inputChannels, KH, KW]` and, unless `bias` is
///   false, `bias` `[outputChannels]`, initialized as PyTorch does:
///   `U(-1/√fanIn, 1/√fanIn)` with `fanIn = inputChannels·KH·KW`, weight drawn first.
public final class Conv2D: Layer {
    /// Zero padding around the input.
    public enum Padding: Hashable, Sendable {
        /// No padding (PyTorch's `padding='valid'` or `0`).
        case valid
        /// Output as large as the input at stride 1 (PyTorch's `padding='same'`): pads
        /// `dilation·(kernel − 1) / 2` on each side. Needs stride 1 and an odd dilated kernel
        /// extent (PyTorch pads even extents asymmetrically, which this layer does not).
        case same
        /// The given number of zero rows and columns on each side.
        case explicit(Size2D)
    }

    /// The weight, `[outputChannels, inputChannels, KH, KW]`.
    public let weight: Parameter
    /// The bias, `[outputChannels]`, or `nil`.
    public let bias: Parameter?
    /// Stride, padding and dilation (padding resolved to explicit sizes).
    public let convolution: Convolution2D
    public var isTraining = true

    private var cachedInput: Tensor?
    /// The weights with a following batch normalization folded in, and what they were folded
    /// from (see `Conv2D+BatchNormFolding.swift`).
    var foldedWeights: FoldedWeights?
    /// The weight prepared for inference passes, kept while the weight's storage is unchanged
    /// (dropped in training mode, where every step changes it).
    private var preparedWeight: Convolution2D.PreparedWeight?

    /// The number of input channels.
    public var inputChannels: Int { weight.value.shape[1] }
    /// The number of output channels.
    public var outputChannels: Int { weight.value.shape[0] }
    /// The kernel's height and width.
    public var kernelSize: Size2D { Size2D(weight.value.shape[2], weight.value.shape[3]) }

    /// Creates a convolution with PyTorch's default initialization drawn from `generator`.
    /// - Parameters:
    ///   - inputChannels: The channels of the input `[N, inputChannels, H, W]`.
    ///   - outputChannels: The channels of the output, one filter each.
    ///   - kernelSize: The kernel's height and width (`5` for 5x5).
    ///   - stride: Default 1.
    ///   - padding: Default `.valid` (no padding).
    ///   - dilation: Default 1.
    ///   - bias: Whether the layer has a bias; default `true`.
    ///   - generator: The random generator the weights and bias are drawn from.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` for non-positive channel counts,
    ///   kernel, stride or dilation, negative padding, or `.same` with a stride other than 1 or
    ///   an even dilated kernel extent.
    public init<G: RandomNumberGenerator>(
        inputChannels: Int, outputChannels: Int, kernelSize: Size2D, stride: Size2D = 1,
        padding: Padding = .valid, dilation: Size2D = 1, bias: Bool = true,
        generator: inout G
    ) throws {
        try LayerChecks.positive(inputChannels, "inputChannels", layer: "Conv2D")
        try LayerChecks.positive(outputChannels, "outputChannels", layer: "Conv2D")
        try LayerChecks.positive(kernelSize, "kernelSize", layer: "Conv2D")
        convolution = try Conv2D.resolve(
            padding: padding, kernelSize: kernelSize, stride: stride, dilation: dilation)
        let shape = [outputChannels, inputChannels, kernelSize.height, kernelSize.width]
        let bound = 1 / Float(inputChannels * kernelSize.height * kernelSize.width).squareRoot()
        weight = Parameter(try Tensor.uniform(shape, low: -bound, high: bound, using: &generator))
        self.bias =
            bias
            ? Parameter(
                try Tensor.uniform([outputChannels], low: -bound, high: bound, using: &generator))
            : nil
    }

    /// Creates a convolution with the given weight `[O, C, KH, KW]` and optional bias `[O]`.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` on other shapes or invalid
    ///   stride, padding or dilation.
    public init(
        weight: Tensor, bias: Tensor?, stride: Size2D = 1, padding: Padding = .valid,
        dilation: Size2D = 1
    ) throws {
        guard weight.rank == 4, weight.shape.allSatisfy({ $0 > 0 }) else {
            throw NeuralNetError.invalidConfiguration(
                "Conv2D: weight must be [outputChannels, inputChannels, KH, KW], "
                    + "got \(weight.shape)")
        }
        if let bias, bias.shape != [weight.shape[0]] {
            throw NeuralNetError.invalidConfiguration(
                "Conv2D: bias must be [\(weight.shape[0])] for weight \(weight.shape), "
                    + "got \(bias.shape)")
        }
        convolution = try Conv2D.resolve(
            padding: padding, kernelSize: Size2D(weight.shape[2], weight.shape[3]),
            stride: stride, dilation: dilation)
        self.weight = Parameter(weight)
        self.bias = bias.map(Parameter.init)
    }

    private static func resolve(
        padding: Padding, kernelSize: Size2D, stride: Size2D, dilation: Size2D
    ) throws -> Convolution2D {
        try LayerChecks.positive(stride, "stride", layer: "Conv2D")
        try LayerChecks.positive(dilation, "dilation", layer: "Conv2D")
        let explicit: Size2D
        switch padding {
        case .valid:
            explicit = 0
        case let .explicit(size):
            try LayerChecks.nonNegative(size, "padding", layer: "Conv2D")
            explicit = size
        case .same:
            let extent = Size2D(
                dilation.height * (kernelSize.height - 1), dilation.width * (kernelSize.width - 1))
            guard stride == 1 else {
                throw NeuralNetError.invalidConfiguration(
                    "Conv2D: padding .same needs stride 1, got \(stride)")
            }
            guard extent.height % 2 == 0, extent.width % 2 == 0 else {
                throw NeuralNetError.invalidConfiguration(
                    "Conv2D: padding .same needs an odd dilated kernel extent, got kernel "
                        + "\(kernelSize) with dilation \(dilation); use .explicit padding")
            }
            explicit = Size2D(extent.height / 2, extent.width / 2)
        }
        return Convolution2D(stride: stride, padding: explicit, dilation: dilation)
    }

    public var ownParameters: [(name: String, parameter: Parameter)] {
        var result = [(name: "weight", parameter: weight)]
        if let bias { result.append((name: "bias", parameter: bias)) }
        return result
    }

    /// The output shape for an input shape, or an error naming both.
    func outputShape(for input: Tensor) throws -> [Int] {
        try LayerChecks.rank(of: input, in: 4...4, layer: "Conv2D", layout: "[N, C, H, W]")
        guard input.shape[1] == inputChannels else {
            throw NeuralNetError.invalidInput(
                layer: "Conv2D",
                reason: "input has \(input.shape[1]) channels, weight expects \(inputChannels) "
                    + "(input \(input.shape), weight \(weight.value.shape))")
        }
        let size = try LayerChecks.windowOutputSize(
            input: input, kernel: kernelSize, stride: convolution.stride,
            padding: convolution.padding, dilation: convolution.dilation, layer: "Conv2D")
        return [input.shape[0], outputChannels, size.height, size.width]
    }

    /// `[N, C, H, W]` → `[N, O, OH, OW]`.
    /// - Throws: ``NeuralNetError/invalidInput(layer:reason:)`` naming the input and weight
    ///   shapes for a wrong rank, a wrong channel count or an input smaller than the kernel.
    public func forward(_ input: Tensor) throws -> Tensor {
        try forward(input, fusingReLU: false)
    }

    func forward(_ input: Tensor, fusingReLU: Bool) throws -> Tensor {
        _ = try outputShape(for: input)
        guard !isTraining else {
            preparedWeight = nil
            let output = try convolution.forward(
                input: input, weight: weight.value, bias: bias?.value, fusingReLU: fusingReLU)
            cachedInput = input
            return output
        }
        cachedInput = nil
        let prepared: Convolution2D.PreparedWeight
        if let cached = preparedWeight, cached.source == weight.value {
            prepared = cached
        } else {
            prepared = convolution.prepare(weight.value)
            preparedWeight = prepared
        }
        return try convolution.forward(
            input: input, prepared: prepared, bias: bias?.value, fusingReLU: fusingReLU)
    }

    /// Inference with `norm` (the batch normalization after this layer, in inference mode)
    /// folded into the weights: `weight·scale[o]` and `bias·scale[o] + shift[o]`, one
    /// convolution instead of a convolution and a pass over its output, like PyTorch's
    /// `fuse_conv_bn_eval`. Equal to the two layers up to float rounding. The folded weights
    /// are kept until the weights or `norm`'s statistics change; with `fusingReLU` the ReLU
    /// after them is applied in the same pass.
    func forward(_ input: Tensor, folding norm: BatchNorm, fusingReLU: Bool) throws -> Tensor {
        _ = try outputShape(for: input)
        let affine = norm.inferenceAffine()
        let folded = try foldedWeights(scale: affine.scale, shift: affine.shift)
        cachedInput = nil
        return try convolution.forward(
            input: input, prepared: folded.prepared, bias: folded.bias, fusingReLU: fusingReLU)
    }

    /// Accumulates the weight and bias gradients; returns the input gradient.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        let (input, inputGradient) = try backward(outputGradient, needsInputGradient: true)
        return inputGradient ?? Tensor.zeros(like: input)
    }

    /// Accumulates the weight and bias gradients without computing the input gradient (a
    /// network's first layer: its input is the data).
    public func backwardParameters(_ outputGradient: Tensor) throws {
        _ = try backward(outputGradient, needsInputGradient: false)
    }

    /// Accumulates the weight and bias gradients for the last forward pass; returns that
    /// pass's input and, when asked for, the input gradient.
    private func backward(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> (
        input: Tensor, inputGradient: Tensor?
    ) {
        guard let input = cachedInput else {
            throw NeuralNetError.backwardWithoutForward(layer: "Conv2D")
        }
        try LayerChecks.gradient(
            outputGradient, matches: try outputShape(for: input), layer: "Conv2D")
        let gradients = try convolution.backward(
            input: input, weight: weight.value, outputGradient: outputGradient,
            needsInputGradient: needsInputGradient)
        try weight.accumulateGradient(gradients.weight)
        try bias?.accumulateGradient(gradients.bias)
        return (input, gradients.input)
    }

    /// `2·C·KH·KW` per output scalar (plus one for the bias).
    public func forwardFLOPs(inputShape: [Int], outputShape: [Int]) -> Int {
        let perOutput =
            2 * inputChannels * kernelSize.height * kernelSize.width
            + (bias == nil ? 0 : 1)
        return outputShape.reduce(1, *) * perOutput
    }
}
