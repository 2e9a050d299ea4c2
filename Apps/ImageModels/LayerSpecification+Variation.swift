extension LayerSpecification {
    /// Changes a network in the places it already has (`--activation`, `--pooling`,
    /// `--dropout`, `--batch-norm`); `nil` leaves that part as it is.
    public struct Variation: Hashable, Sendable {
        /// Replaces every activation layer (a residual block's ReLU after the sum stays).
        public var activation: Activation?
        /// Replaces the kind of every pooling layer (size, stride and padding stay;
        /// `globalavgpool` stays).
        public var pooling: Pooling.Kind?
        /// Sets the rate of every dropout layer.
        public var dropout: Float?
        /// `true`: a batch norm after every convolution that lacks one (the convolution then
        /// without bias); `false`: no batch norm (convolutions before a removed one get a bias).
        /// A projection shortcut keeps its own.
        public var batchNorm: Bool?

        /// Creates a variation; `nil` leaves that part unchanged.
        public init(
            activation: Activation? = nil, pooling: Pooling.Kind? = nil, dropout: Float? = nil,
            batchNorm: Bool? = nil
        ) {
            self.activation = activation
            self.pooling = pooling
            self.dropout = dropout
            self.batchNorm = batchNorm
        }

        /// Whether the variation changes nothing.
        public var isEmpty: Bool {
            activation == nil && pooling == nil && dropout == nil && batchNorm == nil
        }
    }

    /// The specification with `variation` applied, in every residual block too.
    /// - Parameter name: The network's name for messages (`lenet5`, `the --layers network`).
    /// - Throws: ``LayerSpecificationError/inapplicable(option:reason:)`` when the network has
    ///   no place for a change: no activation, no pooling or no dropout layer to change, or no
    ///   convolution to follow with batch norm.
    public func varied(_ variation: Variation, name: String) throws -> LayerSpecification {
        var result = self
        func fail(_ option: String, _ missing: String) -> LayerSpecificationError {
            .inapplicable(
                option: option,
                reason: "\(name) has no \(missing); write the network you want with --layers "
                    + "(--print-layers prints this one as a starting point)")
        }
        if let activation = variation.activation {
            var found = false
            result.layers = Self.map(result.layers) { element in
                guard element.isActivation else { return [element] }
                found = true
                return [activation.element]
            }
            if !found { throw fail("--activation", "activation layer to replace") }
        }
        if let kind = variation.pooling {
            var found = false
            result.layers = Self.map(result.layers) { element in
                guard case var .pooling(pooling) = element else { return [element] }
                found = true
                pooling.kind = kind
                return [.pooling(pooling)]
            }
            if !found {
                throw fail("--pooling", "pooling layer to change (globalavgpool is not varied)")
            }
        }
        if let rate = variation.dropout {
            var found = false
            result.layers = Self.map(result.layers) { element in
                guard case .dropout = element else { return [element] }
                found = true
                return [.dropout(rate: rate)]
            }
            if !found { throw fail("--dropout", "dropout layer whose rate to set") }
        }
        if let batchNorm = variation.batchNorm {
            var convolutions = false
            result.layers = Self.settingBatchNorm(batchNorm, in: result.layers, &convolutions)
            if batchNorm, !convolutions {
                throw fail("--batch-norm on", "convolution to follow with batch norm")
            }
        }
        return result
    }

    /// `elements` with each replaced by `transform`'s elements, inside residual blocks too.
    private static func map(
        _ elements: [Element], _ transform: (Element) -> [Element]
    ) -> [Element] {
        elements.flatMap { element -> [Element] in
            guard case var .residual(block) = element else { return transform(element) }
            block.body = map(block.body, transform)
            return [.residual(block)]
        }
    }

    /// `elements` with a batch norm after every convolution (`on`) or none (`off`).
    private static func settingBatchNorm(
        _ on: Bool, in elements: [Element], _ convolutions: inout Bool
    ) -> [Element] {
        var result: [Element] = []
        for (index, element) in elements.enumerated() {
            switch element {
            case var .convolution(convolution):
                convolutions = true
                let next = index + 1 < elements.count ? elements[index + 1] : nil
                if on, next != .batchNorm {
                    convolution.bias = false
                    result += [.convolution(convolution), .batchNorm]
                } else if !on, next == .batchNorm {
                    convolution.bias = true
                    result.append(.convolution(convolution))
                } else {
                    result.append(element)
                }
            case .batchNorm where !on:
                continue
            case var .residual(block):
                block.body = settingBatchNorm(on, in: block.body, &convolutions)
                result.append(.residual(block))
            default:
                result.append(element)
            }
        }
        return result
    }
}
