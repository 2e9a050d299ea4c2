import NeuralNet
import TensorMath

extension LayerSpecification {
    /// The most scalars one layer's output may hold per sample: 2^26 (256 MiB of `Float`), so
    /// that a specification cannot ask for unbounded memory in its forward pass.
    public static let maxActivationsPerSample = 1 << 26

    /// One layer checked against the shape it gets.
    public struct PlannedLayer: Sendable {
        /// The layer's name in parameter names (`3`, `2.1`).
        public let path: String
        /// The layer as written.
        public let element: Element
        /// The shape of one sample it gets: `[C, H, W]` or `[F]`.
        public let inputShape: [Int]
        /// The shape of one sample it gives.
        public let outputShape: [Int]
        /// Trainable parameters of the layer (of a residual block: all of its layers').
        public let parameterCount: Int
        /// A residual block's planned layers.
        public let body: [PlannedLayer]
        /// A residual block's resolved shortcut.
        let shortcut: ResolvedShortcut?
    }

    /// A residual block's shortcut with its stride worked out.
    enum ResolvedShortcut: Sendable {
        case identity
        case projection(stride: Size2D)
        case zeropad(stride: Size2D)
    }

    /// A specification checked against an input shape, with every layer's output shape.
    public struct Plan: Sendable {
        /// The planned layers, in order.
        public let layers: [PlannedLayer]
        /// The shape of one sample the network gets.
        public let inputShape: [Int]
        /// The shape of one sample's output.
        public var outputShape: [Int] { layers.last?.outputShape ?? inputShape }
        /// Trainable parameters (batch norms' running statistics not counted).
        public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }
    }

    /// Checks the specification against the shape of one input sample (`[C, H, W]` images or
    /// `[F]` features) without allocating any layer.
    /// - Throws: ``LayerSpecificationError/shape(layer:text:reason:)`` naming the first layer
    ///   that does not fit: a convolution or pooling after `flatten` or larger than its input,
    ///   `dense` on maps without `flatten`, a residual block whose body changes the shape in
    ///   a way its shortcut cannot follow, or an output beyond ``maxActivationsPerSample``;
    ///   ``NeuralNet/NeuralNetError/invalidConfiguration(_:)`` for a network beyond
    ///   ``ModelLimits`` or an input shape that is not `[C, H, W]` or `[F]` within them.
    public func plan(inputShape: [Int]) throws -> Plan {
        guard inputShape.count == 1 || inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 }),
            let elements = ModelBudget.product(inputShape),
            elements <= Self.maxActivationsPerSample
        else {
            throw NeuralNetError.invalidConfiguration(
                "Layers: the input shape \(inputShape) is not [C, H, W] or [F] of positive "
                    + "sizes with at most \(Self.maxActivationsPerSample) scalars")
        }
        let budget = ModelBudget("Layers")
        if inputShape.count == 3 {
            try budget.checkInputSide(inputShape[1], "input height")
            try budget.checkInputSide(inputShape[2], "input width")
        }
        var planner = Planner(budget: budget)
        let layers = try planner.plan(layers, input: inputShape, prefix: "")
        return Plan(layers: layers, inputShape: inputShape)
    }

    /// Builds the network for samples of `inputShape` (see ``plan(inputShape:)``), its
    /// initialization (PyTorch's defaults) and dropout seeds drawn from `generator` in the
    /// order of the layers. Input `[N] + inputShape`, output `[N] + plan.outputShape`.
    /// - Throws: the errors of ``plan(inputShape:)``, before anything is allocated.
    public func makeModel<G: RandomNumberGenerator>(
        inputShape: [Int], generator: inout G
    ) throws -> Sequential {
        try Self.build(plan(inputShape: inputShape), generator: &generator)
    }

    /// Builds the layers of `plan`.
    public static func build<G: RandomNumberGenerator>(_ plan: Plan, generator: inout G) throws
        -> Sequential
    {
        Sequential(try plan.layers.map { try build($0, generator: &generator) })
    }

    private static func build<G: RandomNumberGenerator>(
        _ planned: PlannedLayer, generator: inout G
    ) throws -> Layer {
        do {
            return try makeLayer(planned, generator: &generator)
        } catch let error as LayerSpecificationError {
            throw error
        } catch {
            throw LayerSpecificationError.shape(
                layer: planned.path, text: text(planned.element), reason: "\(error)")
        }
    }

    private static func makeLayer<G: RandomNumberGenerator>(
        _ planned: PlannedLayer, generator: inout G
    ) throws -> Layer {
        let channels = planned.inputShape[0]
        switch planned.element {
        case let .convolution(c):
            let padding: Conv2D.Padding
            switch c.padding {
            case .valid: padding = .valid
            case .same: padding = .same
            case let .explicit(size): padding = .explicit(size)
            }
            return try Conv2D(
                inputChannels: channels, outputChannels: c.outputChannels, kernelSize: c.kernel,
                stride: c.stride, padding: padding, dilation: c.dilation, bias: c.bias,
                generator: &generator)
        case .relu: return ReLU()
        case let .leakyReLU(slope): return LeakyReLU(slope: slope)
        case .tanh: return Tanh()
        case .sigmoid: return Sigmoid()
        case let .pooling(p):
            switch p.kind {
            case .max:
                return try MaxPool2D(kernelSize: p.size, stride: p.stride, padding: p.padding)
            case .average:
                return try AvgPool2D(kernelSize: p.size, stride: p.stride, padding: p.padding)
            case .sum:
                return try SumPool2D(kernelSize: p.size, stride: p.stride, padding: p.padding)
            }
        case .globalAveragePooling: return GlobalAvgPool2D()
        case .batchNorm:
            return planned.inputShape.count == 3
                ? try BatchNorm2D(features: channels) : try BatchNorm1D(features: channels)
        case let .dropout(rate): return try Dropout(rate: rate, generator: &generator)
        case .flatten: return Flatten()
        case let .dense(units, bias):
            return try Linear(
                inputSize: channels, outputSize: units, bias: bias, generator: &generator)
        case let .residual(block):
            let body = Sequential(try planned.body.map { try build($0, generator: &generator) })
            let shortcut: Residual.Shortcut
            switch planned.shortcut ?? .identity {
            case .identity: shortcut = .identity
            case let .projection(stride):
                shortcut = try .projection(
                    inputChannels: channels, outputChannels: planned.outputShape[0],
                    stride: stride, generator: &generator)
            case let .zeropad(stride):
                shortcut = .zeroPadIdentity(
                    stride: stride, outputChannels: planned.outputShape[0])
            }
            return try Residual(body: body, shortcut: shortcut, finalReLU: block.finalReLU)
        }
    }
}

