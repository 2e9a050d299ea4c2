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
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a four-class image classifier on image folders (CIFAR-10 by default).",
        discussion: """
            Data: DIR/train/<class>/*.jpg|png and DIR/test/<class>/*.jpg|png; images are \
            decoded into memory once and resized to 32x32 RGB if needed.
            Defaults: \(defaults.epochs) epochs, batch \(defaults.batchSize), \
            \(defaults.optimizer.rawValue), learning rate \(defaults.learningRate), weight \
            decay \(defaults.weightDecay), label smoothing \(defaults.labelSmoothing), random \
            crops (padding \(defaults.shift)) and horizontal flips, cosine schedule, \
            \(Int(defaults.validationSplit)) validation images.
            Files: OUTPUT, OUTPUT.checkpoint (rewritten every epoch; Ctrl-C saves it too), \
            OUTPUT.log.jsonl (one JSON object per epoch).
            """)

    /// The training defaults of the app.
    static let defaults = TrainingDefaults(
        epochs: 24, batchSize: 128, optimizer: .momentum, learningRate: 0.1,
        weightDecay: 5e-4, shift: 4, horizontalFlip: true, labelSmoothing: 0.1,
        validationSplit: 1000)

    @Option(help: .init("Image-folder data set (else $CIFAR10_DIR, else data/cifar10).",
                        valueName: "DIR"))
    var data: String?
    @Option(help: .init("Comma-separated class folders (default bird,cat,dog,ship).",
                        valueName: "CLASSES"))
    var classes: String?
    @Option(help: .init("Channels of each stage, comma-separated (default 32,64,128,256).",
                        valueName: "WIDTHS"))
    var widths: String?
    @Option(help: .init(
        "Convolutions in each stage, comma-separated (default 1,2,2,1; 2 each with --widths).",
        valueName: "COUNTS"))
    var convolutions: String?
    @OptionGroup var options: TrainingOptions

    func run() throws {
        let started = Date()
        var configuration: TrainingConfiguration
        var classNames = try FourClassData.classes(classes)
        if let resume = options.resume {
            let stored = try TrainingSession.storedConfiguration(at: resume)
            if classes != nil || widths != nil || convolutions != nil {
                throw ValidationError(
                    "--resume continues the saved run with its own classes and widths; "
                        + "leave out --classes, --widths and --convolutions")
            }
            let network = try stored.configuration.architecture.configuration
                .decode(as: FourClassNet.Configuration.self)
            classNames = try Self.storedClasses(resume) ?? classNames
            guard network.classCount == classNames.count else {
                throw AppError("\(resume) holds a network of \(network.classCount) classes")
            }
            configuration = try options.resumedConfiguration(
                stored: stored.configuration, finishedEpochs: stored.finishedEpochs)
        } else {
            configuration = TrainingConfiguration(
                architecture: try architecture(classCount: classNames.count), epochs: 1,
                batchSize: 1, optimizer: .sgd, learningRate: 1, schedule: .constant(1), seed: 0,
                validationCount: 0)
        }
        let trainingData = try FourClassData.load(data, split: .train, classes: classNames)
        classNames = trainingData.classNames
        if options.resume == nil {
            configuration = options.configuration(
                architecture: configuration.architecture, defaults: Self.defaults,
                trainingCount: trainingData.count)
        }
        let output = options.output ?? "four-class.safetensors"
        let template = FourClassData.template(classes: classNames)
        let session = try TrainingSession(
            configuration: configuration,
            data: try FourClassData.interleavedByClass(trainingData), normalization: .cifar10,
            template: template, checkpointPath: options.checkpoint ?? output + ".checkpoint",
            logPath: options.log ?? output + ".log.jsonl", resume: options.resume,
            plotPath: options.plot)
        if !session.isResumed {
            print(
                "training \(configuration.architecture.name) "
                    + "(\(session.model.parameterCount) parameters) on "
                    + "\(session.trainingSet.count) images of \(classNames.joined(separator: ", ")), "
                    + "validating on \(session.validationSet?.count ?? 0)")
        }
        guard try session.run() == .finished else { throw ExitCode(130) }

        try session.evaluateAndSave(
            testData: try FourClassData.load(data, split: .test, classes: classNames),
            output: output, commandName: "four-class", started: started)
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
        return try ModelRegistry.architecture(FourClassNet.self, configuration: network)
    }

    /// The class names stored in a checkpoint's model description, if it has one.
    private static func storedClasses(_ path: String) throws -> [String]? {
        let checkpoint = try TrainingCheckpoint(contentsOf: URL(fileURLWithPath: path))
        return checkpoint.modelDescription?.classNames
    }
}
