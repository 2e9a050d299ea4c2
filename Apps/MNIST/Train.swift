import AppSupport
import ArgumentParser
import Checkpoints
import Datasets
import Foundation
import ImageClassification
import ImageModels

/// `mnist train`: trains a digit classifier on the 60,000 training images less a seeded
/// validation split, logs every epoch, keeps a resumable checkpoint, evaluates on the test
/// set and saves a self-describing model file.
struct Train: TrainingRunCommand {
    static let appName = "mnist"
    static let configuration = CommandConfiguration(
        abstract: "Train a digit classifier (lenet5 or cnn) on MNIST.",
        discussion: """
            Defaults per architecture (any flag below overrides its own):
              cnn     15 epochs, batch 128, adamw, learning rate 0.003, weight decay
                      0.05, shifts of up to 2 pixels, cosine schedule, seed 42
              lenet5  10 epochs, batch 64, adam, learning rate 0.002, shifts of up to
                      1 pixel, cosine schedule, seed 42
            Validation: 5000 training images held out (seeded), at most a fifth of
            the images trained on (1000 of --train-subset 5000).
            Files: OUTPUT, OUTPUT.checkpoint (rewritten every epoch; Ctrl-C saves it
            too and exits 130), OUTPUT.log.jsonl (one JSON object per epoch).
            """)

    /// The architectures `mnist train` builds.
    enum Architecture: String, ExpressibleByArgument, CaseIterable {
        case lenet5, cnn

        /// The model-file description of the architecture with its default configuration.
        func description() throws -> ModelDescription.Architecture {
            switch self {
            case .lenet5: return try ModelRegistry.architecture(LeNet5.self, configuration: .init())
            case .cnn: return try ModelRegistry.architecture(MNISTNet.self, configuration: .init())
            }
        }

        /// The training defaults of the architecture.
        var defaults: TrainingSettings {
            switch self {
            case .lenet5:
                return TrainingSettings(
                    epochs: 10, batchSize: 64, optimizer: .adam, learningRate: 0.002, shift: 1)
            case .cnn:
                return TrainingSettings(
                    epochs: 15, batchSize: 128, optimizer: .adamw, learningRate: 0.003,
                    weightDecay: 0.05, shift: 2)
            }
        }
    }

    @Option(help: .init("MNIST folder (else $MNIST_DIR, else data/mnist).", valueName: "DIR"))
    var data: String?
    @Option(
        help: .init(
            "The network (default cnn; with --resume, the checkpoint's).",
            valueName: "ARCHITECTURE"))
    var architecture: Architecture?
    @OptionGroup var options: TrainingOptions

    func run() throws {
        try Processes.useThreads(options.threads)
        let started = Date()
        let prepared = try prepareRun()
        try prepared.session.runCommand()

        // Only rank 0 of an mpirun job evaluates and saves (the others skip the test set).
        guard prepared.session.communicator.isRoot else { return }
        try prepared.session.evaluateAndSave(
            testData: try prepared.testData(), commandName: "mnist", started: started)
    }

    func checkCombination() throws {
        guard options.resume == nil else { return }
        let defaults = (architecture ?? .cnn).defaults
        try options.settings(over: defaults, trainingCount: 60_000).checkCombination()
    }

    func prepareRun() throws -> PreparedRun {
        let saved = try options.resume.map(SavedRun.init(path:))
        try saved?.requireArchitecture(
            in: try Architecture.allCases.map { try $0.description().name },
            command: "mnist train")
        let data = data ?? saved?.files?.data
        let trainingData = try MNISTData.load(data, split: .train)
        var configuration: TrainingConfiguration
        if let saved {
            if let architecture,
                try architecture.description().name.lowercased()
                    != saved.configuration.architecture.name.lowercased()
            {
                throw ValidationError(
                    "--architecture \(architecture.rawValue) differs from the checkpoint's "
                        + saved.configuration.architecture.name)
            }
            configuration = try options.resumedConfiguration(
                stored: saved.configuration, finishedEpochs: saved.finishedEpochs)
        } else {
            let architecture = architecture ?? .cnn
            configuration = try options.configuration(
                architecture: try architecture.description(), defaults: architecture.defaults,
                trainingCount: trainingData.count)
        }
        let files = try RunFiles(
            options: options, data: data,
            defaultOutput: "mnist-\(configuration.architecture.name.lowercased()).safetensors",
            saved: saved?.files)
        let session = try TrainingSession(
            configuration: configuration, data: trainingData, normalization: .mnist,
            template: MNISTData.template, files: files, resume: saved)
        return PreparedRun(session: session) { try MNISTData.load(data, split: .test) }
    }
}