/// Works out each layer's output shape and parameters, counting them in a ``ModelBudget``.
private struct Planner {
    var budget: ModelBudget

    mutating func plan(
        _ elements: [LayerSpecification.Element], input: [Int], prefix: String
    ) throws -> [LayerSpecification.PlannedLayer] {
        var shape = input
        var planned: [LayerSpecification.PlannedLayer] = []
        for (index, element) in elements.enumerated() {
            let layer = try plan(element, input: shape, path: prefix + "\(index)")
            planned.append(layer)
            shape = layer.outputShape
        }
        return planned
    }

    private mutating func plan(
        _ element: LayerSpecification.Element, input: [Int], path: String
    ) throws -> LayerSpecification.PlannedLayer {
        func fail(_ reason: String) -> LayerSpecificationError {
            .shape(layer: path, text: LayerSpecification.text(element), reason: reason)
        }
        func maps(_ what: String) throws -> (channels: Int, height: Int, width: Int) {
            guard input.count == 3 else {
                throw fail(
                    "\(what) needs maps [C, H, W] but gets flat features \(input); "
                        + "put it before flatten")
            }
            return (input[0], input[1], input[2])
        }
        var output = input
        var parameters = 0
        var body: [LayerSpecification.PlannedLayer] = []
        var shortcut: LayerSpecification.ResolvedShortcut?
        switch element {
        case let .convolution(c):
            let (channels, height, width) = try maps("a convolution")
            let padding: Size2D
            switch c.padding {
            case .valid: padding = 0
            case let .explicit(size): padding = size
            case .same:
                let extent = Size2D(
                    c.dilation.height * (c.kernel.height - 1),
                    c.dilation.width * (c.kernel.width - 1))
                guard c.stride == 1, extent.height % 2 == 0, extent.width % 2 == 0 else {
                    throw fail(
                        "'same' padding needs stride 1 and an odd kernel (with its dilation); "
                            + "write padding=P instead")
                }
                padding = Size2D(extent.height / 2, extent.width / 2)
            }
            let size = try window(
                Size2D(height, width), kernel: c.kernel, stride: c.stride, padding: padding,
                dilation: c.dilation, input: input, fail: fail)
            output = [c.outputChannels, size.height, size.width]
            let bias = c.bias ? c.outputChannels : 0
            try budget.add(
                weights: [c.outputChannels, channels, c.kernel.height, c.kernel.width],
                bias: bias)
            parameters = c.outputChannels * channels * c.kernel.height * c.kernel.width + bias
        case .relu, .leakyReLU, .tanh, .sigmoid, .dropout:
            try budget.add()
        case let .pooling(p):
            let (channels, height, width) = try maps("pooling")
            guard 2 * p.padding.height <= p.size.height, 2 * p.padding.width <= p.size.width
            else {
                throw fail("the padding \(p.padding) is more than half the window \(p.size)")
            }
            let size = try window(
                Size2D(height, width), kernel: p.size, stride: p.stride, padding: p.padding,
                dilation: 1, input: input, fail: fail)
            output = [channels, size.height, size.width]
            try budget.add()
        case .globalAveragePooling:
            output = [try maps("globalavgpool").channels]
            try budget.add()
        case .batchNorm:
            try budget.add(weights: [4, input[0]])
            parameters = 2 * input[0]
        case .flatten:
            output = [input.reduce(1, *)]
            try budget.add()
        case let .dense(units, bias):
            guard input.count == 1 else {
                throw fail(
                    "dense needs flat features [F] but gets maps \(input); put flatten (or "
                        + "globalavgpool) before it")
            }
            try budget.add(weights: [units, input[0]], bias: bias ? units : 0)
            output = [units]
            parameters = units * input[0] + (bias ? units : 0)
        case let .residual(block):
            try budget.add()
            body = try plan(block.body, input: input, prefix: path + ".")
            output = body.last?.outputShape ?? input
            parameters = body.reduce(0) { $0 + $1.parameterCount }
            shortcut = try resolveShortcut(block.shortcut, input: input, output: output, fail: fail)
            if case .projection = shortcut {
                try budget.add(layers: 2, weights: [output[0], input[0]], bias: 4 * output[0])
                parameters += output[0] * input[0] + 2 * output[0]
            }
        }
        guard let scalars = ModelBudget.product(output),
            scalars <= LayerSpecification.maxActivationsPerSample
        else {
            throw fail(
                "its output \(output) has more than \(LayerSpecification.maxActivationsPerSample) "
                    + "scalars per sample (the limit)")
        }
        return LayerSpecification.PlannedLayer(
            path: path, element: element, inputShape: input, outputShape: output,
            parameterCount: parameters, body: body, shortcut: shortcut)
    }

