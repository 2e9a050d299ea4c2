import TensorMath

/// A residual block (He et al., 2015, "Deep Residual Learning for Image Recognition"):
/// `y = relu(body(x) + shortcut(x))`, or without the final ReLU when `finalReLU` is false.
///
/// Shortcuts:
/// - ``Shortcut/identity``: `x` itself (body output and input shapes must agree).
/// - ``Shortcut/zeroPadIdentity(stride:outputChannels:)``: the paper's option A: `x`
///   subsampled by the stride (`x[:, :, ::s, ::s]`) and zero-padded to `outputChannels`, the
///   new zero channels split evenly before and after the input's (as the widely used PyTorch
///   CIFAR ResNet does, `F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, planes // 4, planes // 4))`).
///   No parameters.
/// - ``Shortcut/projection(_:)``: any layer, typically a 1x1 convolution with the stride and a
///   batch norm (option B, torchvision's `downsample`), built by
///   ``Shortcut/projection(inputChannels:outputChannels:stride:generator:)``.
///
/// Names: when `body` is a ``Sequential``, its children become the block's own children, so a
/// body `Sequential(named: [("conv1", …), ("bn1", …), ("relu", …), ("conv2", …), ("bn2", …)])`
/// gives torchvision `BasicBlock` names (`conv1.weight`, `bn1.running_mean`, …); any other body
/// is named `body`. A projection shortcut is named `shortcut` (`shortcut.0.weight`,
/// `shortcut.1.weight`), which is torchvision's `downsample.0` / `downsample.1` and the
/// `shortcut.0` / `shortcut.1` of the common PyTorch CIFAR ResNet.
/// ``basicBlock(inputChannels:outputChannels:stride:downsampling:generator:)`` builds exactly
/// that block.
public final class Residual: Layer {
    /// How the block's input reaches the sum.
    public enum Shortcut {
        /// The input unchanged.
        case identity
        /// He et al.'s option A: subsample by `stride`, then zero-pad the channels to
        /// `outputChannels`.
        case zeroPadIdentity(stride: Size2D, outputChannels: Int)
        /// A layer applied to the input (option B), named `shortcut`.
        case projection(Layer)

        /// A projection shortcut as torchvision builds it:
        /// `Sequential(Conv2D 1x1 with the stride and no bias, BatchNorm2D)`.
        /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` for non-positive sizes.
        public static func projection<G: RandomNumberGenerator>(
            inputChannels: Int, outputChannels: Int, stride: Size2D, generator: inout G
        ) throws -> Shortcut {
            let convolution = try Conv2D(
                inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: 1,
                stride: stride, bias: false, generator: &generator)
            return .projection(Sequential(convolution, try BatchNorm2D(features: outputChannels)))
        }
    }

    /// How a ``basicBlock(inputChannels:outputChannels:stride:downsampling:generator:)``
    /// reaches a different shape.
    public enum Downsampling: String, Codable, Sendable, CaseIterable {
        /// He et al.'s option A: ``Shortcut/zeroPadIdentity(stride:outputChannels:)``.
        case zeroPad
        /// Option B: a 1x1 convolution and batch norm, ``Shortcut/projection(_:)``.
        case projection
    }

    /// The residual branch.
    public let body: Layer
    /// The shortcut branch.
    public let shortcut: Shortcut
    /// Whether a ReLU follows the sum (as in ResNet); default `true`.
    public let finalReLU: Bool
    public var isTraining = true {
        didSet { body.isTraining = isTraining }
    }

    private var cachedInputShape: [Int]?
    private var cachedOutput: Tensor?

    /// Creates a residual block.
    /// - Parameters:
    ///   - body: The residual branch; its output must have the shortcut's output shape.
    ///   - shortcut: Default ``Shortcut/identity``.
    ///   - finalReLU: Apply a ReLU after the sum; default `true`.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` for a zero-pad shortcut with a
    ///   non-positive stride or channel count.
    public init(body: Layer, shortcut: Shortcut = .identity, finalReLU: Bool = true) throws {
        if case let .zeroPadIdentity(stride, outputChannels) = shortcut {
            try LayerChecks.positive(stride, "shortcut stride", layer: "Residual")
            try LayerChecks.positive(outputChannels, "shortcut outputChannels", layer: "Residual")
        }
        self.body = body
        self.shortcut = shortcut
        self.finalReLU = finalReLU
    }

