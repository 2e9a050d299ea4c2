// LeNet-5 as published: Y. LeCun, L. Bottou, Y. Bengio and P. Haffner, "Gradient-based
// learning applied to document recognition", Proceedings of the IEEE 86(11):2278–2324, 1998,
// Section II-B. Unlike ``LeNet5`` (the tutorials' simplified form), it keeps the trainable
// subsampling layers, C3's partial connection table, the scaled tanh and the RBF output units.
import NeuralNet
import TensorMath

/// LeNet-5 as published in 1998, for 28x28 digits (C1 pads 2, so it sees the paper's 32x32
/// input) or 32x32 inputs.
///
/// ```
/// features.0  C1 Conv2D 1→6, 5x5 (padding 2 on 28x28)   [N, 6, 28, 28]      156
/// features.1  ScaledTanh
/// features.2  S2 Subsampling2D 2x2                      [N, 6, 14, 14]       12
/// features.3  ScaledTanh
/// features.4  C3 PartiallyConnectedConv2D, Table I, 5x5 [N, 16, 10, 10]   1,516
/// features.5  ScaledTanh
/// features.6  S4 Subsampling2D 2x2                      [N, 16, 5, 5]        32
/// features.7  ScaledTanh
/// features.8  C5 Conv2D 16→120, 5x5                     [N, 120, 1, 1]   48,120
/// features.9  ScaledTanh
/// flatten                                               [N, 120]
/// classifier.0  F6 Linear 120→84                        [N, 84]          10,164
/// classifier.1  ScaledTanh
/// classifier.2  EuclideanRBF, 10 digit prototypes       [N, 10]   (840 fixed, a buffer)
/// ```
///
/// 60,000 trainable parameters with the RBF output, as in the paper; with
/// ``Configuration/Output/dense`` the last layer is `Linear 84→10` (850 more).
///
/// - The scaled tanh `1.7159·tanh(2x/3)` follows every layer up to F6, S2 and S4 included
///   (the paper's units "compute a dot product … passed through a sigmoid squashing function").
/// - The RBF outputs are the negated squared distances to the fixed 7x12 prototypes
///   (``NeuralNet/EuclideanRBF/digitPrototypes``, drawn for this project: the paper's bitmaps
///   are not available), used as logits: the apps' softmax cross-entropy on them is the
///   paper's MAP criterion with its constant `j` taken to infinity.
/// - Initialization (``Configuration/Initialization/paper``): every weight and bias uniform in
///   `±2.4/F`, `F` the unit's fan-in (25 for C1, 4 for S2 and S4, 25 per connected map for
///   C3, 400 for C5, 120 for F6, 84 for a dense output).
/// - The 28x28 input is zero-padded by C1 after normalization (the padding is the mean
///   intensity, not the paper's background of −0.1).
/// - Training (`mnist train --architecture lenet1998` defaults): Adam, learning rate 0.001,
///   batch 32, 30 epochs, a one-epoch warm-up then cosine decay, no distortions; it reached
///   99.16% on the MNIST test set (seed 42; 20 epochs gave 99.05%, and 98.90% with seed 1).
///   The paper's schedule (0.0005 for 2 passes down to 0.00001, with its stochastic diagonal
///   Levenberg-Marquardt method) is not implemented.
public enum LeNet1998 {
    /// The architecture's name in model files.
    public static let architecture = "LeNet5-1998"

    /// The network's options, stored in model files as JSON (the registry gives missing fields
    /// the initializer's defaults).
    public struct Configuration: Codable, Hashable, Sendable {
        /// The output layer.
        public enum Output: String, Codable, CaseIterable, Sendable {
            /// The paper's Euclidean RBF units with fixed digit prototypes (negated distances
            /// as logits).
            case rbf
            /// A trainable `Linear 84→10`, as the tutorials use.
            case dense
        }

        /// The initial weights.
        public enum Initialization: String, Codable, CaseIterable, Sendable {
            /// The paper's: uniform in `±2.4/F`, `F` the fan-in of the unit, biases included.
            case paper
            /// The layers' own (PyTorch's default, `±1/√F`).
            case pytorch
        }

        /// The output layer; default ``Output/rbf``.
        public var output: Output
        /// The initialization; default ``Initialization/paper``.
        public var initialization: Initialization
        /// The side of the square grayscale input: 28 (default; C1 pads 2) or 32.
        public var inputSize: Int

        /// Creates a configuration; the defaults give the published network on MNIST.
        public init(
            output: Output = .rbf, initialization: Initialization = .paper, inputSize: Int = 28
        ) {
            self.output = output
            self.initialization = initialization
            self.inputSize = inputSize
        }

