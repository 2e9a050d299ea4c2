// The CIFAR-10 residual networks and their plain twins of He, Zhang, Ren & Sun, "Deep Residual
// Learning for Image Recognition" (CVPR 2016, arXiv:1512.03385), section 4.2: 6n+2 layers of
// 3x3 convolutions with batch normalization (Ioffe & Szegedy 2015), identity shortcuts
// (option A: zero-padded where the shape changes), He initialization (He et al. 2015,
// "Delving Deep into Rectifiers").
import NeuralNet
import TensorMath

/// The paper's CIFAR-10 network of depth `6n + 2`: `conv3x3(w) → BN → ReLU`, three stages of
/// `n` basic blocks with `w`, `2w` and `4w` channels (stride 2 in the first block of the second
/// and third stages), global average pooling and a linear layer to `classCount` scores.
/// Input `[N, inputChannels, H, W]` (32x32 for CIFAR-10); output `[N, classCount]`.
///
/// A basic block is `conv3x3 → BN → ReLU → conv3x3 → BN`, then the shortcut sum and a ReLU
/// (residual, ``Residual``'s option A shortcut: identity, or subsampled and zero-padded where
/// the shape changes), or just a ReLU (the plain twin). The two twins have the same layers,
/// the same parameter names and, for one seed, the same initial weights; option A adds no
/// parameters. With `w = 16`: ResNet-20 has 269,722 parameters (0.27M) and ResNet-56 853,018
/// (0.85M), as the paper's Table 6 lists.
///
/// Names follow torchvision: `conv1`, `bn1`, `layer1.0.conv1`, `layer1.0.bn1`,
/// `layer1.0.conv2`, `layer1.0.bn2`, …, `layer3.{n-1}.bn2`, `fc`. Convolution and linear
/// weights are drawn from He's normal initialization `N(0, 2 / fanIn)`, the linear bias is
/// zero, batch norms start at weight 1 and bias 0.
public enum CIFARResNet {
    /// The network's options, stored in model files as JSON (`ImageClassification`'s registry
    /// gives missing fields the defaults below).
    public struct Configuration: Codable, Equatable, Sendable {
        /// The number of weighted layers, `6n + 2` with `n ≥ 1` (8, 14, 20, 32, 44, 56, 110,
        /// …). Default 20.
        public var depth: Int = 20
        /// Whether blocks add their shortcut (ResNet) or not (the plain twin). Default `true`.
        public var residual: Bool = true
        /// Channels of the first stage; the others have twice and four times as many.
        /// Default 16.
        public var width: Int = 16
        /// Input channels. Default 3 (RGB).
        public var inputChannels: Int = 3
        /// Output classes. Default 10.
        public var classCount: Int = 10

        /// Creates a configuration.
        public init(
            depth: Int = 20, residual: Bool = true, width: Int = 16, inputChannels: Int = 3,
            classCount: Int = 10
        ) {
            self.depth = depth
            self.residual = residual
            self.width = width
            self.inputChannels = inputChannels
            self.classCount = classCount
        }

        /// `resnet-20` or `plain-20`, the network's name in reports.
        public var name: String { "\(residual ? "resnet" : "plain")-\(depth)" }
    }

    /// The name stored in model files.
    public static let architecture = "CIFARResNet"

    /// The number of basic blocks per stage, `n = (depth − 2) / 6`.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` unless `depth = 6n + 2` with
    ///   `n ≥ 1`.
    public static func blocksPerStage(depth: Int) throws -> Int {
        guard depth >= 8, (depth - 2) % 6 == 0 else {
            throw NeuralNetError.invalidConfiguration(
                "CIFARResNet: depth \(depth) is not 6n+2 with n ≥ 1 "
                    + "(8, 14, 20, 32, 44, 56, 110, …)")
        }
        return (depth - 2) / 6
    }