    /// A ResNet basic block, torchvision's `BasicBlock`: `conv1` (3x3, stride, padding 1, no
    /// bias), `bn1`, `relu`, `conv2` (3x3, padding 1, no bias), `bn2`, plus a shortcut, and a
    /// ReLU after the sum. The shortcut is the identity when the stride is 1 and the channel
    /// counts agree, otherwise `downsampling` (default ``Downsampling/projection``).
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` for non-positive sizes.
    public static func basicBlock<G: RandomNumberGenerator>(
        inputChannels: Int, outputChannels: Int, stride: Size2D = 1,
        downsampling: Downsampling = .projection, generator: inout G
    ) throws -> Residual {
        let body = try Sequential(named: [
            (
                "conv1",
                try Conv2D(
                    inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: 3,
                    stride: stride, padding: .explicit(1), bias: false, generator: &generator)
            ),
            ("bn1", try BatchNorm2D(features: outputChannels)),
            ("relu", ReLU()),
            (
                "conv2",
                try Conv2D(
                    inputChannels: outputChannels, outputChannels: outputChannels, kernelSize: 3,
                    padding: .explicit(1), bias: false, generator: &generator)
            ),
            ("bn2", try BatchNorm2D(features: outputChannels)),
        ])
        let shortcut: Shortcut
        if stride == 1, inputChannels == outputChannels {
            shortcut = .identity
        } else {
            switch downsampling {
            case .zeroPad:
                shortcut = .zeroPadIdentity(stride: stride, outputChannels: outputChannels)
            case .projection:
                shortcut = try .projection(
                    inputChannels: inputChannels, outputChannels: outputChannels, stride: stride,
                    generator: &generator)
            }
        }
        return try Residual(body: body, shortcut: shortcut)
    }

    /// The body's children when it is a ``Sequential`` (else `body`), then `shortcut` for a
    /// projection.
    public var children: [(name: String, layer: Layer)] {
        var result = bodyIsFlattened ? body.children : [(name: "body", layer: body)]
        if case let .projection(layer) = shortcut {
            result.append((name: "shortcut", layer: layer))
        }
        return result
    }

    /// Whether the body's children are named directly (a `Sequential` body), in which case
    /// the body's own wrapped errors already carry the right dotted names.
    private var bodyIsFlattened: Bool { body is Sequential }

    private func runBody(_ apply: () throws -> Tensor) throws -> Tensor {
        do { return try apply() } catch {
            if bodyIsFlattened { throw error }
            throw NeuralNetError.wrapping(error, child: "body", layer: body)
        }
    }

    private func runShortcut(_ layer: Layer, _ apply: () throws -> Tensor) throws -> Tensor {
        do { return try apply() } catch {
            throw NeuralNetError.wrapping(error, child: "shortcut", layer: layer)
        }
    }

    /// `relu(body(x) + shortcut(x))`.
    /// - Throws: the body's or shortcut's errors with their dotted names, or
    ///   ``NeuralNetError/invalidInput(layer:reason:)`` when the two branches' shapes differ.
    public func forward(_ input: Tensor) throws -> Tensor {
        let main = try runBody { try body.forward(input) }
        let side: Tensor
        switch shortcut {
        case .identity:
            side = input
        case let .zeroPadIdentity(stride, outputChannels):
            side = try Residual.zeroPadForward(
                input, stride: stride, outputChannels: outputChannels)
        case let .projection(layer):
            side = try runShortcut(layer) { try layer.forward(input) }
        }
        guard main.shape == side.shape else {
            throw NeuralNetError.invalidInput(
                layer: "Residual",
                reason: "body output \(main.shape) and shortcut output \(side.shape) differ "
                    + "(input \(input.shape))")
        }
        // In place in the body's output (its own unless a layer kept it), one pass.
        var output = main
        if finalReLU {
            try output.formReLU(adding: side)
        } else {
            try output += side
        }
        if isTraining {
            (cachedInputShape, cachedOutput) = (input.shape, output)
        } else {
            (cachedInputShape, cachedOutput) = (nil, nil)
        }
        return output
    }

    /// Back-propagates through the final ReLU into both branches and sums their input
    /// gradients.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let inputShape = cachedInputShape, let output = cachedOutput else {
            throw NeuralNetError.backwardWithoutForward(layer: "Residual")
        }
        try LayerChecks.gradient(outputGradient, matches: output.shape, layer: "Residual")
        // relu(s) > 0 exactly where s > 0, so the output gives the ReLU's mask.
        let gradient =
            finalReLU
            ? try Tensor.reluGradient(input: output, outputGradient: outputGradient)
            : outputGradient
        var bodyGradient = try runBody { try body.backward(gradient) }
        let shortcutGradient: Tensor
        switch shortcut {
        case .identity:
            shortcutGradient = gradient
        case let .zeroPadIdentity(stride, _):
            shortcutGradient = try Residual.zeroPadBackward(
                gradient, inputShape: inputShape, stride: stride)
        case let .projection(layer):
            shortcutGradient = try runShortcut(layer) { try layer.backward(gradient) }
        }
        guard bodyGradient.shape == inputShape, shortcutGradient.shape == inputShape else {
            throw NeuralNetError.invalidInput(
                layer: "Residual",
                reason: "body input gradient \(bodyGradient.shape) and shortcut input gradient "
                    + "\(shortcutGradient.shape) must both be the input's shape \(inputShape)")
        }
        // In place in the body's input gradient (a tensor of its own unless a layer kept it).
        try bodyGradient += shortcutGradient
        return bodyGradient
    }

    /// One addition (and one comparison with the final ReLU) per output scalar.
    public func forwardFLOPs(inputShape: [Int], outputShape: [Int]) -> Int {
        (finalReLU ? 2 : 1) * outputShape.reduce(1, *)
    }

    // MARK: - Option A shortcut

    /// The output shape of the zero-pad shortcut, or an error naming the input shape.
    static func zeroPadShape(
        _ inputShape: [Int], stride: Size2D, outputChannels: Int
    ) throws -> [Int] {
        guard inputShape.count == 4 else {
            throw NeuralNetError.invalidInput(
                layer: "Residual",
                reason: "the zero-pad shortcut expects a rank 4 input [N, C, H, W], got shape "
                    + "\(inputShape)")
        }
        guard outputChannels >= inputShape[1] else {
            throw NeuralNetError.invalidInput(
                layer: "Residual",
                reason: "the zero-pad shortcut cannot reduce \(inputShape[1]) channels to "
                    + "\(outputChannels) (input \(inputShape))")
        }
        let height = (inputShape[2] + stride.height - 1) / stride.height
        let width = (inputShape[3] + stride.width - 1) / stride.width
        return [inputShape[0], outputChannels, height, width]
    }

    static func zeroPadForward(
        _ input: Tensor, stride: Size2D, outputChannels: Int
    ) throws -> Tensor {
        let shape = try zeroPadShape(input.shape, stride: stride, outputChannels: outputChannels)
        let (batch, channels, height, width) = (
            input.shape[0], input.shape[1], input.shape[2], input.shape[3]
        )
        let (outHeight, outWidth) = (shape[2], shape[3])
        let before = (outputChannels - channels) / 2
        return try Tensor.filled(shape) { out in
            out.update(repeating: 0)
            input.withUnsafeBufferPointer { x in
                for n in 0..<batch {
                    for c in 0..<channels {
                        let source = (n * channels + c) * height * width
                        let target = (n * outputChannels + before + c) * outHeight * outWidth
                        for i in 0..<outHeight {
                            for j in 0..<outWidth {
                                out[target + i * outWidth + j] =
                                    x[source + i * stride.height * width + j * stride.width]
                            }
                        }
                    }
                }
            }
        }
    }

    static func zeroPadBackward(
        _ outputGradient: Tensor, inputShape: [Int], stride: Size2D
    ) throws -> Tensor {
        let (batch, channels, height, width) = (
            inputShape[0], inputShape[1], inputShape[2], inputShape[3]
        )
        let (outputChannels, outHeight, outWidth) = (
            outputGradient.shape[1], outputGradient.shape[2], outputGradient.shape[3]
        )
        let before = (outputChannels - channels) / 2
        return try Tensor.filled(inputShape) { dx in
            dx.update(repeating: 0)
            outputGradient.withUnsafeBufferPointer { g in
                for n in 0..<batch {
                    for c in 0..<channels {
                        let target = (n * channels + c) * height * width
                        let source = (n * outputChannels + before + c) * outHeight * outWidth
                        for i in 0..<outHeight {
                            for j in 0..<outWidth {
                                dx[target + i * stride.height * width + j * stride.width] =
                                    g[source + i * outWidth + j]
                            }
                        }
                    }
                }
            }
        }
    }
}
