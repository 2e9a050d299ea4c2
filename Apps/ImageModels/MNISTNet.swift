// The MNIST CNN: two VGG-style stages of 3x3 convolutions with batch normalization
// (Simonyan & Zisserman 2014; Ioffe & Szegedy 2015) and dropout (Srivastava et al. 2014),
// sized for fast training on two CPU cores.
import NeuralNet
import TensorMath

/// The `cnn` architecture of the `mnist` app: `[conv3x3 → BN → ReLU] x2 → maxpool` with
/// `width` channels, the same with `2·width` channels, then dropout → linear 128 → ReLU →
/// dropout → linear `classCount`. Input `[N, 1, 28, 28]`.
public enum MNISTNet {
    /// The network's options, stored in model files as JSON (`ImageClassification`'s registry
    /// gives missing fields the defaults below).
    public struct Configuration: Codable, Equatable, Sendable {
        /// Channels of the first stage; the second has twice as many. Default 16.
        public var width: Int = 16
        /// Units of the hidden fully connected layer. Default 128.
        public var hiddenUnits: Int = 128
        /// Dropout rate before each fully connected layer. Default 0.25.
        public var dropout: Float = 0.25
        /// Output classes. Default 10.
        public var classCount: Int = 10

        /// Creates a configuration.
        public init(
            width: Int = 16, hiddenUnits: Int = 128, dropout: Float = 0.25,
            classCount: Int = 10
        ) {
            self.width = width
            self.hiddenUnits = hiddenUnits
            self.dropout = dropout
            self.classCount = classCount
        }
    }

    /// The name stored in model files.
    public static let architecture = "cnn"

    /// Builds the network (`features.*`, `classifier.*` like torchvision models).
    public static func makeModel<G: RandomNumberGenerator>(
        _ configuration: Configuration = .init(), generator: inout G
    ) throws -> Sequential {
        let w = configuration.width
        guard w >= 1, configuration.hiddenUnits >= 1, configuration.classCount >= 1 else {
            throw NeuralNetError.invalidConfiguration(
                "cnn: width (\(w)), hidden units (\(configuration.hiddenUnits)) and classes "
                    + "(\(configuration.classCount)) must be positive")
        }
        var budget = ModelBudget(architecture)
        // Each block: a 3x3 convolution (as [out, in, 3, 3], channel counts as factors of w),
        // then batch norm (weight, bias, running mean and variance) and ReLU.
        for (output, input) in [([1], [1]), ([1], [w]), ([2], [w]), ([2], [2, w])] {
            try budget.add(layers: 1, weights: output + [w] + input + [3, 3])
            try budget.add(layers: 2, weights: [4] + output + [w])
        }
        try budget.add(
            layers: 4, weights: [configuration.hiddenUnits, 2, w, 7, 7],
            bias: configuration.hiddenUnits)
        try budget.add(
            layers: 2, weights: [configuration.classCount, configuration.hiddenUnits],
            bias: configuration.classCount)
        func block(_ input: Int, _ output: Int, _ g: inout G) throws -> [Layer] {
            [
                try Conv2D(
                    inputChannels: input, outputChannels: output, kernelSize: 3,
                    padding: .same, bias: false, generator: &g),
                try BatchNorm2D(features: output), ReLU(),
            ]
        }
        var features: [Layer] = []
        features += try block(1, w, &generator)
        features += try block(w, w, &generator)
        features.append(try MaxPool2D(kernelSize: 2))
        features += try block(w, 2 * w, &generator)
        features += try block(2 * w, 2 * w, &generator)
        features.append(try MaxPool2D(kernelSize: 2))
        let classifier = Sequential([
            try Dropout(rate: configuration.dropout, generator: &generator),
            try Linear(
                inputSize: 2 * w * 7 * 7, outputSize: configuration.hiddenUnits,
                generator: &generator),
            ReLU(),
            try Dropout(rate: configuration.dropout, generator: &generator),
            try Linear(
                inputSize: configuration.hiddenUnits, outputSize: configuration.classCount,
                generator: &generator),
        ])
        return try Sequential(named: [
            ("features", Sequential(features)), ("flatten", Flatten()), ("classifier", classifier),
        ])
    }
}
