import AppSupport
import Datasets
import DistributedTraining
import Foundation
import ImageClassification
import ImageModels
import NeuralNet
import TensorMath

/// Trains one network of the experiment, a thin user of ``NeuralNet/Trainer``: built by the
/// model registry from its
/// ``CIFARResNet/Configuration`` with the run's seed (so a plain network and its residual twin
/// start from the same weights), SGD with momentum and weight decay, the step schedule, batches
/// from a loader seeded alike (same order and augmentation for every network), and the test
/// error after every epoch. Under `mpirun -np N` each process takes its share of every batch
/// and the gradients are summed before every step (``AppSupport/Processes``).
struct NetworkTraining {
    /// The run's settings.
    let settings: ExperimentSettings
    /// The images.
    let data: ExperimentData

    /// The number of optimizer steps per epoch.
    var stepsPerEpoch: Int {
        (data.training.count + settings.batchSize - 1) / settings.batchSize
    }

    /// Trains the network of `depth` layers, printing one line per epoch and a progress bar on
    /// a terminal. Ctrl-C stops it after the current batch (the run is then incomplete).
    /// - Parameters:
    ///   - onEpoch: Called with the run so far after every epoch.
    /// - Throws: ``AppError`` for a loss that is no longer finite (naming the network); the
    ///   builder's, loader's and trainer's errors.
    func run(
        depth: Int, residual: Bool, output: @escaping (String) -> Void = { print($0) },
        onEpoch: @escaping (NetworkRun) throws -> Void = { _ in }
    ) throws -> NetworkRun {
        let started = Date()
        let configuration = CIFARResNet.Configuration(
            depth: depth, residual: residual, classCount: data.classNames.count)
        let model = try ModelRegistry.makeModel(
            try ModelRegistry.architecture(CIFARResNet.self, configuration: configuration),
            seed: settings.seed)
        if residual && settings.zeroInitResidual {
            try CIFARResNet.zeroInitializeResidualBranches(model)
        }
        let optimizer = try SGD(
            model, learningRate: settings.learningRate, momentum: settings.momentum,
            weightDecay: settings.weightDecay)
        let trainer = Trainer(
            model: model, optimizer: optimizer,
            schedule: settings.schedule(stepsPerEpoch: stepsPerEpoch), scheduleUnit: .batch)
        let communicator = Processes.communicator
        if communicator.size > 1 {
            trainer.gradientReducer = DataParallelReducer(communicator: communicator)
        }
        let loader = try BatchLoader(
            source: data.training, batchSize: settings.batchSize, shuffle: true,
            seed: settings.seed,
            augmentation: Augmentation(
                cropPadding: settings.cropPadding, horizontalFlip: settings.horizontalFlip),
            normalization: .cifar10,
            shard: try Shard(index: communicator.rank, count: communicator.size))
        let testLoader = try BatchLoader(
            source: data.test, batchSize: 500, shuffle: false, normalization: .cifar10)

        var result = NetworkRun(
            name: configuration.name, depth: depth, residual: residual,
            parameters: model.parameterCount, epochs: [], complete: false, seconds: 0)
        let epochs = settings.epochs
        let console = TrainingConsole(stepsPerEpoch: stepsPerEpoch, epochs: epochs) {
            "\(configuration.name) epoch \($0 + 1)/\(epochs)"
        }
        defer { console.finish() }
        do {
            try trainer.fit(
                epochs: epochs, training: { loader.batches(epoch: $0) },
                validation: { testLoader.batches(epoch: 0) },
                hooks: console.hooks.followed(
                    by: TrainingHooks(onEpoch: { summary in
                        let epoch = NetworkRun.Epoch(
                            epoch: summary.epoch + 1,
                            learningRate: Double("\(summary.learningRate)") ?? 0,
                            trainLoss: summary.trainingLoss,
                            trainErrorPercent: (1 - summary.trainingAccuracy) * 100,
                            testErrorPercent: (1 - (summary.validationAccuracy ?? 0)) * 100,
                            testLoss: summary.validationLoss ?? .nan, seconds: summary.seconds)
                        result.epochs.append(epoch)
                        result.seconds = Date().timeIntervalSince(started)
                        output(Self.line(result.name, epoch, epochs: epochs))
                        try onEpoch(result)
                    })))
        } catch let error as TrainingError {
            throw AppError("\(configuration.name): \(error)")
        }
        result.complete = trainer.state.epoch >= epochs
        result.seconds = Date().timeIntervalSince(started)
        return result
    }

    /// `plain-20   epoch  3/12  lr 0.1000  train loss 1.2345  train error 45.67%  test error
    /// 48.90%  21.3 s`.
    static func line(_ name: String, _ epoch: NetworkRun.Epoch, epochs: Int) -> String {
        let width = String(epochs).count
        let number = String(epoch.epoch)
        let padding = String(repeating: " ", count: max(0, width - number.count))
        return name.padding(toLength: max(name.count, 10), withPad: " ", startingAt: 0)
            + " epoch \(padding)\(number)/\(epochs)"
            + String(
                format: "  lr %.4f  train loss %.4f  train error %.2f%%  test error %.2f%%  %.1f s",
                epoch.learningRate, epoch.trainLoss, epoch.trainErrorPercent,
                epoch.testErrorPercent, epoch.seconds)
    }
}
