import TensorMath

/// Layers applied one after another, named `"0"`, `"1"`, … like PyTorch's `nn.Sequential`.
///
/// Errors raised by a child are rethrown as ``NeuralNetError/layer(path:type:underlying:)``
/// carrying the child's dotted name.
public final class Sequential: Layer {
    /// The layers, in order.
    public private(set) var layers: [Layer]
    /// Optional names replacing the positional ones (`"conv1"`, `"fc"`); same count as layers.
    public let names: [String]
    public var isTraining = true

    /// Creates a sequence of layers named by position.
    public init(_ layers: [Layer]) {
        self.layers = layers
        self.names = layers.indices.map(String.init)
    }

    /// Creates a sequence of layers named by position.
    public convenience init(_ layers: Layer...) { self.init(layers) }

    /// Creates a sequence of named layers, like `nn.Sequential(OrderedDict(...))`.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` on duplicate or dotted names.
    public init(named layers: [(String, Layer)]) throws {
        let names = layers.map(\.0)
        guard Set(names).count == names.count,
            !names.contains(where: { $0.contains(".") || $0.isEmpty })
        else {
            throw NeuralNetError.invalidConfiguration(
                "Sequential names must be unique, non-empty and free of dots: \(names)")
        }
        self.layers = layers.map(\.1)
        self.names = names
    }

    public var children: [(name: String, layer: Layer)] {
        Array(zip(names, layers)).map { (name: $0.0, layer: $0.1) }
    }

    /// Runs the layers in order. A ``Conv2D`` or ``BatchNorm`` followed by a ``ReLU`` runs as
    /// one pass over the activations (the first layer writes `max(0, y)`, and the ReLU keeps
    /// that output for its backward pass): the same numbers as two passes, one memory pass
    /// fewer. In inference mode a ``Conv2D`` followed by a ``BatchNorm2D`` (and a ``ReLU``)
    /// runs as one convolution with the normalization folded into its weights: the same
    /// numbers up to float rounding.
    public func forward(_ input: Tensor) throws -> Tensor {
        var x = input
        var index = 0
        while index < layers.count {
            let layer = layers[index]
            do {
                if let conv = layer as? Conv2D, let norm = foldableNorm(after: index) {
                    let relu = index + 2 < layers.count ? layers[index + 2] as? ReLU : nil
                    x = try conv.forward(x, folding: norm, fusingReLU: relu != nil)
                    relu?.adopt(output: x)
                    index += relu == nil ? 2 : 3
                    continue
                }
                if let fusing = layer as? ReLUFusing, index + 1 < layers.count,
                    let relu = layers[index + 1] as? ReLU
                {
                    x = try fusing.forward(x, fusingReLU: true)
                    relu.adopt(output: x)
                    index += 2
                    continue
                }
                try layer.forward(inPlace: &x)
            } catch {
                throw NeuralNetError.wrapping(error, child: names[index], layer: layer)
            }
            index += 1
        }
        return x
    }

    /// The ``BatchNorm2D`` after the ``Conv2D`` at `index` when both are in inference mode and
    /// the channels agree (else the layers run one by one, and a mismatch is reported by the
    /// normalization).
    private func foldableNorm(after index: Int) -> BatchNorm2D? {
        guard index + 1 < layers.count, let conv = layers[index] as? Conv2D, !conv.isTraining,
            let norm = layers[index + 1] as? BatchNorm2D, !norm.isTraining,
            norm.features == conv.outputChannels
        else { return nil }
        return norm
    }

    /// Runs the layers' backward passes in reverse order. A ``ReLU`` whose forward pass the
    /// ``BatchNorm`` before it fused runs inside that layer's backward pass, which recomputes
    /// the ReLU's mask from its own input: one pass over the activations fewer, the same
    /// numbers.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        var g = outputGradient
        var index = layers.count - 1
        while index >= 0 {
            index = try backwardStep(at: index, &g, lowest: 0)
        }
        return g
    }

    /// The parameter gradients of ``backward(_:)`` without the input gradient: the layers
    /// before the first one with parameters are skipped, that one is asked for its parameter
    /// gradients alone (``Layer/backwardParameters(_:)``), the later ones run their backward
    /// pass.
    public func backwardParameters(_ outputGradient: Tensor) throws {
        guard let first = layers.firstIndex(where: \.hasParameters) else {
            return
        }
        var g = outputGradient
        var index = layers.count - 1
        while index > first {
            index = try backwardStep(at: index, &g, lowest: first)
        }
        if index == first {
            do { try layers[first].backwardParameters(g) } catch {
                throw NeuralNetError.wrapping(error, child: names[first], layer: layers[first])
            }
        }
    }

    /// `g = backward(g)` for the layer at `index`, or for it and the ``BatchNorm`` before it
    /// (at `lowest` or above) when the layer is a ``ReLU`` that norm fused in its training
    /// forward pass; returns the index of the next layer to run.
    private func backwardStep(at index: Int, _ g: inout Tensor, lowest: Int) throws -> Int {
        let layer = layers[index]
        if index > lowest, let relu = layer as? ReLU, relu.holdsOutput,
            let norm = layers[index - 1] as? BatchNorm, norm.fusedReLUInForward
        {
            do { g = try norm.backward(g, throughReLU: true) } catch {
                throw NeuralNetError.wrapping(error, child: names[index - 1], layer: norm)
            }
            return index - 2
        }
        do { try layer.backward(inPlace: &g) } catch {
            throw NeuralNetError.wrapping(error, child: names[index], layer: layer)
        }
        return index - 1
    }
}
