import Checkpoints
import Datasets
import Foundation
import ImageModels
import Testing

/// The network flags of `mnist train` and `four-class train` end to end on tiny synthesized
/// data: `--layers` into a model file that `evaluate` and `classify` rebuild alone, the
/// variations of a preset and their resume, `--print-layers`, `--architecture mlp`, and the
/// usage errors (exit 2) that say why.
@Suite(.serialized) struct ArchitectureFlagsTests {
    typealias Support = MNISTTestSupport

    /// A synthetic MNIST (600 training images), written once for every test.
    static let data: Result<URL, Error> = Result {
        let folder = try Support.temporaryFolder()
        try Support.writeSyntheticMNIST(to: folder, count: 600)
        return folder
    }

    static let small = "conv 4 3x3 same, relu, maxpool 2, flatten, dense 10"

    private func configuration(of model: String) throws -> ModelDescription.Architecture {
        try SafeTensorsFile(contentsOf: URL(fileURLWithPath: model)).modelDescription()
            .architecture
    }

    @Test func aLayersNetworkTrainsAndIsRebuiltFromItsFile() throws {
        let data = try Self.data.get()
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("layers.safetensors").path
        let train = try Support.run([
            "train", "--data", data.path, "--layers", Self.small, "--epochs", "2",
            "--batch-size", "16", "--output", model,
        ])
        #expect(train.status == 0, "\(train.error)")
        // conv 4·9 + 4 = 40, dense 784·10 + 10 = 7,850.
        #expect(
            train.lines.first?.hasPrefix("training Layers (7890 parameters)") == true,
            "\(train.output)")
        #expect(try #require(Support.accuracy(train)) > 60, "\(train.output)")

        let architecture = try configuration(of: model)
        #expect(architecture.name == "Layers")
        let stored = try architecture.configuration.decode(as: Layers.Configuration.self)
        #expect(stored == Layers.Configuration(layers: Self.small))

        let evaluate = try Support.run(["evaluate", "--model", model, "--data", data.path])
        #expect(evaluate.status == 0, "\(evaluate.error)")
        #expect(Support.accuracy(evaluate) == Support.accuracy(train))

        // A bar in row band 7 (rows 17–18), as the synthetic data draws a 7.
        var image = try Image(width: 28, height: 28, format: .grey)
        for x in 6..<22 { image[x, 17, 0] = 255 }
        let png = folder.appendingPathComponent("seven.png").path
        try image.write(to: png)
        let classify = try ClassifyTestSupport.classify(["--model", model, png])
        #expect(classify.status == 0, "\(classify.error)")
        #expect(ClassifyTestSupport.parse(classify.lines.first ?? "")?.classes.count == 1)

