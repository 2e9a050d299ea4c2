// skip-connections: plain versus residual networks of growing depth on CIFAR-10, the
// degradation experiment of He, Zhang, Ren & Sun, "Deep Residual Learning for Image
// Recognition" (CVPR 2016, arXiv:1512.03385), section 4.2 and Figure 6.
import AppSupport
import ArgumentParser
import Foundation
import ImageClassification
import ImageModels

/// The `skip-connections` command.
struct SkipConnectionsTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skip-connections",
        abstract: "Plain versus residual networks of growing depth on CIFAR-10 (He et al. 2015).",
        discussion: """
            For each depth 6n+2, trains the plain network and its residual twin (the same \
            layers plus identity shortcuts, zero-padded with stride where the shape changes) \
            with the same seed: the same initial weights, batch order and augmentation. SGD \
            with momentum 0.9, weight decay 1e-4, learning rate 0.1 divided by 10 at 50% and \
            75% of the epochs, random crops (padding 4) and flips, CIFAR-10 channel \
            normalization. The default run starts each residual block's last batch norm at \
            weight 0 instead of the paper's 1, so that the ResNets start as their shortcuts \
            (Goyal et al. 2017; torchvision's zero_init_residual): in a run this short the \
            paper's initialization leaves the 56-layer ResNet behind the 20-layer one \
            (--no-zero-init-residual).
            Default run (about 16 minutes on two cores at the AVX2 level): depths \
            \(quickDepths), \
            \(quick.epochs) epochs of batch \(quick.batchSize) on \(quick.trainSubset ?? 0) \
            training images (the first \(quick.warmupEpochs) a linear warm-up from a tenth of \
            the learning rate), test error on \(quick.testSubset ?? 0) test images.
            --full: the paper's schedule: all 50,000 training images, 164 epochs (64k \
            iterations of batch 128), learning rate divided by 10 at 32k and 48k iterations, \
            no warm-up, depths \
            20,32,44,56, every test image (days on two cores). Flags given with --full \
            override its values.
            Data: --data DIR, else $CIFAR10_DIR, else data/cifar10: DIR/train/<class>/ and \
            DIR/test/<class>/ folders of JPEG or PNG images.
            Output (rewritten after every epoch, so an interrupted run keeps its results): \
            results.csv, results.json, curves.png and curves.svg (Figure 6: plain left, \
            residual right, dashed training error, solid test error), summary.txt (the closing \
            table and the verdict).
            Exit status: 0 success, 1 a failed run or input, 2 a usage error, 130 interrupted.
            """,
        version: SwiftCNNVersion.text)

    static let quick = ExperimentSettings.quick
    static let quickDepths = quick.depths.map(String.init).joined(separator: ",")

    @Option(
        help: .init(
            "CIFAR-10 image folders (else $CIFAR10_DIR, else data/cifar10).",
            valueName: "DIR"))
    var data: String?
    @Option(
        help: .init(
            "Depths 6n+2 to train, comma-separated (default \(quickDepths)).", valueName: "LIST"))
    var depths: String?
    @Option(help: .init("Epochs per network (default \(quick.epochs)).", valueName: "N"))
    var epochs: Int?
    @Option(
        help: .init(
            "Train on a seeded, class-stratified subset of N images "
                + "(default \(quick.trainSubset ?? 0)).", valueName: "N"))
    var trainSubset: Int?
    @Option(
        help: .init(
            "Measure the test error on a seeded, class-stratified subset of N test images "
                + "(default \(quick.testSubset ?? 0)).", valueName: "N"))
    var testSubset: Int?
    @Option(help: .init("Images per batch (default \(quick.batchSize)).", valueName: "N"))
    var batchSize: Int?
    @Option(
        help: .init(
            "Seed of the subsets, initialization, batch order and augmentation "
                + "(default \(quick.seed)).", valueName: "SEED"))
    var seed: UInt64?
    @Flag(
        inversion: .prefixedNo,
        help: .init(
            "Start every residual block's last batch norm at weight 0, so that the ResNets "
                + "start as their shortcuts (default on, and off with --full; "
                + "--no-zero-init-residual gives the paper's initialization)."))
    var zeroInitResidual: Bool?
    @Option(help: .init("Folder of the results.", valueName: "DIR"))
    var output: String = "runs/skip-connections"
    @Flag(help: "The paper's full schedule (164 epochs on all images, depths 20,32,44,56).")
    var full = false
    @Option(
        help: .init(
            "Threads of each process (default: the cores, shared among the mpirun ranks on "
                + "this machine; results do not depend on it).", valueName: "N"))
    var threads: Int?

    func validate() throws {
        _ = try parsedDepths()
        let limits = TrainingOptions.limits
        for (name, value, limit) in [
            ("--epochs", epochs, limits.epochs), ("--train-subset", trainSubset, limits.images),
            ("--test-subset", testSubset, limits.images),
            ("--batch-size", batchSize, limits.batchSize),
        ] {
            if let value, !(1...limit).contains(value) {
                throw ValidationError("\(name) \(value): give a number in 1...\(limit)")
            }
        }
        if let threads, !(1...1024).contains(threads) {
            throw ValidationError("--threads \(threads): give a number in 1...1024")
        }
    }

    /// The `--depths` list, each checked to be `6n + 2`, or `nil` when absent.
    private func parsedDepths() throws -> [Int]? {
        guard let depths else { return nil }
        let parts = depths.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        var values: [Int] = []
        for part in parts {
            guard let depth = Int(part) else {
                throw ValidationError(
                    "--depths \(depths): give depths 6n+2 separated by commas (20,56)")
            }
            guard (try? CIFARResNet.blocksPerStage(depth: depth)) != nil else {
                throw ValidationError(
                    "--depths \(depths): depth \(depth) is not 6n+2 with n ≥ 1 "
                        + "(8, 14, 20, 32, 44, 56, 110, …)")
            }
            guard !values.contains(depth) else {
                throw ValidationError("--depths \(depths): depth \(depth) is repeated")
            }
            values.append(depth)
        }
        return values
    }

    /// The settings: the default run or `--full`, with the flags given.
    func settings() throws -> ExperimentSettings {
        var settings = full ? ExperimentSettings.full : ExperimentSettings.quick
        if let depths = try parsedDepths() { settings.depths = depths }
        if let epochs { settings.epochs = epochs }
        if let trainSubset { settings.trainSubset = trainSubset }
        if let testSubset { settings.testSubset = testSubset }
        if let batchSize { settings.batchSize = batchSize }
        if let seed { settings.seed = seed }
        if let zeroInitResidual { settings.zeroInitResidual = zeroInitResidual }
        return settings
    }

    func run() throws {
        try Processes.useThreads(threads)
        let settings = try settings()
        // Only rank 0 of an `mpirun` job writes the results (the others print nothing).
        let isRoot = Processes.communicator.isRoot
        let data = try ExperimentData.load(
            self.data, trainSubset: settings.trainSubset, testSubset: settings.testSubset,
            seed: settings.seed)
        let training = NetworkTraining(settings: settings, data: data)
        let milestones = settings.milestones(stepsPerEpoch: training.stepsPerEpoch)
        var report = ExperimentReport(
            command: (["skip-connections"] + CommandLine.arguments.dropFirst())
                .joined(separator: " "),
            settings: settings, stepsPerEpoch: training.stepsPerEpoch, milestones: milestones,
            data: .init(
                root: data.root, classes: data.classNames,
                trainingImages: data.training.count, trainingAvailable: data.trainingAvailable,
                testImages: data.test.count, testAvailable: data.testAvailable),
            networks: [], verdict: Verdict(networks: []))
        print(
            "plain vs residual networks of depths "
                + settings.depths.map(String.init).joined(separator: ", ") + " on "
                + "\(data.training.count) training images (of \(data.trainingAvailable)), test "
                + "error on \(data.test.count) (of \(data.testAvailable)), "
                + "\(data.classNames.count) classes")
        print(
            "\(settings.epochs) epochs of \(training.stepsPerEpoch) steps (batch "
                + "\(settings.batchSize)), SGD momentum \(settings.momentum), weight decay "
                + "\(settings.weightDecay), "
                + (settings.warmupEpochs > 0
                    ? "\(settings.warmupEpochs)-epoch warm-up, " : "")
                + "learning rate \(settings.learningRate) divided by 10 "
                + "after steps " + milestones.map(String.init).joined(separator: " and ")
                + ", seed \(settings.seed); results in \(output)")
        for depth in settings.depths {
            for residual in [false, true] {
                let finished = report.networks
                let network = try training.run(
                    depth: depth, residual: residual,
                    onEpoch: { partial in
                        report.networks = finished + [partial]
                        report.verdict = Verdict(networks: report.networks)
                        if isRoot { try report.write(to: output) }
                    })
                report.networks = finished + [network]
                report.verdict = Verdict(networks: report.networks)
                if isRoot { try report.write(to: output) }
                guard network.complete else {
                    print(
                        "interrupted: \(network.name) stopped after \(network.epochs.count) of "
                            + "\(settings.epochs) epochs; the results so far are in \(output)")
                    throw ExitCode(130)
                }
            }
        }
        print("")
        print(report.summaryTable)
        print(report.verdict.line)
        print("results: \(output)/results.csv, results.json, curves.png, curves.svg, summary.txt")
    }
}

exit(CommandRunner.run(SkipConnectionsTool.self, name: "skip-connections"))
