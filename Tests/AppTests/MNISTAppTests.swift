import Checkpoints
import Datasets
import Foundation
import Testing

/// End-to-end tests of the built `mnist` executable on a tiny synthetic IDX data set: a short
/// training run and evaluation of the saved model, exact resume from an epoch checkpoint and
/// from an interrupted run, early stopping, the missing-data message and usage errors; with
/// DATASETS_DIR set, the bundled model on the real test set.
@Suite(.serialized) struct MNISTAppTests {
    typealias Support = MNISTTestSupport

    /// A synthetic MNIST (600 training images), written once for every test.
    static let data: Result<URL, Error> = Result {
        let folder = try Support.temporaryFolder()
        try Support.writeSyntheticMNIST(to: folder, count: 600)
        return folder
    }

    @Test func trainThenEvaluateTheSavedModel() throws {
        let data = try Self.data.get()
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("m.safetensors").path

        // 4 epochs of 480 images in batches of 8: 240 steps.
        let train = try Support.run([
            "train", "--data", data.path, "--architecture", "lenet5", "--epochs", "4",
            "--batch-size", "8", "--output", model,
        ])
        #expect(train.status == 0, "\(train.error)")
        #expect(train.lines.first?.hasPrefix("training LeNet5") == true, "\(train.output)")
        #expect(train.lines.contains { $0.hasPrefix("epoch 4/4  lr ") })
        #expect(train.error.isEmpty, "no progress bar when stderr is not a terminal")
        #expect(try #require(Support.accuracy(train)) > 90, "\(train.output)")

        // The log: one JSON object per epoch with the documented keys.
        let log = try String(contentsOfFile: model + ".log.jsonl", encoding: .utf8)
        let records = try log.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Double])
        }
        #expect(records.map { $0["epoch"] } == [1, 2, 3, 4])
        #expect(
            Set(records[0].keys) == [
                "epoch", "learning_rate", "train_loss", "train_accuracy", "validation_loss",
                "validation_accuracy", "seconds", "images_per_second",
            ])

        // The model describes itself.
        let description = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: model))
            .modelDescription()
        #expect(description.architecture.name == "LeNet5")
        #expect(description.preprocessing.method == .mnistCentering)
        #expect(description.preprocessing.mean == [0.1307])
        #expect(description.provenance?.seed == 42 && description.provenance?.epochs == 4)
        #expect(description.provenance?.command.hasPrefix("mnist train --data") == true)
        #expect(description.provenance?.metrics["test_accuracy"] != nil)

        let evaluate = try Support.run(["evaluate", "--model", model, "--data", data.path])
        #expect(evaluate.status == 0, "\(evaluate.error)")
        #expect(evaluate.output.contains("true \\ predicted"))
        #expect(evaluate.output.contains("precision"))
        let accuracy = try #require(Support.accuracy(evaluate), "\(evaluate.output)")
        #expect(accuracy == Support.accuracy(train))

        let json = try Support.run(
            [
                "evaluate", "--model", model, "--json",
            ], environment: ["MNIST_DIR": data.path])
        #expect(json.status == 0, "\(json.error)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect(abs((object["accuracy"] as? Double ?? -1) * 100 - accuracy) < 0.006)
        #expect((object["confusion_matrix"] as? [[Int]])?.count == 10)
    }

    /// With a constant learning rate, 2 epochs in one run and 1 epoch extended to 2 with
    /// `--resume` give the same weights bit for bit (batch norm, dropout, shuffling and
    /// augmentation included).
    @Test func resumingAnEpochCheckpointContinuesExactly() throws {
        let data = try Self.data.get()
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let straight = folder.appendingPathComponent("straight.safetensors").path
        let resumed = folder.appendingPathComponent("resumed.safetensors").path
        let common = [
            "train", "--data", data.path, "--architecture", "cnn", "--train-subset", "240",
            "--batch-size", "16", "--seed", "3", "--schedule", "constant",
            "--learning-rate", "0.002",
        ]
        let full = try Support.run(common + ["--epochs", "2", "--output", straight])
        #expect(full.status == 0, "\(full.error)")
        let first = try Support.run(common + ["--epochs", "1", "--output", resumed])
        #expect(first.status == 0, "\(first.error)")
        let second = try Support.run([
            "train", "--data", data.path, "--epochs", "2", "--output", resumed,
            "--resume", resumed + ".checkpoint",
        ])
        #expect(second.status == 0, "\(second.error)")
        #expect(second.lines.first == "resuming at epoch 2/2", "\(second.output)")
        #expect(!second.output.contains("epoch 1/2"))
        let log = try String(contentsOfFile: resumed + ".log.jsonl", encoding: .utf8)
        #expect(log.split(separator: "\n").count == 2, "the log holds both epochs")
        let expected = try Support.tensors(straight)
        #expect(!expected.isEmpty)
        #expect(try Support.tensors(resumed) == expected)
    }

    /// Ctrl-C stops after the current batch and saves the exact position; `--resume`
    /// finishes the run with the same weights as an uninterrupted one.
    @Test func anInterruptedRunResumesExactly() throws {
        let data = try Self.data.get()
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let straight = folder.appendingPathComponent("straight.safetensors").path
        let resumed = folder.appendingPathComponent("resumed.safetensors").path
        let common = [
            "train", "--data", data.path, "--architecture", "cnn", "--batch-size", "8",
            "--epochs", "3", "--seed", "5",
        ]
        let full = try Support.run(common + ["--output", straight])
        #expect(full.status == 0, "\(full.error)")

        let plot = folder.appendingPathComponent("curves.png").path
        let stopped = try Support.run(
            common + ["--output", resumed, "--plot", plot], interruptAfter: "epoch 1/3")
        #expect(stopped.status == 130, "\(stopped.output)\(stopped.error)")
        #expect(
            stopped.lines.last?.hasPrefix("interrupted at epoch 2, batch ") == true,
            "\(stopped.output)")
        #expect(!FileManager.default.fileExists(atPath: resumed), "no model from a stopped run")

        // Starting again over the unfinished run is refused, naming the way to continue it.
        let again = try Support.run(common + ["--output", resumed])
        #expect(again.status == 1)
        #expect(
            again.error.contains("holds an unfinished run: continue it with --resume "),
            "\(again.error)")

        // The checkpoint remembers the data folder, the model file, the log and the plot.
        try FileManager.default.removeItem(atPath: plot)
        let rest = try Support.run(["train", "--resume", resumed + ".checkpoint"])
        #expect(rest.status == 0, "\(rest.error)")
        #expect(rest.output.contains("saved \(resumed) "), "\(rest.output)")
        #expect(FileManager.default.fileExists(atPath: plot), "the plot is redrawn")
        let log = try String(contentsOfFile: resumed + ".log.jsonl", encoding: .utf8)
        #expect(log.split(separator: "\n").count == 3, "the log holds all three epochs")
        #expect(
            rest.lines.first?.hasPrefix("resuming at epoch 2/3, batch ") == true,
            "\(rest.output)")
        let expected = try Support.tensors(straight)
        #expect(try Support.tensors(resumed) == expected)
        #expect(Support.accuracy(rest) == Support.accuracy(full))
    }

    @Test func earlyStoppingEndsTheRunAndKeepsTheBestWeights() throws {
        let data = try Self.data.get()
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("p.safetensors").path
        // Steps of 1e-30 leave LeNet-5's weights (no batch norm, no dropout) unchanged, so
        // the validation loss never improves after the first epoch.
        let run = try Support.run([
            "train", "--data", data.path, "--architecture", "lenet5", "--epochs", "6",
            "--patience", "1", "--optimizer", "sgd", "--learning-rate", "1e-30",
            "--schedule", "constant", "--output", model,
        ])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.lines.contains { $0.hasPrefix("epoch 2/6") })
        #expect(!run.lines.contains { $0.hasPrefix("epoch 3/6") }, "\(run.output)")
        #expect(run.output.contains("early stopping: restored the weights of epoch 1"))
        let description = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: model))
            .modelDescription()
        #expect(description.provenance?.epochs == 2)
    }

    @Test func missingDataSaysWhereItLookedAndHowToGetIt() throws {
        let run = try Support.run(["train", "--data", "/nonexistent/mnist"])
        #expect(run.status == 1)
        #expect(run.error.contains("/nonexistent/mnist"), "\(run.error)")
        #expect(run.error.contains("mnist download --to /nonexistent/mnist"))

        let fromEnvironment = try Support.run(
            ["evaluate", "--model", "any.safetensors"],
            environment: ["MNIST_DIR": "/nonexistent/env-mnist"])
        #expect(fromEnvironment.status == 1)
        #expect(
            fromEnvironment.error.contains("/nonexistent/env-mnist"),
            "\(fromEnvironment.error)")
        #expect(fromEnvironment.error.contains("$MNIST_DIR"))

        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = try Support.run(
            ["train"], environment: ["MNIST_DIR": folder.path])
        #expect(empty.status == 1)
        #expect(
            empty.error.contains(folder.path) && empty.error.contains("mnist download"),
            "\(empty.error)")
    }

    @Test func badInputsExitWith1AndUsageErrorsWith2() throws {
        let data = try Self.data.get()
        for arguments in [
            ["train", "--epochs", "0"], ["train", "--architecture", "vgg"],
            ["train", "--optimizer", "lbfgs"], ["train", "--learning-rate", "-1"],
            ["train", "--validation-split", "-3"], ["evaluate"], ["frobnicate"],
            // Counts so large that a product of them would overflow.
            ["train", "--epochs", "9223372036854775807"],
            ["train", "--batch-size", "9223372036854775807"],
            ["train", "--validation-split", "1e19"],
            ["train", "--patience", "9223372036854775807"],
        ] {
            let run = try Support.run(arguments)
            #expect(run.status == 2, "\(arguments): \(run.error)")
            #expect(!run.error.isEmpty, "\(arguments)")
        }
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let garbage = folder.appendingPathComponent("garbage.safetensors")
        try Data("not a model".utf8).write(to: garbage)
        let bad = try Support.run(["evaluate", "--model", garbage.path, "--data", data.path])
        #expect(bad.status == 1)
        #expect(bad.error.contains(garbage.path), "\(bad.error)")
        let badResume = try Support.run([
            "train", "--data", data.path, "--resume", garbage.path,
        ])
        #expect(badResume.status == 1)
        #expect(badResume.error.contains(garbage.path), "\(badResume.error)")
        #expect(try Support.run(["--help"]).status == 0)

        // A set of 1x1 images is refused with the folder named, before any training.
        let tiny = folder.appendingPathComponent("tiny")
        try FileManager.default.createDirectory(at: tiny, withIntermediateDirectories: true)
        for prefix in ["train", "t10k"] {
            try IDXArray(shape: [3, 1, 1], elements: .uint8([1, 2, 3]))
                .write(to: tiny.appendingPathComponent("\(prefix)-images-idx3-ubyte.gz").path)
            try IDXArray(shape: [3], elements: .uint8([1, 2, 3]))
                .write(to: tiny.appendingPathComponent("\(prefix)-labels-idx1-ubyte.gz").path)
        }
        let small = try Support.run([
            "train", "--data", tiny.path, "--output", folder.path + "/tiny.safetensors",
        ])
        #expect(small.status == 1)
        #expect(small.error.contains(tiny.path) && small.error.contains("1x1"), "\(small.error)")
    }

    @Test func aNewRunDoesNotReplaceAnEarlierOneWithoutOverwrite() throws {
        let data = try Self.data.get()
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("m.safetensors").path
        let arguments = [
            "train", "--data", data.path, "--architecture", "lenet5", "--epochs", "1",
            "--train-subset", "100", "--output", model,
        ]
        let first = try Support.run(arguments)
        #expect(first.status == 0, "\(first.error)")
        let before = try Data(contentsOf: URL(fileURLWithPath: model))
        let refused = try Support.run(arguments + ["--seed", "9"])
        #expect(refused.status == 1)
        #expect(refused.error.contains("\(model) is from an earlier run"), "\(refused.error)")
        #expect(refused.error.contains("--overwrite"), "\(refused.error)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: model)) == before, "left as it was")
        let replaced = try Support.run(arguments + ["--seed", "9", "--overwrite"])
        #expect(replaced.status == 0, "\(replaced.error)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: model)) != before)
    }

    @Test func resumingRefusesFlagsThatChangeTheRun() throws {
        let data = try Self.data.get()
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("r.safetensors").path
        let first = try Support.run([
            "train", "--data", data.path, "--architecture", "lenet5", "--epochs", "1",
            "--train-subset", "100", "--output", model,
        ])
        #expect(first.status == 0, "\(first.error)")
        let changed = try Support.run([
            "train", "--data", data.path, "--resume", model + ".checkpoint",
            "--learning-rate", "0.1", "--output", model,
        ])
        #expect(changed.status == 2)
        #expect(changed.error.contains("--learning-rate"), "\(changed.error)")
        let otherArchitecture = try Support.run([
            "train", "--data", data.path, "--resume", model + ".checkpoint",
            "--architecture", "cnn", "--output", model,
        ])
        #expect(otherArchitecture.status == 2, "\(otherArchitecture.error)")
    }

    /// The bundled model, evaluated on the real MNIST test set.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["DATASETS_DIR"] != nil))
    func bundledModelReaches99Point5PercentOnTheRealTestSet() throws {
        let data = ProcessInfo.processInfo.environment["DATASETS_DIR"]! + "/mnist"
        let model = ClassifyTestSupport.bundledModel
        let run = try Support.run(["evaluate", "--model", model.path, "--data", data])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains("images: 10000"))
        let accuracy = try #require(Support.accuracy(run), "\(run.output)")
        #expect(accuracy >= 99.5)
    }
}
