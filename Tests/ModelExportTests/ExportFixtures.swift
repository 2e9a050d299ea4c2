import Checkpoints
import Foundation
import ImageClassification
import ImageModels
import NeuralNet
import TensorMath

/// The networks the export tests write: six registry architectures (one a `Layers`
/// specification, the 1998 LeNet-5 with its RBF and its dense output) and a "zoo" that uses
/// every layer type the exporters translate (a projection shortcut, a residual block with a
/// non-`Sequential` body and no final ReLU, leaky ReLU, sigmoid, tanh, sum, max and average
/// pooling, batch norm 1-D and 2-D, dropout, a partial flatten), each with non-trivial batch
/// norm statistics and a fixed description.
enum ExportFixtures {
    struct Fixture {
        var name: String
        var network: Layer
        var description: ModelDescription
    }

    static let names = [
        "lenet5-tanh-average", "mlp-dropout", "cifar-resnet8", "cifar-plain8", "layers", "zoo",
        "lenet1998-rbf", "lenet1998-dense",
    ]

    static func fixture(_ name: String) throws -> Fixture {
        switch name {
        case "lenet5-tanh-average":
            let architecture = try ModelRegistry.architecture(
                LeNet5.self, configuration: .init(activation: .tanh, pooling: .average))
            return Fixture(
                name: name, network: try ModelRegistry.makeModel(architecture, seed: 1),
                description: description(architecture, classes: 10, channels: 1, side: 28))
        case "lenet1998-rbf", "lenet1998-dense":
            // The published LeNet-5: subsampling, C3's partial table, scaled tanh, and RBF
            // units (negated distances), or a dense output with PyTorch's initialization (whose
            // larger weights make the numeric check of the golden script less lenient).
            let rbf = name == "lenet1998-rbf"
            let architecture = try ModelRegistry.architecture(
                LeNet1998.self,
                configuration: .init(
                    output: rbf ? .rbf : .dense, initialization: rbf ? .paper : .pytorch))
            return Fixture(
                name: name, network: try ModelRegistry.makeModel(architecture, seed: 7),
                description: description(architecture, classes: 10, channels: 1, side: 28))
        case "mlp-dropout":
            let architecture = try ModelRegistry.architecture(
                MLP.self, configuration: .init(activation: .tanh, dropout: 0.2))
            return Fixture(
                name: name, network: try ModelRegistry.makeModel(architecture, seed: 6),
                description: description(architecture, classes: 10, channels: 1, side: 28))
        case "cifar-resnet8", "cifar-plain8":
            let architecture = try ModelRegistry.architecture(
                CIFARResNet.self,
                configuration: .init(
                    depth: 8, residual: name == "cifar-resnet8", width: 4, classCount: 4))
            let network = try ModelRegistry.makeModel(architecture, seed: 2)
            try randomizeStatistics(network, seed: 3)
            return Fixture(
                name: name, network: network,
                description: description(architecture, classes: 4, channels: 3, side: 32))
        case "layers":
            let architecture = try ModelRegistry.architecture(
                Layers.self,
                configuration: .init(
                    layers: "conv 4 3 same, batchnorm, leakyrelu 0.1, residual(conv 8 3 "
                        + "padding=1 stride=2, batchnorm, relu, conv 8 3 same, batchnorm), "
                        + "sumpool 2, tanh, globalavgpool, dropout 0.2, dense 6, batchnorm, "
                        + "sigmoid, dense 3",
                    inputShape: [1, 12, 12], classCount: 3))
            let network = try ModelRegistry.makeModel(architecture, seed: 8)
            try randomizeStatistics(network, seed: 9)
            return Fixture(
                name: name, network: network,
                description: description(architecture, classes: 3, channels: 1, side: 12))
        case "zoo":
            let network = try zoo()
            try randomizeStatistics(network, seed: 5)
            return Fixture(
                name: name, network: network,
                description: description(
                    ModelDescription.Architecture(name: "zoo"), classes: 5, channels: 3, side: 16))
        default:
            fatalError("no fixture \(name)")
        }
    }

    static func description(
        _ architecture: ModelDescription.Architecture, classes: Int, channels: Int, side: Int
    ) -> ModelDescription {
        ModelDescription(
            architecture: architecture, classNames: (0..<classes).map { "class \($0)" },
            input: .init(height: side, width: side, colorMode: channels == 1 ? .grayscale : .rgb),
            preprocessing: .init(
                method: .resize, mean: Array(repeating: 0.5, count: channels),
                standardDeviation: Array(repeating: 0.25, count: channels)))
    }

    /// `[N, 3, 16, 16]` → `[N, 5]` probabilities through every exported layer type.
    static func zoo() throws -> Sequential {
        var g = Xoshiro256(seed: 4)
        let block = try Residual.basicBlock(
            inputChannels: 4, outputChannels: 8, stride: 2, downsampling: .projection,
            generator: &g)
        let dense = try Residual(
            body: try Linear(inputSize: 16, outputSize: 16, generator: &g), finalReLU: false)
        return try Sequential(named: [
            (
                "stem",
                Sequential(
                    try Conv2D(
                        inputChannels: 3, outputChannels: 4, kernelSize: 3,
                        padding: .explicit(1), bias: false, generator: &g),
                    try BatchNorm2D(features: 4), LeakyReLU(slope: 0.2))
            ),
            ("block", block),  // [N, 8, 8, 8]
            ("sum", try SumPool2D(kernelSize: 2)),  // [N, 8, 4, 4]
            ("sigmoid", Sigmoid()),
            ("max", try MaxPool2D(kernelSize: 2, stride: 1, padding: 1)),  // [N, 8, 5, 5]
            (
                "average",
                try AvgPool2D(
                    kernelSize: 3, stride: 2, padding: 1, countIncludesPadding: false)
            ),  // [N, 8, 3, 3]
            ("merge", Flatten(startAxis: 1, endAxis: 2)),  // [N, 24, 3]
            ("flatten", Flatten()),  // [N, 72]
            ("fc1", try Linear(inputSize: 72, outputSize: 16, generator: &g)),
            ("bn", try BatchNorm1D(features: 16)),
            ("tanh", Tanh()),
            ("dense", dense),
            ("dropout", try Dropout(rate: 0.3, generator: &g)),
            ("fc2", try Linear(inputSize: 16, outputSize: 5, generator: &g)),
            ("softmax", Softmax()),
        ])
    }

    /// Running means in ±0.5 and variances in 0.5...1.5, so inference batch norm is not the
    /// identity.
    static func randomizeStatistics(_ network: Layer, seed: UInt64) throws {
        var g = Xoshiro256(seed: seed)
        for (name, buffer) in network.namedBuffers {
            let shape = buffer.value.shape
            if name.hasSuffix("running_mean") {
                try buffer.assign(try Tensor.uniform(shape, low: -0.5, high: 0.5, using: &g))
            } else if name.hasSuffix("running_var") {
                try buffer.assign(try Tensor.uniform(shape, low: 0.5, high: 1.5, using: &g))
            }
        }
        network.setTraining(false)
    }

    /// The golden files' folder.
    static var golden: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "Golden")
    }

    /// The state dictionary's names and shapes, one `name [shape]` line each, sorted.
    static func stateNames(_ network: Layer) -> String {
        network.stateDictionary.map { "\($0.key) \($0.value.shape)" }.sorted()
            .joined(separator: "\n") + "\n"
    }
}