    /// Builds the network with its initialization drawn from `generator`.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` for a depth that is not `6n + 2`
    ///   (`n ≥ 1`), or a non-positive width, input channel count or class count.
    public static func makeModel<G: RandomNumberGenerator>(
        _ configuration: Configuration = .init(), generator: inout G
    ) throws -> Sequential {
        let blocks = try blocksPerStage(depth: configuration.depth)
        let width = configuration.width
        guard width >= 1, configuration.inputChannels >= 1, configuration.classCount >= 1 else {
            throw NeuralNetError.invalidConfiguration(
                "CIFARResNet: width (\(width)), input channels "
                    + "(\(configuration.inputChannels)) and classes "
                    + "(\(configuration.classCount)) must be positive")
        }
        var budget = ModelBudget(architecture)
        try budget.add(layers: 3, weights: [width, configuration.inputChannels, 3, 3])
        var fanIn = width
        for stage in 0..<3 {
            // A basic block: two 3x3 convolutions with batch norm, ReLUs and the shortcut.
            for _ in 0..<min(blocks, ModelLimits.maxLayers + 1) {
                try budget.add(layers: 3, weights: [1 << stage, width, fanIn, 3, 3])
                try budget.add(layers: 4, weights: [1 << stage, width, 1 << stage, width, 3, 3])
                try budget.add(layers: 0, weights: [8, 1 << stage, width])
                fanIn = ModelBudget.product([1 << stage, width]) ?? fanIn
            }
        }
        try budget.add(
            layers: 2, weights: [configuration.classCount, fanIn], bias: configuration.classCount)
        var layers: [(String, Layer)] = [
            (
                "conv1",
                try Conv2D(
                    inputChannels: configuration.inputChannels, outputChannels: width,
                    kernelSize: 3, padding: .explicit(1), bias: false, generator: &generator)
            ),
            ("bn1", try BatchNorm2D(features: width)),
            ("relu", ReLU()),
        ]
        var channels = width
        for stage in 0..<3 {
            let output = width << stage
            var stageBlocks: [Layer] = []
            for index in 0..<blocks {
                let stride: Size2D = stage > 0 && index == 0 ? 2 : 1
                let block = try Residual.basicBlock(
                    inputChannels: channels, outputChannels: output, stride: stride,
                    downsampling: .zeroPad, generator: &generator)
                stageBlocks.append(
                    configuration.residual ? block : try plainBlock(from: block))
                channels = output
            }
            layers.append(("layer\(stage + 1)", Sequential(stageBlocks)))
        }
        layers.append(("avgpool", GlobalAvgPool2D()))
        layers.append(
            (
                "fc",
                try Linear(
                    inputSize: channels, outputSize: configuration.classCount, generator: &generator
                )
            ))
        let model = try Sequential(named: layers)
        try heInitialize(model, generator: &generator)
        return model
    }

    /// Sets the weight of the last batch norm in the body of every ``Residual`` block of `model`
    /// to zero, so that each block starts as its shortcut alone and the network as a shallow
    /// one that grows into its depth: Goyal et al. 2017 ("Accurate, Large Minibatch SGD",
    /// section 5.1), torchvision's `zero_init_residual=True`. Layers outside residual blocks,
    /// and so a plain twin, are left as they are (at weight 0 a plain block would pass nothing
    /// on). Returns the number of batch norms set.
    @discardableResult
    public static func zeroInitializeResidualBranches(_ model: Layer) throws -> Int {
        var count = 0
        for (_, layer) in model.namedDescendants {
            guard let block = layer as? Residual,
                let norm = block.body.children.last(where: { $0.layer is BatchNorm })?.layer
                    as? BatchNorm,
                let weight = norm.weight
            else { continue }
            try weight.assign(try Tensor.zeros(weight.value.shape))
            count += 1
        }
        return count
    }

    /// The plain twin of a basic block: its body's layers followed by a ReLU, no shortcut.
    private static func plainBlock(from block: Residual) throws -> Sequential {
        try Sequential(
            named: block.body.children.map { ($0.name, $0.layer) } + [("relu2", ReLU())])
    }

    /// He normal initialization of every convolution and linear weight (`N(0, 2 / fanIn)`),
    /// zero linear biases, in the order of the layers.
    private static func heInitialize<G: RandomNumberGenerator>(
        _ model: Layer, generator: inout G
    ) throws {
        for (_, layer) in model.namedDescendants {
            if let convolution = layer as? Conv2D {
                try convolution.weight.assign(
                    try Tensor.kaimingNormal(convolution.weight.value.shape, using: &generator))
            } else if let linear = layer as? Linear {
                try linear.weight.assign(
                    try Tensor.kaimingNormal(linear.weight.value.shape, using: &generator))
                if let bias = linear.bias {
                    try bias.assign(try Tensor.zeros(bias.value.shape))
                }
            }
        }
    }
}
