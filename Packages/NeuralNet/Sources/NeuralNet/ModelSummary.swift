import TensorMath

/// A layer-by-layer account of a model: dotted name, type, output shape, parameter count and
/// FLOPs, from a dry run on a batch of one (like `torchinfo.summary`).
///
/// The dry run feeds zeros of the given shape through the model in inference mode (restoring
/// each layer's mode afterwards), walking ``Sequential`` and ``Residual`` children one by one,
/// so a shape mistake is reported with the failing layer's dotted name before any training:
///
/// ```swift
/// let summary = try model.summary(inputShape: [1, 28, 28])
/// print(summary)          // a table; throws `layer features.3 (Conv2D): input has 6 channels…`
/// ```
///
/// Running a summary clears the layers' training caches: call it before a forward pass, not
/// between a forward and its backward.
public struct ModelSummary: CustomStringConvertible, Sendable {
    /// One line of the summary.
    public struct Row: Hashable, Sendable {
        /// The dotted name (`features.3`, `layer1.0.conv1`); empty for a model that is a
        /// single layer.
        public var name: String
        /// The layer's type name (`Conv2D`).
        public var type: String
        /// The nesting depth (0 for the model's direct children).
        public var depth: Int
        /// The output shape on a batch of one.
        public var outputShape: [Int]
        /// Trainable scalars counted on this row: a leaf's parameters (or a layer the summary
        /// does not look into, with all its descendants'); a container's own parameters only,
        /// so that the rows add up to the model's total.
        public var parameterCount: Int
        /// Floating-point operations of this row's forward pass on a batch of one (a
        /// multiply-add counts 2), from ``Layer/forwardFLOPs(inputShape:outputShape:)``.
        public var flops: Int
        /// Whether the rows below it (deeper) belong to it.
        public var isContainer: Bool
    }

    /// The input shape of the dry run, batch of one included (`[1, C, H, W]`).
    public let inputShape: [Int]
    /// The model's output shape on a batch of one.
    public let outputShape: [Int]
    /// The layers, parents before their children.
    public let rows: [Row]
    /// The model's trainable scalars.
    public let parameterCount: Int
    /// The model's non-trainable saved scalars (batch norm running statistics).
    public let bufferCount: Int

    /// The forward FLOPs of one sample: the sum over the rows.
    public var flops: Int { rows.reduce(0) { $0 + $1.flops } }

    /// Runs `model` on zeros of `[1] + inputShape`.
    /// - Parameters:
    ///   - model: The network to describe (any ``Layer``; run once, in its current mode).
    ///   - inputShape: One sample's shape, without the batch axis (`[1, 28, 28]`).
    /// - Throws: The failing layer's error wrapped in
    ///   ``NeuralNetError/layer(path:type:underlying:)`` with its dotted name, or
    ///   ``NeuralNetError/invalidInput(layer:reason:)`` for a negative dimension.
    public init(_ model: Layer, inputShape: [Int]) throws {
        let shape = [1] + inputShape
        let input: Tensor
        do { input = try Tensor.zeros(shape) } catch {
            throw NeuralNetError.invalidInput(
                layer: "ModelSummary", reason: "invalid input shape \(inputShape): \(error)")
        }
        let modes =
            [(layer: model, training: model.isTraining)]
            + model.namedDescendants.map { (layer: $0.layer, training: $0.layer.isTraining) }
        model.setTraining(false)
        defer { for (layer, training) in modes { layer.isTraining = training } }

        var walker = Walker()
        let output: Tensor
        if Walker.isContainer(model) {
            output = try walker.visitChildren(of: model, input: input, prefix: "", depth: 0)
        } else {
            output = try walker.visit(model, input: input, path: "", depth: 0)
        }
        self.inputShape = shape
        outputShape = output.shape
        rows = walker.rows
        parameterCount = model.parameterCount
        bufferCount = model.namedBuffers.reduce(0) { $0 + $1.buffer.value.count }
    }