        // The saved run resumes with its network; the same --layers is accepted.
        let resumed = try Support.run([
            "train", "--resume", model + ".checkpoint", "--epochs", "3", "--layers",
            "conv 4 3 same,relu,maxpool 2,flatten,dense 10",
        ])
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(resumed.lines.first == "resuming at epoch 3/3", "\(resumed.output)")
    }

    @Test func variationsOfAPresetTrainAsLayersAndAreRemembered() throws {
        let data = try Self.data.get()
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("leaky.safetensors").path
        let train = try Support.run([
            "train", "--data", data.path, "--architecture", "lenet5", "--activation", "leakyrelu",
            "--pooling", "average", "--epochs", "1", "--batch-size", "32", "--output", model,
        ])
        #expect(train.status == 0, "\(train.error)")
        let stored = try configuration(of: model).configuration.decode(
            as: Layers.Configuration.self)
        #expect(
            stored.layers
                == "conv 6 5x5 padding=2, leakyrelu 0.01, avgpool 2, conv 16 5x5, leakyrelu 0.01, "
                + "avgpool 2, flatten, dense 120, leakyrelu 0.01, dense 84, leakyrelu 0.01, "
                + "dense 10")
        let checkpoint = model + ".checkpoint"
        let same = try Support.run([
            "train", "--resume", checkpoint, "--epochs", "2", "--activation", "leakyrelu",
        ])
        #expect(same.status == 0, "\(same.error)")
        let other = try Support.run([
            "train", "--resume", checkpoint, "--epochs", "3", "--activation", "relu",
        ])
        #expect(other.status == 2)
        #expect(
            other.error.contains("its own network (conv 6 5x5 padding=2, leakyrelu"),
            "\(other.error)")
        #expect(other.error.contains("leave out --activation"))
        // --print-layers on a resume prints the saved network.
        let printed = try Support.run(["train", "--resume", checkpoint, "--print-layers"])
        #expect(printed.status == 0, "\(printed.error)")
        #expect(printed.lines == [stored.layers])
    }

    @Test func printLayersPrintsEveryPresetForLayers() throws {
        for (architecture, expected) in [
            (
                "lenet5",
                "conv 6 5x5 padding=2, relu, maxpool 2, conv 16 5x5, relu, maxpool 2, flatten, "
                    + "dense 120, relu, dense 84, relu, dense 10"
            ),
            (
                "mlp",
                "flatten, dense 512, relu, dropout 0.2, dense 512, relu, dropout 0.2, dense 10"
            ),
            ("mlp-small", "flatten, dense 74, relu, dense 40, relu, dense 10"),
        ] {
            let run = try Support.run([
                "train", "--architecture", architecture, "--print-layers", "--data", "/nowhere",
            ])
            #expect(run.status == 0, "\(run.error)")
            #expect(run.lines == [expected])
            // What it prints is a --layers network that prints the same.
            let again = try Support.run(["train", "--layers", expected, "--print-layers"])
            #expect(again.lines == [expected], "\(again.error)")
        }
        let plain = try Support.run([
            "train", "--architecture", "cnn", "--batch-norm", "off", "--dropout", "0.1",
            "--print-layers",
        ])
        #expect(
            plain.lines.first?.hasPrefix("conv 16 3x3 same, relu, conv 16 3x3 same, relu") == true,
            "\(plain.output)")
        #expect(plain.output.contains("dropout 0.1, dense 128"))
        let help = try Support.run(["train", "--help"])
        #expect(help.output.contains("--layers <SPEC>"))
        #expect(help.output.contains("--print-layers"))
        #expect(help.output.contains("(default: lenet5 none, cnn 0.25, mlp 0.2, mlp-small"))
    }

    /// A preset and its printed layers train alike: the same initial weights, data order and
    /// arithmetic give the same trained weights (under other names) and the same test loss.
    @Test func aPresetAndItsPrintedLayersTrainAlike() throws {
        let data = try Self.data.get()
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let printed = try Support.run(["train", "--architecture", "mlp-small", "--print-layers"])
        let layers = try #require(printed.lines.first)
        var results: [[[Float]]] = []
        var outputs: [String] = []
        for network in [["--architecture", "mlp-small"], ["--layers", layers]] {
            let model = folder.appendingPathComponent("\(results.count).safetensors").path
            let run = try Support.run(
                [
                    "train", "--data", data.path, "--epochs", "1", "--batch-size", "32",
                    "--optimizer", "adam", "--learning-rate", "0.002", "--shift", "1", "--output",
                    model,
                ] + network)
            #expect(run.status == 0, "\(run.error)")
            // The tensors in the order of their values (names differ: classifier.0 and 1).
            results.append(
                try Support.tensors(model).values.sorted {
                    $0.count == $1.count
                        ? $0.lexicographicallyPrecedes($1) : $0.count < $1.count
                })
            outputs.append(run.lines.filter { $0.hasPrefix("test loss") }.joined())
        }
        #expect(results[0] == results[1])
        #expect(outputs[0] == outputs[1] && !outputs[0].isEmpty, "\(outputs)")
    }

    @Test func theTutorialsMLPTrains() throws {
        let data = try Self.data.get()
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("mlp.safetensors").path
        let train = try Support.run([
            "train", "--data", data.path, "--architecture", "mlp", "--epochs", "1", "--output",
            model,
        ])
        #expect(train.status == 0, "\(train.error)")
        #expect(train.lines.first?.hasPrefix("training MLP (669706 parameters)") == true)
        let stored = try configuration(of: model).configuration.decode(as: MLP.Configuration.self)
        #expect(stored.hiddenSizes == [512, 512] && stored.dropout == 0.2)
    }

    /// Each bad combination is a usage error (exit 2) that says why, before any data is read.
    @Test(arguments: [
        (["--architecture", "lenet5", "--dropout", "0.3"], "lenet5 has no dropout layer"),
        (["--architecture", "mlp", "--pooling", "sum"], "mlp has no pooling layer"),
        (["--architecture", "mlp", "--batch-norm", "on"], "no convolution to follow"),
        (["--layers", "conv 8 3y3"], "at character 8 ('3y3')"),
        (["--layers", "conv 8 3x3, dense 10"], "layer 1 (dense 10): dense needs flat features"),
        (["--layers", "flatten, dense 12"], "end the specification with 'dense 10'"),
        (["--layers", "flatten, dense 10", "--architecture", "cnn"], "leave out --architecture"),
        (["--dropout", "1.5"], "--dropout must be in [0, 1)"),
        (["--activation", "swish"], "swish"),
        (["--layers", "flatten, dense 99999, dense 99999, dense 10"], "refused before allocating"),
    ])
    func badCombinationsAreUsageErrors(_ arguments: [String], _ message: String) throws {
        let run = try Support.run(["train", "--data", "/nowhere"] + arguments)
        #expect(run.status == 2, "\(arguments): \(run.output) \(run.error)")
        #expect(run.error.contains(message), "\(run.error)")
    }

    @Test func fourClassTrainsALayersNetwork() throws {
        let data = try FourClassAppTests.data.get()
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("four.safetensors").path
        let layers =
            "conv 8 3x3 same bias=no, batchnorm, relu, maxpool 2, "
            + "residual(conv 16 3x3 same, relu, conv 16 3x3 same), globalavgpool, dense 4"
        let train = try FourClassTestSupport.run([
            "train", "--data", data.path, "--layers", layers, "--epochs", "2", "--batch-size",
            "16", "--validation-split", "16", "--output", model,
        ])
        #expect(train.status == 0, "\(train.error)")
        let stored = try configuration(of: model).configuration.decode(
            as: Layers.Configuration.self)
        #expect(
            stored == Layers.Configuration(layers: layers, inputShape: [3, 32, 32], classCount: 4))
        let evaluate = try FourClassTestSupport.run([
            "evaluate", "--model", model, "--data", data.path,
        ])
        #expect(evaluate.status == 0, "\(evaluate.error)")
        #expect(Support.accuracy(evaluate) == Support.accuracy(train))

        let printed = try FourClassTestSupport.run([
            "train", "--widths", "8,16", "--batch-norm", "off", "--activation", "leakyrelu",
            "--print-layers",
        ])
        #expect(
            printed.lines == [
                "conv 8 3x3 same, leakyrelu 0.01, conv 8 3x3 same, leakyrelu 0.01, maxpool 2, "
                    + "conv 16 3x3 same, leakyrelu 0.01, conv 16 3x3 same, leakyrelu 0.01, "
                    + "maxpool 2, globalavgpool, dropout 0.1, dense 4"
            ], "\(printed.error)")
        let both = try FourClassTestSupport.run(["train", "--layers", layers, "--widths", "8"])
        #expect(both.status == 2 && both.error.contains("leave out --widths"), "\(both.error)")
        let classes = try FourClassTestSupport.run([
            "train", "--classes", "cat,dog,ship", "--layers", layers,
        ])
        #expect(classes.status == 2 && classes.error.contains("'dense 3'"), "\(classes.error)")
    }
}
