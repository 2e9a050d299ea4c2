import AppSupport
import ArgumentParser
import Checkpoints
import Datasets
import Foundation
import ImageModels
import NeuralNet
import TensorMath

/// `mnist train`: trains a model on the 60,000 training images (less a seeded validation
/// split), logs every epoch, keeps a resumable checkpoint, and saves a self-describing model.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train a digit classifier.")

    enum Architecture: String, ExpressibleByArgument, CaseIterable { case lenet5, cnn }
    enum OptimizerKind: String, ExpressibleByArgument, CaseIterable {
        case sgd, momentum, nesterov, adam
    }

    @Option(help: "MNIST folder (else $MNIST_DIR, else data/mnist).") var data: String?
    @Option(help: "lenet5 or cnn.") var architecture: Architecture = .cnn
    @Option(help: "Epochs.") var epochs = 12
    @Option(help: "Mini-batch size.") var batchSize = 64
    @Option(help: "Peak learning rate (cosine decay over the run).") var learningRate: Float = 0.002
    @Option(help: "sgd, momentum, nesterov or adam.") var optimizer: OptimizerKind = .adam
    @Option(help: "Seed of initialization, split, shuffling and dropout.") var seed: UInt64 = 42
    @Option(help: "Where to save the model.") var output = "mnist-model.safetensors"
    @Option(help: "Resume from this training checkpoint.") var resume: String?
    @Option(help: "Training checkpoint written every epoch (default OUTPUT.checkpoint).")
    var checkpoint: String?
    @Option(help: "JSON-lines epoch log (default OUTPUT.log.jsonl).") var log: String?
    @Option(help: "Train on the first N training images only (quick runs).") var trainSubset: Int?
    @Option(help: "Images held out for validation.") var validationSize = 5000
    @Option(help: """
        Stop after N epochs without a better validation accuracy and keep the best weights \
        (default: train every epoch).
        """)
    var patience: Int?

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        guard learningRate > 0, learningRate.isFinite else {
            throw ValidationError("--learning-rate must be positive")
        }
        guard validationSize >= 0 else { throw ValidationError("--validation-size must be ≥ 0") }
        if let patience, patience < 1 { throw ValidationError("--patience must be at least 1") }
        if let trainSubset, trainSubset < 1 {
            throw ValidationError("--train-subset must be at least 1")
        }
    }

    func run() throws {
        let started = Date()
        var all = try MNISTData(flag: data, split: .train)
        if let trainSubset, trainSubset < all.count {
            all = try all.subset(Array(0..<trainSubset))
        }
        var splitGenerator = Xoshiro256(seed: seed, stream: 1000)
        let order = Array(0..<all.count).shuffled(using: &splitGenerator)
        let held = min(validationSize, all.count / 5)
        let validation = try all.subset(Array(order.prefix(held)))
        let training = try all.subset(Array(order.dropFirst(held)))

        var generator = Xoshiro256(seed: seed)
        let model: Sequential
        let architectureDescription: ModelDescription.Architecture
        switch architecture {
        case .lenet5:
            model = try LeNet5.makeModel(.init(), generator: &generator)
            architectureDescription = try ModelRegistry.architecture(
                LeNet5.self, configuration: .init())
        case .cnn:
            model = try MNISTNet.makeModel(.init(), generator: &generator)
            architectureDescription = try ModelRegistry.architecture(
                MNISTNet.self, configuration: .init())
        }
        let stepsPerEpoch = (training.count + batchSize - 1) / batchSize
        let trainer = Trainer(
            model: model, optimizer: try makeOptimizer(model),
            schedule: .cosine(
                initial: learningRate, minimum: learningRate / 100,
                period: epochs * stepsPerEpoch),
            earlyStopping: try patience.map {
                try EarlyStopping(patience: $0, mode: .maximize, restoreBest: true)
            },
            monitor: .validationAccuracy)
        if let resume {
            try TrainingCheckpoint(contentsOf: URL(fileURLWithPath: resume)).restore(into: trainer)
            print("resumed from \(resume) at epoch \(trainer.state.epoch + 1), "
                  + "batch \(trainer.state.batchCursor)")
        }

        let checkpointPath = checkpoint ?? output + ".checkpoint"
        let epochLog = try JSONLinesLog(path: log ?? output + ".log.jsonl")
        let validationBatches = try validation.batches(size: 500, shuffleSeed: nil, epoch: 0)
        var bar: ProgressBar?
        try trainer.fit(
            epochs: epochs,
            training: { epoch in
                bar = ProgressBar(total: stepsPerEpoch, label: "epoch \(epoch + 1)/\(epochs)")
                return try training.batches(size: batchSize, shuffleSeed: seed, epoch: epoch)
            },
            validation: held > 0 ? { validationBatches } : nil,
            onBatch: { progress in
                bar?.update(
                    step: progress.batch + 1,
                    status: String(
                        format: "loss %.4f acc %.2f%% %.0f img/s", progress.runningLoss,
                        progress.runningAccuracy * 100, progress.imagesPerSecond))
            },
            onEpoch: { summary in
                bar?.finish()
                try epochLog.append(summary)
                try TrainingCheckpoint(trainer: trainer).write(
                    to: URL(fileURLWithPath: checkpointPath))
                let validationText = summary.validationAccuracy.map {
                    String(format: ", validation accuracy %.2f%%", $0 * 100)
                } ?? ""
                print(String(
                    format: "epoch %d/%d: loss %.4f, training accuracy %.2f%%%@, %.0f s",
                    summary.epoch + 1, epochs, summary.trainingLoss,
                    summary.trainingAccuracy * 100, validationText, summary.seconds))
            })

        let test = try MNISTData(flag: data, split: .test)
        let result = try trainer.evaluate(try test.batches(size: 500, shuffleSeed: nil, epoch: 0))
        let command = (["mnist"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        let description = ModelDescription(
            architecture: architectureDescription, classNames: (0...9).map(String.init),
            input: .init(height: 28, width: 28, colorMode: .grayscale),
            preprocessing: .init(
                method: .mnistCentering, mean: [0.1307], standardDeviation: [0.3081]),
            provenance: .init(
                command: command, seed: seed, epochs: trainer.state.epoch,
                metrics: ["test_accuracy": result.accuracy, "test_loss": result.loss],
                dataset: "MNIST"))
        try SafeTensorsFile.write(
            model.stateDictionary, description: description, to: URL(fileURLWithPath: output))
        print(String(format: "test accuracy: %.2f%% (%d images)", result.accuracy * 100, result.count))
        print(String(format: "saved %@ (%.0f s)", output, Date().timeIntervalSince(started)))
    }

    func makeOptimizer(_ model: Layer) throws -> Optimizer {
        switch optimizer {
        case .sgd: return try SGD(model.namedParameters, learningRate: learningRate)
        case .momentum:
            return try SGD(model.namedParameters, learningRate: learningRate, momentum: 0.9)
        case .nesterov:
            return try SGD(
                model.namedParameters, learningRate: learningRate, momentum: 0.9, nesterov: true)
        case .adam: return try Adam(model.namedParameters, learningRate: learningRate)
        }
    }
}
