import TensorMath

/// What every layer of a model computed in one forward pass: the dotted name, the layer and
/// its output, for looking inside a network (feature maps, activation statistics).
///
/// ```swift
/// let trace = try model.forwardTrace(input)          // input [1, 1, 28, 28]
/// for step in trace.steps where step.layer is Conv2D {
///     print(step.name, step.output.shape)             // features.0 [1, 16, 28, 28]
/// }
/// print(trace.output.shape)                           // [1, 10], as model.forward(input)
/// ```
///
/// The walk enters ``Sequential`` and ``Residual`` containers as ``ModelSummary`` does (a
/// residual block's body children are named directly under the block when its body is a
/// `Sequential`, else under `body`; a projection shortcut under `shortcut`); every other layer
/// runs whole, through its own `forward(_:)`. The layers run in their current mode: put the
/// model in inference mode first for the outputs ``Layer/forward(_:)`` gives in use. A
/// residual block traced in training mode does not cache for `backward(_:)`: train with
/// `forward(_:)`.
public struct LayerTrace {
    /// One layer's output.
    public struct Step {
        /// The dotted name (`features.3`, `layer1.0.conv1`); empty for the model itself.
        public let name: String
        /// The layer.
        public let layer: Layer
        /// The nesting depth: 0 for the model's direct children (and the model itself).
        public let depth: Int
        /// Whether the layer is a container whose children have steps of their own (before
        /// this one).
        public let isContainer: Bool
        /// What the layer returned.
        public let output: Tensor
    }

    /// The model's output: what `forward(_:)` returns, up to float rounding where an
    /// inference-mode `forward(_:)` folds a batch normalization into the convolution before it
    /// (``Sequential``); the trace runs them one by one to record both outputs.
    public let output: Tensor
    /// The steps in the order their outputs were computed: children before their container,
    /// a residual block's body before its shortcut; the model's own step last.
    public let steps: [Step]
}

extension Layer {
    /// Runs the model on `input` like ``forward(_:)`` and records every layer's output (see
    /// ``LayerTrace``).
    /// - Throws: The failing layer's error wrapped in
    ///   ``NeuralNetError/layer(path:type:underlying:)`` with its dotted name; for a residual
    ///   block whose branches disagree, ``NeuralNetError/invalidInput(layer:reason:)`` with
    ///   both shapes, under the block's name.
    public func forwardTrace(_ input: Tensor) throws -> LayerTrace {
        var tracer = Tracer()
        let output = try tracer.visit(self, input: input, path: "", depth: 0)
        return LayerTrace(output: output, steps: tracer.steps)
    }
}

/// The walk of ``Layer/forwardTrace(_:)``.
private struct Tracer {
    var steps: [LayerTrace.Step] = []

    /// Runs `layer` (entering containers), appends its step after its children's, and returns
    /// its output.
    mutating func visit(_ layer: Layer, input: Tensor, path: String, depth: Int) throws
        -> Tensor
    {
        let output: Tensor
        let container: Bool
        let childDepth = path.isEmpty ? depth : depth + 1
        if let sequential = layer as? Sequential {
            container = true
            var x = input
            for (name, child) in sequential.children {
                x = try visit(
                    child, input: x, path: LayerWalk.join(path, name), depth: childDepth)
            }
            output = x
        } else if let residual = layer as? Residual {
            container = true
            output = try visitResidual(residual, input: input, path: path, depth: childDepth)
        } else {
            container = false
            do { output = try layer.forward(input) } catch {
                throw LayerWalk.wrap(error, path: path, layer: layer)
            }
        }
        steps.append(
            LayerTrace.Step(
                name: path, layer: layer, depth: depth, isContainer: container, output: output))
        return output
    }

    /// A residual block: the body (its children when it is a `Sequential`), the shortcut, then
    /// the sum and the optional ReLU, as `Residual.forward(_:)` computes them.
    mutating func visitResidual(
        _ residual: Residual, input: Tensor, path: String, depth: Int
    ) throws -> Tensor {
        let (main, side) = try LayerWalk.branches(of: residual, input: input, path: path) {
            try visit($0, input: $1, path: $2, depth: depth)
        }
        let sum = try main + side
        return residual.finalReLU ? sum.relu() : sum
    }
}