    /// A table of the rows and the totals.
    public var description: String {
        let names = rows.map { String(repeating: "  ", count: $0.depth) + label(of: $0) }
        let shapes = rows.map { "\($0.outputShape)" }
        let parameters = rows.map {
            $0.isContainer && $0.parameterCount == 0 ? "" : ModelSummary.grouped($0.parameterCount)
        }
        let operations = rows.map {
            $0.isContainer && $0.flops == 0 ? "" : ModelSummary.grouped($0.flops)
        }
        let widths = [
            max(12, names.map(\.count).max() ?? 0), max(12, shapes.map(\.count).max() ?? 0),
            max(10, parameters.map(\.count).max() ?? 0), max(5, operations.map(\.count).max() ?? 0),
        ]
        func line(_ a: String, _ b: String, _ c: String, _ d: String) -> String {
            pad(a, widths[0]) + "  " + pad(b, widths[1]) + "  " + pad(c, widths[2], right: true)
                + "  " + pad(d, widths[3], right: true)
        }
        var lines = [line("Layer (type)", "Output shape", "Parameters", "FLOPs")]
        let rule = String(repeating: "-", count: lines[0].count)
        lines.append(rule)
        for i in rows.indices {
            lines.append(line(names[i], shapes[i], parameters[i], operations[i]))
        }
        lines.append(rule)
        lines.append("Input: \(inputShape)   Output: \(outputShape)")
        lines.append("Trainable parameters: \(ModelSummary.grouped(parameterCount))")
        if bufferCount > 0 {
            lines.append("Buffers (running statistics): \(ModelSummary.grouped(bufferCount))")
        }
        lines.append("Forward FLOPs per sample: \(ModelSummary.grouped(flops))")
        return lines.joined(separator: "\n")
    }

    private func label(of row: Row) -> String {
        row.name.isEmpty ? row.type : "\(row.name) (\(row.type))"
    }

    private func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return right ? fill + text : text + fill
    }

    /// `61706` → `"61,706"`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return value < 0 ? "-" + result : result
    }
}

extension Layer {
    /// A ``ModelSummary`` from a dry run on one sample of `inputShape` (no batch axis).
    /// - Throws: The failing layer's error with its dotted name.
    public func summary(inputShape: [Int]) throws -> ModelSummary {
        try ModelSummary(self, inputShape: inputShape)
    }
}

/// The dry-run walk: the containers of this module are entered, every other layer runs whole.
private struct Walker {
    var rows: [ModelSummary.Row] = []

    static func isContainer(_ layer: Layer) -> Bool { layer is Sequential || layer is Residual }

    static func typeName(_ layer: Layer) -> String { String(describing: type(of: layer)) }

    /// Runs a container's children (Sequential: in order; Residual: body, shortcut, sum),
    /// adding their rows under `prefix`.
    mutating func visitChildren(
        of layer: Layer, input: Tensor, prefix: String, depth: Int
    ) throws -> Tensor {
        if let sequential = layer as? Sequential {
            var x = input
            for (name, child) in sequential.children {
                x = try visit(child, input: x, path: LayerWalk.join(prefix, name), depth: depth)
            }
            return x
        }
        guard let residual = layer as? Residual else {
            return try visit(layer, input: input, path: prefix, depth: depth)
        }
        return try LayerWalk.branches(of: residual, input: input, path: prefix) {
            try visit($0, input: $1, path: $2, depth: depth)
        }.main
    }

    /// Adds `layer`'s row (and its children's, for a container) and returns its output.
    mutating func visit(_ layer: Layer, input: Tensor, path: String, depth: Int) throws -> Tensor {
        let container = Walker.isContainer(layer)
        let index = rows.count
        rows.append(
            ModelSummary.Row(
                name: path, type: Walker.typeName(layer), depth: depth, outputShape: [],
                parameterCount: container
                    ? layer.ownParameters.reduce(0) { $0 + $1.parameter.value.count }
                    : layer.parameterCount,
                flops: 0, isContainer: container))
        let output: Tensor
        if container {
            output = try visitChildren(of: layer, input: input, prefix: path, depth: depth + 1)
        } else {
            do { output = try layer.forward(input) } catch {
                throw LayerWalk.wrap(error, path: path, layer: layer)
            }
        }
        rows[index].outputShape = output.shape
        rows[index].flops = layer.forwardFLOPs(inputShape: input.shape, outputShape: output.shape)
        return output
    }
}
