import Checkpoints
import NeuralNet
import TensorMath

/// Translates a built network into an ONNX graph (opset 17) by walking its layers: containers
/// (``NeuralNet/Sequential``, ``NeuralNet/Residual`` with identity, zero-pad or projection
/// shortcuts) are unrolled, each leaf becomes one or two nodes, and every parameter and
/// running statistic becomes an initializer under its state-dictionary name
/// (`features.0.weight`). Batch norm is exported in inference form (running statistics),
/// dropout is left out. The 1998 LeNet-5's layers use standard operators:
/// ``NeuralNet/Subsampling2D`` is `AveragePool`, `Mul` by `k²`, `Mul`, `Add` (its `weight` and
/// `bias` stored as `[1, C, 1, 1]`), ``NeuralNet/PartiallyConnectedConv2D`` a `Conv` on its
/// dense weight `[O, C, KH, KW]` (`NAME.dense_weight`, zero where unconnected),
/// ``NeuralNet/ScaledTanh`` `Mul`, `Tanh`, `Mul`, and ``NeuralNet/EuclideanRBF`` `Unsqueeze`,
/// `Sub` of the prototypes, `ReduceSumSquare` over the last axis, then `Neg` if negated.
///
/// The graph reads `input` `[N, C, H, W]` (float, symbolic batch `N`) and answers `logits`
/// `[N, classes]`; the model description's metadata keys (`swiftcnn.class_names`,
/// `swiftcnn.preprocessing`, …) become `metadata_props`.
///
/// ```swift
/// let classifier = try ImageClassifier(contentsOf: modelURL)
/// let graph = try ONNXExporter.graph(
///     network: classifier.network, description: classifier.modelDescription)
/// try Data(graph.modelBytes()).write(to: onnxURL)
/// ```
public enum ONNXExporter {
    /// The ONNX graph of `network` for inputs shaped as `description.input`.
    /// - Parameters:
    ///   - network: The network; it is put in inference mode.
    ///   - description: Its model description (input shape, metadata).
    ///   - producerVersion: `producer_version`; default the SwiftCNN version.
    /// - Throws: ``ModelExportError/unsupportedLayer(path:type:target:)`` for a layer type
    ///   without translation (naming its path and type),
    ///   ``ModelExportError/unsupportedForm(path:type:target:reason:)`` for a layer form ONNX
    ///   cannot express here, or the network's own error if it does not take the input.
    public static func graph(
        network: Layer, description: ModelDescription, producerVersion: String = "1"
    ) throws -> ONNXGraph {
        network.setTraining(false)
        let input = description.input
        var builder = Builder()
        let probe = try Tensor.zeros([1, input.channels, input.height, input.width])
        var (value, output) = try builder.visit(
            network, path: "", value: "input", probe: probe)
        if value == "input" {
            builder.nodes.append(
                ONNXNode(name: "output", opType: "Identity", inputs: [value], outputs: ["logits"]))
            value = "logits"
        }
        builder.rename(value, to: "logits")
        return ONNXGraph(
            name: description.architecture.name, nodes: builder.nodes,
            initializers: builder.initializers,
            input: ONNXValueInfo(
                name: "input",
                sampleShape: [
                    input.channels, input.height, input.width,
                ]),
            output: ONNXValueInfo(name: "logits", sampleShape: Array(output.shape.dropFirst())),
            metadata: try description.metadata(), producerName: "SwiftCNN",
            producerVersion: producerVersion)
    }
}

/// The walk's state: the nodes and initializers so far.
private struct Builder {
    static let target = "ONNX"
    var nodes: [ONNXNode] = []
    var initializers: [ONNXInitializer] = []

