// LeNet-5: Y. LeCun, L. Bottou, Y. Bengio and P. Haffner, "Gradient-based learning applied to
// document recognition", Proceedings of the IEEE 86(11):2278–2324, 1998.
// This is the simplified form of the PyTorch tutorials: ReLU (or tanh) activations, max (or
// average) pooling, full connections between feature maps, and a linear output layer in place
// of the original Gaussian (RBF) units, trained with softmax cross-entropy.
import NeuralNet
import TensorMath

/// LeNet-5 for 28x28 (or 32x32) digit images.
///
/// ```
/// features.0  Conv2D 1→6, 5x5, padding 2      [N, 6, 28, 28]
/// features.1  ReLU (or Tanh)
/// features.2  MaxPool2D 2 (or AvgPool2D)     [N, 6, 14, 14]
/// features.3  Conv2D 6→16, 5x5               [N, 16, 10, 10]
/// features.4  ReLU (or Tanh)
/// features.5  MaxPool2D 2 (or AvgPool2D)     [N, 16, 5, 5]
/// flatten                                     [N, 400]
/// classifier.0  Linear 400→120, classifier.1 activation
/// classifier.2  Linear 120→84,  classifier.3 activation
/// classifier.4  Linear 84→10                  [N, 10] logits
/// ```
///
/// With the default configuration the model has 61,706 parameters, named like the PyTorch
/// module of `Tools/reference/layers_golden.py` (`features.0.weight`, …,
/// `classifier.4.bias`), so weights carry over from PyTorch unchanged.
public enum LeNet5 {
    /// The architecture's name in model files.
    public static let architecture = "LeNet5"

    /// LeNet-5's options, stored in model files as JSON (`ImageClassification`'s registry gives
    /// missing fields the initializer's defaults).
    public struct Configuration: Codable, Hashable, Sendable {
        /// The pooling layers' kind.
        public enum Pooling: String, Codable, CaseIterable, Sendable {
            /// ``NeuralNet/MaxPool2D``, the modern default.
            case max
            /// ``NeuralNet/AvgPool2D``, closer to the original subsampling layers.
            case average
        }

        /// The hidden activation; default ``Activation/relu``.
        public var activation: Activation
        /// The pooling kind; default ``Pooling/max``.
        public var pooling: Pooling
        /// Image channels; default 1 (grayscale).
        public var inputChannels: Int
        /// The side of the square input images; default 28. The first convolution pads 2 on
        /// each side below 32 (so 28x28 digits are seen as the original network's 32x32) and
        /// nothing from 32 up.
        public var inputSize: Int
        /// The number of classes; default 10.
        public var classCount: Int

        /// Creates a configuration; the defaults give the classic MNIST LeNet-5.
        public init(
            activation: Activation = .relu, pooling: Pooling = .max, inputChannels: Int = 1,
            inputSize: Int = 28, classCount: Int = 10
        ) {
            self.activation = activation
            self.pooling = pooling
            self.inputChannels = inputChannels
            self.inputSize = inputSize
            self.classCount = classCount
        }

        /// The JSON keys of model files.
        private enum CodingKeys: String, CodingKey {
            case activation, pooling, inputChannels, inputSize, classCount
        }

        /// The first convolution's padding on each side.
        public var firstPadding: Int { inputSize < 32 ? 2 : 0 }

        /// The side of the last feature maps (5 for 28x28 and 32x32 inputs), or `nil` when the
        /// input is too small for the network.
        public var featureSize: Int? {
            let afterFirst = (inputSize + 2 * firstPadding - 4) / 2
            let afterSecond = (afterFirst - 4) / 2
            return afterSecond >= 1 ? afterSecond : nil
        }

        /// The input shape of one sample, `[inputChannels, inputSize, inputSize]`.
        public var inputShape: [Int] { [inputChannels, inputSize, inputSize] }
    }

    /// Builds a LeNet-5 with PyTorch's default initialization drawn from `generator`.
    /// - Throws: ``NeuralNet/NeuralNetError/invalidConfiguration(_:)`` for a non-positive
    ///   channel or class count, an input too small to leave a feature map (below 12x12,
    ///   which is 16x16 after padding), or beyond ``ModelLimits`` (input side, parameters).
    public static func makeModel<G: RandomNumberGenerator>(
        _ configuration: Configuration = Configuration(), generator: inout G
    ) throws -> Sequential {
        var budget = ModelBudget(architecture)
        try budget.checkInputSide(configuration.inputSize)
        guard let side = configuration.featureSize, configuration.inputChannels > 0,
            configuration.classCount > 0
        else {
            throw NeuralNetError.invalidConfiguration(
                "LeNet5: needs positive channel and class counts and an input of at least "
                    + "12x12, got \(configuration)")
        }
        try budget.add(weights: [6, configuration.inputChannels, 5, 5], bias: 6)
        try budget.add(layers: 3, weights: [16, 6, 5, 5], bias: 16)
        try budget.add(layers: 3, weights: [120, 16, side, side], bias: 120)
        try budget.add(layers: 2, weights: [84, 120], bias: 84)
        try budget.add(
            layers: 2, weights: [configuration.classCount, 84], bias: configuration.classCount)
        let activation = configuration.activation
        func pool() throws -> Layer {
            switch configuration.pooling {
            case .max: return try MaxPool2D(kernelSize: 2)
            case .average: return try AvgPool2D(kernelSize: 2)
            }
        }
        let features = Sequential(
            try Conv2D(
                inputChannels: configuration.inputChannels, outputChannels: 6, kernelSize: 5,
                padding: .explicit(Size2D(configuration.firstPadding)), generator: &generator),
            activation.makeLayer(),
            try pool(),
            try Conv2D(inputChannels: 6, outputChannels: 16, kernelSize: 5, generator: &generator),
            activation.makeLayer(),
            try pool())
        let classifier = Sequential(
            try Linear(inputSize: 16 * side * side, outputSize: 120, generator: &generator),
            activation.makeLayer(),
            try Linear(inputSize: 120, outputSize: 84, generator: &generator),
            activation.makeLayer(),
            try Linear(inputSize: 84, outputSize: configuration.classCount, generator: &generator))
        return try Sequential(named: [
            ("features", features), ("flatten", Flatten()), ("classifier", classifier),
        ])
    }
}
