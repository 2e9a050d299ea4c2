// The four-class net: a VGG-style stack of 3x3 convolutions with batch normalization
// (Simonyan & Zisserman 2014; Ioffe & Szegedy 2015), max pooling between stages and a global
// average pool before the classifier, sized to train on CIFAR-size images in minutes on two
// CPU cores.
import NeuralNet
import TensorMath

/// The network of the `four-class` app: for each stage width `w`,
/// `[conv3x3 → BN → ReLU] × convolutions[stage] → maxpool 2`, then global average pooling,
/// dropout and a linear layer to `classCount` scores. Input `[N, inputChannels, H, W]` with
/// `H` and `W` divisible by `2^stages` (32x32 for the default four stages). The default puts
/// one convolution at full resolution and the width where the maps are small (as ResNet-9
/// style fast CIFAR nets do): 574,628 parameters, 33.8 M multiply-adds per 32x32 image.
public enum FourClassNet {
    /// The network's options, stored in model files as JSON (`ImageClassification`'s registry
    /// gives missing fields the defaults below).
    public struct Configuration: Codable, Equatable, Sendable {
        /// Channels of each stage. Default `[32, 64, 128, 256]`.
        public var widths: [Int] = [32, 64, 128, 256]
        /// Convolutions in each stage (as many entries as ``widths``). Default `[1, 2, 2, 1]`.
        public var convolutions: [Int] = [1, 2, 2, 1]
        /// Dropout rate before the classifier. Default 0.1.
        public var dropout: Float = 0.1
        /// Input channels. Default 3 (RGB).
        public var inputChannels: Int = 3
        /// Output classes. Default 4.
        public var classCount: Int = 4

        /// Creates a configuration.
        public init(
            widths: [Int] = [32, 64, 128, 256], convolutions: [Int] = [1, 2, 2, 1],
            dropout: Float = 0.1,
            inputChannels: Int = 3, classCount: Int = 4
        ) {
            self.widths = widths
            self.convolutions = convolutions
            self.dropout = dropout
            self.inputChannels = inputChannels
            self.classCount = classCount
        }
    }

    /// The name stored in model files.
    public static let architecture = "FourClassNet"

    /// Builds the network (`features.*`, `classifier.*` like torchvision models).
    /// - Throws: ``NeuralNet/NeuralNetError/invalidConfiguration(_:)`` for an empty or
    ///   non-positive width list, a convolution count per stage that is not positive or does
    ///   not match the widths, or a dropout rate outside [0, 1).
    public static func makeModel<G: RandomNumberGenerator>(
        _ configuration: Configuration = .init(), generator: inout G
    ) throws -> Sequential {
        let widths = configuration.widths
        guard !widths.isEmpty, widths.allSatisfy({ $0 > 0 }),
            configuration.convolutions.count == widths.count,
            configuration.convolutions.allSatisfy({ $0 >= 1 }), configuration.inputChannels >= 1,
            configuration.classCount >= 1
        else {
            throw NeuralNetError.invalidConfiguration(
                "FourClassNet: widths \(widths) must be positive and non-empty, with at least "
                    + "one convolution per stage (\(configuration.convolutions)), one "
                    + "input channel (\(configuration.inputChannels)) and one class "
                    + "(\(configuration.classCount))")
        }
        var budget = ModelBudget(architecture)
        var fanIn = configuration.inputChannels
        for (width, count) in zip(widths, configuration.convolutions) {
            try budget.add(layers: 1)  // the stage's pooling
            for _ in 0..<min(count, ModelLimits.maxLayers + 1) {
                try budget.add(layers: 1, weights: [width, fanIn, 3, 3])
                try budget.add(layers: 2, weights: [4, width])  // batch norm, ReLU
                fanIn = width
            }
        }
        try budget.add(
            layers: 3, weights: [configuration.classCount, fanIn], bias: configuration.classCount)
        var features: [Layer] = []
        var channels = configuration.inputChannels
        for (width, count) in zip(widths, configuration.convolutions) {
            for _ in 0..<count {
                features.append(
                    try Conv2D(
                        inputChannels: channels, outputChannels: width, kernelSize: 3,
                        padding: .same, bias: false, generator: &generator))
                features.append(try BatchNorm2D(features: width))
                features.append(ReLU())
                channels = width
            }
            features.append(try MaxPool2D(kernelSize: 2))
        }
        let classifier = Sequential([
            try Dropout(rate: configuration.dropout, generator: &generator),
            try Linear(
                inputSize: channels, outputSize: configuration.classCount,
                generator: &generator),
        ])
        return try Sequential(named: [
            ("features", Sequential(features)), ("pool", GlobalAvgPool2D()),
            ("classifier", classifier),
        ])
    }
}