    /// Adds `layer` (at `path`, reading `value`, whose batch-1 stand-in is `probe`); returns
    /// the name of its output value and its batch-1 output.
    mutating func visit(_ layer: Layer, path: String, value: String, probe: Tensor) throws
        -> (String, Tensor)
    {
        let kind = try LayerKind(layer, path: path, target: Self.target)
        let name = path.isEmpty ? "output" : path
        let type = LayerKind.typeName(of: layer)
        func unsupported(_ reason: String) -> ModelExportError {
            .unsupportedForm(path: path, type: type, target: Self.target, reason: reason)
        }
        switch kind {
        case let .sequential(sequential):
            var (current, tensor) = (value, probe)
            for (childName, child) in sequential.children {
                (current, tensor) = try visit(
                    child, path: LayerKind.join(path, childName), value: current, probe: tensor)
            }
            return (current, tensor)
        case let .residual(residual):
            return try visitResidual(residual, path: path, value: value, probe: probe)
        case .dropout:
            return (value, probe)
        default:
            break
        }
        let output = try layer.forward(probe)
        switch kind {
        case let .conv2D(conv):
            let weight = addTensor(LayerKind.join(path, "weight"), conv.weight.value)
            var inputs = [value, weight]
            if let bias = conv.bias {
                inputs.append(addTensor(LayerKind.join(path, "bias"), bias.value))
            }
            let c = conv.convolution
            let kernel = conv.kernelSize
            add(
                name, "Conv", inputs,
                [
                    ("dilations", .ints([c.dilation.height, c.dilation.width])),
                    ("group", .int(1)),
                    ("kernel_shape", .ints([kernel.height, kernel.width])),
                    (
                        "pads",
                        .ints([
                            c.padding.height, c.padding.width, c.padding.height,
                            c.padding.width,
                        ])
                    ),
                    ("strides", .ints([c.stride.height, c.stride.width])),
                ])
        case let .linear(linear):
            guard probe.rank == 2 else {
                throw unsupported(
                    "its input has shape \(probe.shape); only [N, features] is exported")
            }
            var inputs = [value, addTensor(LayerKind.join(path, "weight"), linear.weight.value)]
            if let bias = linear.bias {
                inputs.append(addTensor(LayerKind.join(path, "bias"), bias.value))
            }
            add(
                name, "Gemm", inputs,
                [("alpha", .float(1)), ("beta", .float(1)), ("transB", .int(1))])
        case .relu:
            add(name, "Relu", [value])
        case let .leakyReLU(slope):
            add(name, "LeakyRelu", [value], [("alpha", .float(slope))])
        case .tanh:
            add(name, "Tanh", [value])
        case .sigmoid:
            add(name, "Sigmoid", [value])
        case let .softmax(axis):
            add(name, "Softmax", [value], [("axis", .int(axis))])
        case let .maxPool(pooling):
            add(name, "MaxPool", [value], Self.poolAttributes(pooling))
        case let .averagePool(pooling):
            add(
                name, "AveragePool", [value],
                Self.poolAttributes(pooling)
                    + [("count_include_pad", .int(pooling.countIncludesPadding ? 1 : 0))])
        case let .sumPool(pooling):
            guard !pooling.ceilMode else {
                throw unsupported("sum pooling with ceilMode has partial windows ONNX cannot sum")
            }
            let average = LayerKind.join(name, "average")
            nodes.append(
                ONNXNode(
                    name: average, opType: "AveragePool", inputs: [value], outputs: [average],
                    attributes: Self.poolAttributes(pooling) + [("count_include_pad", .int(1))]))
            let window = pooling.kernelSize.height * pooling.kernelSize.width
            let scale = addTensor(
                LayerKind.join(name, "window_size"), Tensor(scalar: Float(window)))
            add(name, "Mul", [average, scale])
        case .globalAveragePool:
            let pooled = LayerKind.join(name, "pooled")
            nodes.append(
                ONNXNode(
                    name: pooled, opType: "GlobalAveragePool", inputs: [value], outputs: [pooled]))
            add(name, "Flatten", [pooled], [("axis", .int(1))])
        case let .batchNorm(norm):
            let features = [norm.features]
            let scale = addTensor(
                LayerKind.join(path, norm.weight == nil ? "onnx_scale" : "weight"),
                try norm.weight?.value ?? Tensor.ones(features))
            let bias = addTensor(
                LayerKind.join(path, norm.bias == nil ? "onnx_bias" : "bias"),
                try norm.bias?.value ?? Tensor.zeros(features))
            let mean = addTensor(LayerKind.join(path, "running_mean"), norm.runningMean.value)
            let variance = addTensor(
                LayerKind.join(path, "running_var"), norm.runningVariance.value)
            add(
                name, "BatchNormalization", [value, scale, bias, mean, variance],
                [("epsilon", .float(norm.epsilon))])
        case let .flatten(start, end):
            let rank = probe.rank
            let (first, last) = (start < 0 ? start + rank : start, end < 0 ? end + rank : end)
            if first == 1, last == rank - 1 {
                add(name, "Flatten", [value], [("axis", .int(1))])
            } else {
                let target =
                    (0..<first).map { _ in Int64(0) } + [-1]
                    + output.shape.suffix(rank - 1 - last).map(Int64.init)
                let shape = addInt64(LayerKind.join(name, "shape"), target)
                add(name, "Reshape", [value, shape])
            }
        case let .subsampling(layer):
            try addSubsampling(layer, name: name, path: path, value: value)
        case let .partiallyConnectedConv2D(layer):
            // Only the connected kernels are parameters; ONNX gets the dense weight.
            let weight = addTensor(LayerKind.join(path, "dense_weight"), try layer.denseWeight())
            let bias = addTensor(LayerKind.join(path, "bias"), layer.bias.value)
            let kernel = layer.kernelSize
            add(
                name, "Conv", [value, weight, bias],
                [
                    ("dilations", .ints([1, 1])), ("group", .int(1)),
                    ("kernel_shape", .ints([kernel.height, kernel.width])),
                    ("pads", .ints([0, 0, 0, 0])), ("strides", .ints([1, 1])),
                ])
        case let .scaledTanh(amplitude, slope):
            let (scaled, tanh) = (LayerKind.join(name, "scaled"), LayerKind.join(name, "tanh"))
            let slopeName = addTensor(LayerKind.join(name, "slope"), Tensor(scalar: slope))
            let amplitudeName = addTensor(
                LayerKind.join(name, "amplitude"), Tensor(scalar: amplitude))
            nodes.append(
                ONNXNode(
                    name: scaled, opType: "Mul", inputs: [value, slopeName], outputs: [scaled]))
            nodes.append(ONNXNode(name: tanh, opType: "Tanh", inputs: [scaled], outputs: [tanh]))
            add(name, "Mul", [tanh, amplitudeName])
        case let .euclideanRBF(layer):
            addEuclideanRBF(layer, name: name, path: path, value: value)
        case .sequential, .residual, .dropout:
            break
        }
        return (name, output)
    }

