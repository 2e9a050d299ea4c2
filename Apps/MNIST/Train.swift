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
        abstract: "Train a digit classifier (cnn, lenet5, lenet1998, mlp or --layers) on MNIST.",
        discussion: """
            Defaults per architecture (any flag below overrides its own):
              cnn     15 epochs, batch 128, adamw, learning rate 0.003, weight decay
                      0.05, shifts of up to 2 pixels, cosine schedule, seed 42
              lenet5  10 epochs, batch 64, adam, learning rate 0.002, shifts of up to
                      1 pixel, cosine schedule, seed 42 (also --layers networks)
              mlp     784-512-512-10 with dropout 0.2 (the tutorials' MLP); mlp-small
                      784-74-40-10 (LeNet-5's size): 10 epochs, batch 128, adam,
                      learning rate 0.001, no shifts, cosine schedule, seed 42
              lenet1998  (LeNet-5 as published, RBF output) 30 epochs, batch 32,
                      adam, learning rate 0.001, no shifts, cosine schedule, seed 42
            Network: --layers writes one (mnist train --architecture lenet5
            --print-layers prints a preset as a starting point); --activation,
            --pooling, --dropout and --batch-norm change the chosen one.
            Validation: 5000 training images held out (seeded), at most a fifth of
            the images trained on (1000 of --train-subset 5000).
            Files: OUTPUT, OUTPUT.checkpoint (rewritten every epoch; Ctrl-C saves it
            too and exits 130), OUTPUT.log.jsonl (one JSON object per epoch).
            """)

    /// The architectures `mnist train` builds.
    enum Architecture: String, ExpressibleByArgument, CaseIterable {
        case lenet5, cnn, mlp
        case mlpSmall = "mlp-small"
        case lenet1998

        /// The model-file description of the architecture with its default configuration.
        func description() throws -> ModelDescription.Architecture {
            switch self {
            case .lenet5: return try ModelRegistry.architecture(LeNet5.self, configuration: .init())
            case .cnn: return try ModelRegistry.architecture(MNISTNet.self, configuration: .init())
            case .mlp:
                return try ModelRegistry.architecture(
                    MLP.self, configuration: .init(hiddenSizes: [512, 512], dropout: 0.2))
            case .mlpSmall: return try ModelRegistry.architecture(MLP.self, configuration: .init())
            case .lenet1998:
                return try ModelRegistry.architecture(LeNet1998.self, configuration: .init())
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
            case .mlp, .mlpSmall:
                return TrainingSettings(
                    epochs: 10, batchSize: 128, optimizer: .adam, learningRate: 0.001)
            case .lenet1998:
                return TrainingSettings(
                    epochs: 30, batchSize: 32, optimizer: .adam, learningRate: 0.001)
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
    @OptionGroup var network: ArchitectureOptions
    @OptionGroup var options: TrainingOptions

    func run() throws {
        try Processes.useThreads(options.threads)
        let started = Date()
        guard let prepared = try prepareRun() else { return }
        try prepared.session.runCommand()

        // Only rank 0 of an mpirun job evaluates and saves (the others skip the test set).
        guard prepared.session.communicator.isRoot else { return }
        try prepared.session.evaluateAndSave(
            testData: try prepared.testData(), commandName: "mnist", started: started)
    }

    func checkCombination() throws {
        guard options.resume == nil else { return }
        try options.settings(over: preset.defaults, trainingCount: 60_000).checkCombination()
    }

    func prepareRun() throws -> PreparedRun? {
        let saved = try options.resume.map(SavedRun.init(path:))
        try saved?.requireArchitecture(
            in: try Architecture.allCases.map { try $0.description().name } + [Layers.architecture],
            command: "mnist train")
        // The network before the data, so that a bad --layers is a usage error at once.
        let newNetwork = saved == nil ? try newArchitecture() : nil
        if network.printLayers {
            print(
                try ArchitectureOptions.printedLayers(
                    saved?.configuration.architecture ?? newArchitecture()))
            return nil
        }
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
            try network.checkResumed(saved: saved.configuration.architecture)
            configuration = try options.resumedConfiguration(
                stored: saved.configuration, finishedEpochs: saved.finishedEpochs)
        } else {
            configuration = try options.configuration(
                architecture: try newNetwork ?? newArchitecture(), defaults: preset.defaults,
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

    /// The preset of a new run: `--architecture`, else lenet5 for `--layers` (its training
    /// defaults), else cnn.
    private var preset: Architecture { architecture ?? (network.layers == nil ? .cnn : .lenet5) }

    /// The network of a new run: the preset, varied by the network flags, or `--layers`.
    private func newArchitecture() throws -> ModelDescription.Architecture {
        try network.architecture(
            preset: try preset.description(), presetName: preset.rawValue,
            presetFlags: architecture == nil ? [] : ["--architecture"],
            inputShape: [1, 28, 28], classCount: 10)
    }
}
