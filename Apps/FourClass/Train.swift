import AppSupport
import ArgumentParser
import Checkpoints
import Datasets
import Foundation
import ImageClassification
import ImageModels

/// `four-class train`: trains an image classifier on the chosen class folders (default bird,
/// cat, dog, ship) less a seeded validation split, with random crops and flips, batch
/// normalization, a cosine schedule and optional early stopping; logs every epoch, keeps a
/// resumable checkpoint, evaluates on the test folders and saves a self-describing model file.
struct Train: TrainingRunCommand {
    static let appName = "four-class"
    static let configuration = CommandConfiguration(
        abstract: "Train a four-class image classifier on image folders (CIFAR-10 by default).",
        discussion: """
            Data: DIR/train/<class>/*.jpg|png and DIR/test/<class>/*.jpg|png; images are \
            decoded into memory once and resized to 32x32 RGB if needed.
            Defaults: \(defaults.epochs) epochs, batch \(defaults.batchSize), \
            \(defaults.optimizer.rawValue), learning rate \(defaults.learningRate), weight \
            decay \(defaults.weightDecay), label smoothing \(defaults.labelSmoothing), random \
            crops (padding \(defaults.shift)) and horizontal flips, cosine schedule, seed \
            \(defaults.seed), \(Int(defaults.validationSplit)) validation images (at most a \
            fifth of the images trained on); any flag below overrides its own.
            Network: FourClassNet (--widths, --convolutions), or --layers (for 32x32 RGB \
            inputs, ending in dense with one output per class); --activation, --pooling, \
            --dropout and --batch-norm change either; --print-layers prints it.
            Files: OUTPUT, OUTPUT.checkpoint (rewritten every epoch; Ctrl-C saves it too and \
            exits 130), OUTPUT.log.jsonl (one JSON object per epoch).
            """)

    /// The training defaults of the app.
    static let defaults = TrainingSettings(
        epochs: 24, batchSize: 128, optimizer: .momentum, learningRate: 0.1,
        weightDecay: 5e-4, shift: 4, horizontalFlip: true, labelSmoothing: 0.1,
        validationSplit: 1000)

    @Option(
        help: .init(
            "Image-folder data set (else $CIFAR10_DIR, else data/cifar10).",
            valueName: "DIR"))
    var data: String?
    @Option(
        help: .init(
            "Comma-separated class folders (default bird,cat,dog,ship).",
            valueName: "CLASSES"))
    var classes: String?
    @Option(
        help: .init(
            "Channels of each stage, comma-separated (default 32,64,128,256).",
            valueName: "WIDTHS"))
    var widths: String?
    @Option(
        help: .init(
            "Convolutions in each stage, comma-separated (default 1,2,2,1; 2 each with --widths).",
            valueName: "COUNTS"))
    var convolutions: String?
    @Flag(
        help: """
            Leave out the images that cannot be read (a warning names the first three) \
            instead of stopping; the run stops only if a folder has none left.
            """)
    var skipUnreadable = false
    @OptionGroup var network: ArchitectureOptions
    @OptionGroup var options: TrainingOptions

    func run() throws {
        try Processes.useThreads(options.threads)
        let started = Date()
        guard let prepared = try prepareRun() else { return }
        let classNames = prepared.session.template.classNames
        try prepared.session.runCommand(detail: " of \(classNames.joined(separator: ", "))")

        // Only rank 0 of an mpirun job evaluates and saves (the others skip the test set).
        guard prepared.session.communicator.isRoot else { return }
        try prepared.session.evaluateAndSave(
            testData: try prepared.testData(), commandName: "four-class", started: started)
    }

    func checkCombination() throws {
        guard options.resume == nil else { return }
        try options.settings(over: Self.defaults, trainingCount: 20_000).checkCombination()
    }

    func prepareRun() throws -> PreparedRun? {
        var classNames = try FourClassData.classes(classes)
        let saved = try options.resume.map(SavedRun.init(path:))
        if let saved {
            try saved.requireArchitecture(
                in: [FourClassNet.architecture, Layers.architecture], command: "four-class train")
            if classes != nil || widths != nil || convolutions != nil {
                throw ValidationError(
                    "--resume continues the saved run with its own classes and widths; "
                        + "leave out --classes, --widths and --convolutions")
            }
            try network.checkResumed(saved: saved.configuration.architecture)
            let stored = saved.configuration.architecture
            let classCount =
                stored.name == Layers.architecture
                ? try ModelRegistry.configuration(Layers.self, of: stored).classCount
                : try ModelRegistry.configuration(FourClassNet.self, of: stored).classCount
            classNames = saved.classNames ?? classNames
            guard classCount == classNames.count else {
                throw AppError("\(saved.path) holds a network of \(classCount) classes")
            }
        }
        // The network before the data, so that a bad --layers is a usage error at once.
        let newNetwork = saved == nil ? try architecture(classCount: classNames.count) : nil
        if network.printLayers, let chosen = saved?.configuration.architecture ?? newNetwork {
            print(try ArchitectureOptions.printedLayers(chosen))
            return nil
        }
        let data = data ?? saved?.files?.data
        let trainingData = try FourClassData.load(
            data, split: .train, classes: classNames, skipUnreadable: skipUnreadable)
        classNames = trainingData.classNames
        // Read (and decode) the test images now: a missing test/ folder or a corrupt image is
        // an error before training, not after it.
        let testData = try FourClassData.load(
            data, split: .test, classes: classNames, skipUnreadable: skipUnreadable)
        let configuration =
            try saved.map {
                try options.resumedConfiguration(
                    stored: $0.configuration, finishedEpochs: $0.finishedEpochs)
            }
            ?? (try options.configuration(
                architecture: try architecture(classCount: classNames.count),
                defaults: Self.defaults, trainingCount: trainingData.count))
        let files = try RunFiles(
            options: options, data: data, defaultOutput: "four-class.safetensors",
            saved: saved?.files)
        let template = FourClassData.template(classes: classNames)
        let session = try TrainingSession(
            configuration: configuration,
            data: try FourClassData.interleavedByClass(trainingData), normalization: .cifar10,
            template: template, files: files, resume: saved)
        return PreparedRun(session: session) { testData }
    }

    /// The network's description for `classCount` classes and the `--widths` flag.
    private func architecture(classCount: Int) throws -> ModelDescription.Architecture {
        var network = FourClassNet.Configuration(classCount: classCount)
        if let widths {
            let values = widths.split(separator: ",")
                .map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else {
                throw ValidationError("--widths \(widths): give positive channel counts, 32,64,128")
            }
            network.widths = values.map { $0! }
            network.convolutions = [Int](repeating: 2, count: values.count)
        }
        if let convolutions {
            let values = convolutions.split(separator: ",")
                .map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard values.count == network.widths.count, values.allSatisfy({ ($0 ?? 0) > 0 })
            else {
                throw ValidationError(
                    "--convolutions \(convolutions): give one positive count per stage "
                        + "(\(network.widths.count) stages)")
            }
            network.convolutions = values.map { $0! }
        }
        return try self.network.architecture(
            preset: try ModelRegistry.architecture(FourClassNet.self, configuration: network),
            presetName: "FourClassNet",
            presetFlags: [
                widths.map { _ in "--widths" }, convolutions.map { _ in "--convolutions" },
            ]
            .compactMap { $0 }, inputShape: [3, 32, 32], classCount: classCount)
    }
}