    /// ``NeuralNet/Subsampling2D``: `AveragePool` `k×k` (stride `k`), `Mul` by `k²` (the window
    /// sums), then `Mul` by the coefficients and `Add` the biases, both stored under their
    /// state-dictionary names as `[1, C, 1, 1]`.
    mutating func addSubsampling(
        _ layer: Subsampling2D, name: String, path: String, value: String
    ) throws {
        let (k, channels) = (layer.kernelSize, layer.channels)
        let average = LayerKind.join(name, "average")
        nodes.append(
            ONNXNode(
                name: average, opType: "AveragePool", inputs: [value], outputs: [average],
                attributes: [
                    ("ceil_mode", .int(0)), ("count_include_pad", .int(1)),
                    ("kernel_shape", .ints([k, k])), ("pads", .ints([0, 0, 0, 0])),
                    ("strides", .ints([k, k])),
                ]))
        let sum = LayerKind.join(name, "sum")
        let window = addTensor(LayerKind.join(name, "window_size"), Tensor(scalar: Float(k * k)))
        nodes.append(ONNXNode(name: sum, opType: "Mul", inputs: [average, window], outputs: [sum]))
        let scaled = LayerKind.join(name, "scaled")
        let shape = [1, channels, 1, 1]
        let weight = addTensor(
            LayerKind.join(path, "weight"), try layer.weight.value.reshaped(to: shape))
        let bias = addTensor(LayerKind.join(path, "bias"), try layer.bias.value.reshaped(to: shape))
        nodes.append(
            ONNXNode(name: scaled, opType: "Mul", inputs: [sum, weight], outputs: [scaled]))
        add(name, "Add", [scaled, bias])
    }

    /// ``NeuralNet/EuclideanRBF``: `Unsqueeze` the input `[N, D]` to `[N, 1, D]`, `Sub` the
    /// prototypes `[K, D]` (broadcast to `[N, K, D]`), `ReduceSumSquare` over the last axis
    /// (an attribute in opset 17) to `[N, K]`, and `Neg` when the layer is negated. (The
    /// layer's own forward pass has already refused inputs other than `[N, D]`.)
    mutating func addEuclideanRBF(
        _ layer: EuclideanRBF, name: String, path: String, value: String
    ) {
        let prototypes = addTensor(LayerKind.join(path, "prototypes"), layer.prototypes.value)
        let unsqueezed = LayerKind.join(name, "unsqueezed")
        let axes = addInt64(LayerKind.join(name, "axes"), [1])
        nodes.append(
            ONNXNode(
                name: unsqueezed, opType: "Unsqueeze", inputs: [value, axes],
                outputs: [unsqueezed]))
        let difference = LayerKind.join(name, "difference")
        nodes.append(
            ONNXNode(
                name: difference, opType: "Sub", inputs: [unsqueezed, prototypes],
                outputs: [difference]))
        let attributes: [(name: String, value: ONNXAttributeValue)] = [
            ("axes", .ints([-1])), ("keepdims", .int(0)),
        ]
        guard layer.negated else {
            add(name, "ReduceSumSquare", [difference], attributes)
            return
        }
        let distance = LayerKind.join(name, "distance")
        nodes.append(
            ONNXNode(
                name: distance, opType: "ReduceSumSquare", inputs: [difference],
                outputs: [distance], attributes: attributes))
        add(name, "Neg", [distance])
    }