        /// The JSON keys of model files.
        private enum CodingKeys: String, CodingKey {
            case output, initialization, inputSize
        }

        /// C1's padding on each side: 2 for 28x28, 0 for 32x32.
        public var firstPadding: Int { inputSize == 28 ? 2 : 0 }

        /// The input shape of one sample, `[1, inputSize, inputSize]`.
        public var inputShape: [Int] { [1, inputSize, inputSize] }
    }

    /// The path of C3 in the model (`features.4`), for visualizations of its connection table.
    public static let c3Path = "features.4"

    /// Builds the network with its initialization drawn from `generator`.
    /// - Throws: ``NeuralNet/NeuralNetError/invalidConfiguration(_:)`` for an input side
    ///   other than 28 or 32.
    public static func makeModel<G: RandomNumberGenerator>(
        _ configuration: Configuration = Configuration(), generator: inout G
    ) throws -> Sequential {
        guard configuration.inputSize == 28 || configuration.inputSize == 32 else {
            throw NeuralNetError.invalidConfiguration(
                "\(architecture): inputSize must be 28 (padded by C1) or 32, got "
                    + "\(configuration.inputSize)")
        }
        let features = Sequential(
            try Conv2D(
                inputChannels: 1, outputChannels: 6, kernelSize: 5,
                padding: .explicit(Size2D(configuration.firstPadding)), generator: &generator),
            try ScaledTanh(),
            try Subsampling2D(channels: 6, generator: &generator),
            try ScaledTanh(),
            try PartiallyConnectedConv2D(
                inputChannels: 6, connections: PartiallyConnectedConv2D.lenet5TableI,
                kernelSize: 5, generator: &generator),
            try ScaledTanh(),
            try Subsampling2D(channels: 16, generator: &generator),
            try ScaledTanh(),
            try Conv2D(
                inputChannels: 16, outputChannels: 120, kernelSize: 5, generator: &generator),
            try ScaledTanh())
        let output: Layer =
            switch configuration.output {
            case .rbf: try EuclideanRBF(prototypes: EuclideanRBF.digitPrototypes, negated: true)
            case .dense: try Linear(inputSize: 84, outputSize: 10, generator: &generator)
            }
        let classifier = Sequential(
            try Linear(inputSize: 120, outputSize: 84, generator: &generator),
            try ScaledTanh(),
            output)
        let model = try Sequential(named: [
            ("features", features), ("flatten", Flatten()), ("classifier", classifier),
        ])
        if configuration.initialization == .paper {
            try initializeAsPaper(model, generator: &generator)
        }
        return model
    }

    /// Redraws every parameter uniform in `±2.4/F`, `F` the fan-in of the unit it belongs to.
    static func initializeAsPaper<G: RandomNumberGenerator>(
        _ model: Sequential, generator: inout G
    ) throws {
        for (_, layer) in model.namedDescendants {
            let fanIns: [Int]
            switch layer {
            case let conv as Conv2D:
                let fanIn = conv.inputChannels * conv.kernelSize.height * conv.kernelSize.width
                fanIns = [fanIn, fanIn]
            case let linear as Linear:
                fanIns = [linear.inputSize, linear.inputSize]
            case let pool as Subsampling2D:
                fanIns = [pool.kernelSize * pool.kernelSize, pool.kernelSize * pool.kernelSize]
            case let c3 as PartiallyConnectedConv2D:
                try initializeAsPaper(c3, generator: &generator)
                continue
            default:
                continue
            }
            for ((_, parameter), fanIn) in zip(layer.ownParameters, fanIns) {
                let bound = 2.4 / Float(fanIn)
                try parameter.assign(
                    try Tensor.uniform(
                        parameter.value.shape, low: -bound, high: bound, using: &generator))
            }
        }
    }

    /// C3: each kernel and bias of output map `o` in `±2.4/(|inputs(o)|·KH·KW)`.
    private static func initializeAsPaper<G: RandomNumberGenerator>(
        _ layer: PartiallyConnectedConv2D, generator: inout G
    ) throws {
        let area = layer.kernelSize.height * layer.kernelSize.width
        var weights: [Float] = []
        var biases: [Float] = []
        for inputs in layer.connections {
            let bound = 2.4 / Float(inputs.count * area)
            for _ in 0..<inputs.count * area {
                weights.append(-bound + 2 * bound * generator.nextUnitFloat())
            }
            biases.append(-bound + 2 * bound * generator.nextUnitFloat())
        }
        try layer.weight.assign(try Tensor(shape: layer.weight.value.shape, scalars: weights))
        try layer.bias.assign(Tensor(biases))
    }
}
