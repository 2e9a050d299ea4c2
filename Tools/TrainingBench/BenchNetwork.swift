import ImageModels
import NeuralNet
import TensorMath

/// One network of the benchmark, set up as its app's default run trains it: the library model
/// (`ImageModels`), the batch size, the input shape, the optimizer and the loss.
/// Tools/reference/bench_training.py builds the same networks, under the same names, in PyTorch.
struct BenchNetwork {
    /// The name shared with the PyTorch script: `lenet5`, `cnn`, `fourclassnet`, …
    var name: String
    /// Images per training step.
    var batchSize: Int
    /// The shape of one image, `[C, H, W]`.
    var imageShape: [Int]
    /// The number of classes (labels are drawn from `0..<classCount`).
    var classCount: Int
    /// The optimizer, in words, for the report (`Adam lr 0.002`).
    var optimizerName: String
    /// Builds the model, `[N, C, H, W]` → `[N, classCount]`.
    var makeModel: (inout Xoshiro256) throws -> Sequential
    /// Builds the optimizer over the model's parameters.
    var makeOptimizer: (Layer) throws -> Optimizer
    /// The training loss.
    var loss: ClassificationLoss = .softmaxCrossEntropy()

    /// The six networks of issue #13, with the defaults of the apps that train them:
    /// Apps/MNIST/Train.swift (`lenet5`: Adam, lr 0.002, batch 64; `cnn`: AdamW, lr 0.003,
    /// weight decay 0.05, batch 128), Apps/FourClass/Train.swift (SGD, momentum 0.9, lr 0.1,
    /// weight decay 5e-4, label smoothing 0.1, batch 128, 4 classes) and
    /// Apps/SkipConnections/ExperimentSettings.swift (SGD, momentum 0.9, lr 0.1, weight decay
    /// 1e-4; batch 128 as the paper's schedule, `--full`).
    static let all: [BenchNetwork] = [
        BenchNetwork(
            name: "lenet5", batchSize: 64, imageShape: [1, 28, 28], classCount: 10,
            optimizerName: "Adam lr 0.002",
            makeModel: { try LeNet5.makeModel(generator: &$0) },
            makeOptimizer: { try Adam($0, learningRate: 0.002) }),
        BenchNetwork(
            name: "cnn", batchSize: 128, imageShape: [1, 28, 28], classCount: 10,
            optimizerName: "AdamW lr 0.003 wd 0.05",
            makeModel: { try MNISTNet.makeModel(generator: &$0) },
            makeOptimizer: { try AdamW($0, learningRate: 0.003, weightDecay: 0.05) }),
        BenchNetwork(
            name: "fourclassnet", batchSize: 128, imageShape: [3, 32, 32], classCount: 4,
            optimizerName: "SGD momentum 0.9 lr 0.1 wd 5e-4, label smoothing 0.1",
            makeModel: { try FourClassNet.makeModel(generator: &$0) },
            makeOptimizer: {
                try SGD($0, learningRate: 0.1, momentum: 0.9, weightDecay: 5e-4)
            },
            loss: .softmaxCrossEntropy(labelSmoothing: 0.1)),
        cifar(depth: 20, residual: true),
        cifar(depth: 20, residual: false),
        cifar(depth: 56, residual: true),
    ]

    /// A CIFAR ResNet or its plain twin as `skip-connections` trains it.
    private static func cifar(depth: Int, residual: Bool) -> BenchNetwork {
        let configuration = CIFARResNet.Configuration(depth: depth, residual: residual)
        return BenchNetwork(
            name: configuration.name, batchSize: 128, imageShape: [3, 32, 32], classCount: 10,
            optimizerName: "SGD momentum 0.9 lr 0.1 wd 1e-4",
            makeModel: { try CIFARResNet.makeModel(configuration, generator: &$0) },
            makeOptimizer: {
                try SGD($0, learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4)
            })
    }

    /// The network called `name`.
    /// - Throws: ``BenchError/unknownNetwork(_:)``.
    static func named(_ name: String) throws -> BenchNetwork {
        guard let network = all.first(where: { $0.name == name }) else {
            throw BenchError.unknownNetwork(name)
        }
        return network
    }
}