    /// The output size of a sliding window, `⌊(size + 2·padding − dilation·(kernel − 1) − 1) /
    /// stride⌋ + 1`, or an error when the window does not fit.
    private func window(
        _ size: Size2D, kernel: Size2D, stride: Size2D, padding: Size2D, dilation: Size2D,
        input: [Int], fail: (String) -> LayerSpecificationError
    ) throws -> Size2D {
        func side(_ size: Int, _ kernel: Int, _ stride: Int, _ padding: Int, _ dilation: Int)
            -> Int?
        {
            let extent = dilation * (kernel - 1) + 1
            let padded = size + 2 * padding
            return padded >= extent ? (padded - extent) / stride + 1 : nil
        }
        guard
            let height = side(
                size.height, kernel.height, stride.height, padding.height, dilation.height),
            let width = side(size.width, kernel.width, stride.width, padding.width, dilation.width)
        else {
            let dilated = dilation == 1 ? "" : " dilated by \(dilation)"
            throw fail(
                "the \(kernel) window\(dilated) does not fit its input \(input) "
                    + "(padding \(padding))")
        }
        return Size2D(height, width)
    }

    /// The shortcut of a residual block from `input` to its body's `output`.
    private func resolveShortcut(
        _ requested: LayerSpecification.ResidualBlock.Shortcut?, input: [Int], output: [Int],
        fail: (String) -> LayerSpecificationError
    ) throws -> LayerSpecification.ResolvedShortcut {
        // A zero-padded shortcut that pads and subsamples nothing is the identity.
        if input == output, requested != .projection { return .identity }
        if requested == .identity {
            throw fail(
                "its layers turn \(input) into \(output), and an identity shortcut needs the "
                    + "same shape; leave out shortcut=identity for a projection")
        }
        guard input.count == 3, output.count == 3 else {
            throw fail(
                "its layers turn \(input) into \(output); a shortcut that changes the shape "
                    + "needs maps [C, H, W] on both ends")
        }
        guard let stride = Self.stride(from: input, to: output) else {
            throw fail(
                "its layers turn \(input) into \(output), which no strided 1x1 shortcut can "
                    + "follow (the maps may only shrink by a whole stride)")
        }
        if requested == .zeropad {
            guard output[0] >= input[0] else {
                throw fail(
                    "its layers turn \(input[0]) channels into \(output[0]), and a zeropad "
                        + "shortcut cannot reduce channels; use shortcut=projection")
            }
            return .zeropad(stride: stride)
        }
        return .projection(stride: stride)
    }

    /// The stride `s` with `⌊(side − 1) / s⌋ + 1` equal to the output side in both directions.
    private static func stride(from input: [Int], to output: [Int]) -> Size2D? {
        func side(_ size: Int, _ target: Int) -> Int? {
            guard target >= 1, target <= size else { return nil }
            if target == 1 { return size }
            let s = (size - 1) / (target - 1)
            return s >= 1 && (size - 1) / s + 1 == target ? s : nil
        }
        guard let height = side(input[1], output[1]), let width = side(input[2], output[2])
        else { return nil }
        return Size2D(height, width)
    }
}
