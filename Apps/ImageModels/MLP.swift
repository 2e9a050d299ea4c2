// A multilayer perceptron, the baseline of the MLP-versus-CNN comparison in LeCun et al.,
// "Gradient-based learning applied to document recognition", Proceedings of the IEEE
// 86(11):2278–2324, 1998 (section III compares fully connected nets with LeNet on MNIST).
import NeuralNet
import TensorMath

/// A fully connected classifier of images: flatten, then `Linear` layers with an activation
/// (and optional dropout) between them.
///
/// ```
/// flatten                                   [N, 784]
/// classifier.0  Linear 784→74,  classifier.1 activation
/// classifier.2  Linear 74→40,   classifier.3 activation
/// classifier.4  Linear 40→10                [N, 10] logits
/// ```
///
/// The default configuration has 61,500 parameters, within 0.4% of ``LeNet5``'s 61,706, so the
/// two can be compared at equal size. Names follow a PyTorch `nn.Sequential` `classifier`
/// (with dropout, each `Dropout` takes an index after its activation, as in PyTorch).
public enum MLP {
    /// The architecture's name in model files.
    public static let architecture = "MLP"

    /// The MLP's options, stored in model files as JSON (`ImageClassification`'s registry gives
    /// missing fields the initializer's defaults).
    public struct Configuration: Codable, Hashable, Sendable {
        /// The input shape of one sample; default `[1, 28, 28]` (flattened to 784).
        public var inputShape: [Int]
        /// The hidden layers' widths; default `[74, 40]`.
        public var hiddenSizes: [Int]
        /// The number of classes; default 10.
        public var classCount: Int
        /// The hidden activation; default ``Activation/relu``.
        public var activation: Activation
        /// Dropout after each hidden activation; default 0 (none).
        public var dropout: Float

        /// Creates a configuration; the defaults give a LeNet-5-sized MNIST MLP.
        public init(
            inputShape: [Int] = [1, 28, 28], hiddenSizes: [Int] = [74, 40], classCount: Int = 10,
            activation: Activation = .relu, dropout: Float = 0
        ) {
            self.inputShape = inputShape
            self.hiddenSizes = hiddenSizes
            self.classCount = classCount
            self.activation = activation
            self.dropout = dropout
        }

        /// The JSON keys of model files.
        private enum CodingKeys: String, CodingKey {
            case inputShape, hiddenSizes, classCount, activation, dropout
        }
    }

    /// Builds an MLP with PyTorch's default initialization drawn from `generator` (dropout
    /// layers seeded from it too).
    /// - Throws: ``NeuralNet/NeuralNetError/invalidConfiguration(_:)`` for an empty or
    ///   non-positive input shape, a non-positive width or class count, a dropout outside
    ///   `[0, 1)`, or a network beyond ``ModelLimits``.
    public static func makeModel<G: RandomNumberGenerator>(
        _ configuration: Configuration = Configuration(), generator: inout G
    ) throws -> Sequential {
        guard !configuration.inputShape.isEmpty, configuration.inputShape.allSatisfy({ $0 > 0 }),
            configuration.hiddenSizes.allSatisfy({ $0 > 0 }), configuration.classCount > 0,
            configuration.dropout >= 0, configuration.dropout < 1
        else {
            throw NeuralNetError.invalidConfiguration(
                "MLP: invalid configuration \(configuration)")
        }
        var budget = ModelBudget(architecture)
        guard let inputSize = ModelBudget.product(configuration.inputShape) else {
            throw NeuralNetError.invalidConfiguration(
                "MLP: the input shape \(configuration.inputShape) has more elements than an Int "
                    + "can count")
        }
        var fanIn = inputSize
        for hidden in configuration.hiddenSizes + [configuration.classCount] {
            try budget.add(layers: 3, weights: [hidden, fanIn], bias: hidden)
            fanIn = hidden
        }
        var layers: [Layer] = []
        var width = inputSize
        for hidden in configuration.hiddenSizes {
            layers.append(try Linear(inputSize: width, outputSize: hidden, generator: &generator))
            layers.append(configuration.activation.makeLayer())
            if configuration.dropout > 0 {
                layers.append(try Dropout(rate: configuration.dropout, generator: &generator))
            }
            width = hidden
        }
        layers.append(
            try Linear(
                inputSize: width, outputSize: configuration.classCount, generator: &generator))
        return try Sequential(named: [("flatten", Flatten()), ("classifier", Sequential(layers))])
    }
}
