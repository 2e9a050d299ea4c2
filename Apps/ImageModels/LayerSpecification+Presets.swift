import TensorMath

// The model zoo's networks written as layer specifications (`--print-layers`). Built from its
// specification with the same seed, each network has the same layers in the same order, the
// same parameter shapes and the same initial weights (CIFARResNet's He initialization aside);
// only the parameter names differ (`0.weight` for `features.0.weight`).

extension LeNet5.Configuration {
    /// The network as a layer specification for inputs of ``inputShape``.
    public var layerSpecification: LayerSpecification {
        let pool = LayerSpecification.Element.pooling(
            .init(kind: pooling == .max ? .max : .average))
        let first = LayerSpecification.Convolution(
            outputChannels: 6, kernel: 5,
            padding: firstPadding == 0 ? .valid : .explicit(Size2D(firstPadding)))
        return LayerSpecification([
            .convolution(first), activation.element, pool,
            .convolution(.init(outputChannels: 16, kernel: 5)), activation.element, pool,
            .flatten, .dense(units: 120, bias: true), activation.element,
            .dense(units: 84, bias: true), activation.element,
            .dense(units: classCount, bias: true),
        ])
    }
}

extension MLP.Configuration {
    /// The network as a layer specification for inputs of ``inputShape``.
    public var layerSpecification: LayerSpecification {
        var layers: [LayerSpecification.Element] = [.flatten]
        for hidden in hiddenSizes {
            layers += [.dense(units: hidden, bias: true), activation.element]
            if dropout > 0 { layers.append(.dropout(rate: dropout)) }
        }
        return LayerSpecification(layers + [.dense(units: classCount, bias: true)])
    }
}

extension MNISTNet.Configuration {
    /// The network as a layer specification for `[1, 28, 28]` inputs.
    public var layerSpecification: LayerSpecification {
        func block(_ channels: Int) -> [LayerSpecification.Element] {
            [
                .convolution(
                    .init(outputChannels: channels, kernel: 3, padding: .same, bias: false)),
                .batchNorm, .relu,
            ]
        }
        let pool = LayerSpecification.Element.pooling(.init(kind: .max))
        return LayerSpecification(
            block(width) + block(width) + [pool] + block(2 * width) + block(2 * width) + [
                pool, .flatten, .dropout(rate: dropout), .dense(units: hiddenUnits, bias: true),
                .relu, .dropout(rate: dropout), .dense(units: classCount, bias: true),
            ])
    }
}

extension FourClassNet.Configuration {
    /// The network as a layer specification for `[inputChannels, 32, 32]` inputs.
    public var layerSpecification: LayerSpecification {
        var layers: [LayerSpecification.Element] = []
        for (width, count) in zip(widths, convolutions) {
            for _ in 0..<count {
                layers += [
                    .convolution(
                        .init(outputChannels: width, kernel: 3, padding: .same, bias: false)),
                    .batchNorm, .relu,
                ]
            }
            layers.append(.pooling(.init(kind: .max)))
        }
        return LayerSpecification(
            layers + [
                .globalAveragePooling, .dropout(rate: dropout),
                .dense(units: classCount, bias: true),
            ])
    }
}

extension CIFARResNet.Configuration {
    /// The network as a layer specification for `[inputChannels, 32, 32]` inputs (the plain
    /// twin's blocks as plain layers); its weights start from PyTorch's default
    /// initialization, not the He initialization of ``CIFARResNet/makeModel(_:generator:)``.
    /// `nil` for a depth that is not `6n + 2`.
    public var layerSpecification: LayerSpecification? {
        guard let blocks = try? CIFARResNet.blocksPerStage(depth: depth) else { return nil }
        func convolution(_ channels: Int, stride: Int) -> LayerSpecification.Element {
            .convolution(
                .init(
                    outputChannels: channels, kernel: 3, stride: Size2D(stride),
                    padding: .explicit(1), bias: false))
        }
        var layers = [convolution(width, stride: 1), .batchNorm, .relu]
        for stage in 0..<3 {
            let channels = width << stage
            for index in 0..<min(blocks, ModelLimits.maxLayers) {
                let stride = stage > 0 && index == 0 ? 2 : 1
                let body = [
                    convolution(channels, stride: stride), .batchNorm, .relu,
                    convolution(channels, stride: 1), .batchNorm,
                ]
                layers +=
                    residual
                    ? [
                        .residual(
                            .init(body: body, shortcut: stride == 1 ? nil : .zeropad))
                    ] : body + [.relu]
            }
        }
        return LayerSpecification(
            layers + [.globalAveragePooling, .dense(units: classCount, bias: true)])
    }
}