    /// `body(x) + shortcut(x)`, then a ReLU unless the block has none.
    mutating func visitResidual(_ residual: Residual, path: String, value: String, probe: Tensor)
        throws -> (String, Tensor)
    {
        let name = path.isEmpty ? "output" : path
        var (main, mainProbe) = (value, probe)
        if let body = residual.body as? Sequential {
            for (childName, child) in body.children {
                (main, mainProbe) = try visit(
                    child, path: LayerKind.join(path, childName), value: main, probe: mainProbe)
            }
        } else {
            (main, mainProbe) = try visit(
                residual.body, path: LayerKind.join(path, "body"), value: value, probe: probe)
        }
        let side: String
        switch residual.shortcut {
        case .identity:
            side = value
        case let .zeroPadIdentity(stride, outputChannels):
            let shortcut = LayerKind.join(name, "shortcut")
            let sliced = LayerKind.join(shortcut, "subsampled")
            let inputs = [
                value,
                addInt64(LayerKind.join(shortcut, "starts"), [0, 0]),
                addInt64(LayerKind.join(shortcut, "ends"), [Int64.max, Int64.max]),
                addInt64(LayerKind.join(shortcut, "axes"), [2, 3]),
                addInt64(
                    LayerKind.join(shortcut, "steps"),
                    [Int64(stride.height), Int64(stride.width)]),
            ]
            nodes.append(ONNXNode(name: sliced, opType: "Slice", inputs: inputs, outputs: [sliced]))
            let added = outputChannels - probe.shape[1]
            let before = Int64(added / 2)
            let pads = addInt64(
                LayerKind.join(shortcut, "pads"), [0, before, 0, 0, 0, Int64(added) - before, 0, 0])
            nodes.append(
                ONNXNode(
                    name: shortcut, opType: "Pad", inputs: [sliced, pads], outputs: [shortcut],
                    attributes: [("mode", .string("constant"))]))
            side = shortcut
        case let .projection(layer):
            (side, _) = try visit(
                layer, path: LayerKind.join(path, "shortcut"), value: value, probe: probe)
        }
        let output = try residual.forward(probe)
        guard residual.finalReLU else {
            add(name, "Add", [main, side])
            return (name, output)
        }
        let sum = LayerKind.join(name, "sum")
        nodes.append(ONNXNode(name: sum, opType: "Add", inputs: [main, side], outputs: [sum]))
        add(name, "Relu", [sum])
        return (name, output)
    }

    /// Appends a node whose name and single output are `name`.
    mutating func add(
        _ name: String, _ opType: String, _ inputs: [String],
        _ attributes: [(name: String, value: ONNXAttributeValue)] = []
    ) {
        nodes.append(
            ONNXNode(
                name: name, opType: opType, inputs: inputs, outputs: [name],
                attributes: attributes))
    }

    /// Adds a float initializer; returns its name.
    mutating func addTensor(_ name: String, _ tensor: Tensor) -> String {
        initializers.append(
            ONNXInitializer(name: name, shape: tensor.shape, values: .float(tensor.scalars)))
        return name
    }

    /// Adds a rank-1 int64 initializer; returns its name.
    mutating func addInt64(_ name: String, _ values: [Int64]) -> String {
        initializers.append(
            ONNXInitializer(name: name, shape: [values.count], values: .int64(values)))
        return name
    }

    /// Renames a value everywhere (the last value becomes `logits`).
    mutating func rename(_ old: String, to new: String) {
        for index in nodes.indices {
            nodes[index].inputs = nodes[index].inputs.map { $0 == old ? new : $0 }
            nodes[index].outputs = nodes[index].outputs.map { $0 == old ? new : $0 }
        }
    }

    /// The attributes of MaxPool and AveragePool, in name order.
    static func poolAttributes(_ pooling: Pooling2D) -> [(name: String, value: ONNXAttributeValue)]
    {
        let (k, s, p) = (pooling.kernelSize, pooling.stride, pooling.padding)
        return [
            ("ceil_mode", .int(pooling.ceilMode ? 1 : 0)),
            ("kernel_shape", .ints([k.height, k.width])),
            ("pads", .ints([p.height, p.width, p.height, p.width])),
            ("strides", .ints([s.height, s.width])),
        ]
    }
}
