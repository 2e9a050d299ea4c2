import AppSupport
import ArgumentParser
import CheckpointedTraining
import Checkpoints
import Datasets
import Foundation
import NeuralNet
import TensorMath
import Testing

/// Unit tests of the AppSupport pieces the `mnist` app is made of (and `four-class` reuses):
/// data location, validation split, subsets, training options and configuration, the epoch
/// log record, the progress bar's text, and the evaluation report on a hand-built model.
@Suite struct MNISTTrainingSupportTests {
    @Test func dataLocationPrefersTheFlagThenTheEnvironmentThenTheDefault() throws {
        let environment = ["MNIST_DIR": "/from/env"]
        let flag = DataLocation(
            flag: "/from/flag", environmentVariable: "MNIST_DIR", defaultPath: "data/mnist",
            environment: environment)
        #expect(flag.path == "/from/flag" && flag.source == "--data")
        let env = DataLocation(
            flag: nil, environmentVariable: "MNIST_DIR", defaultPath: "data/mnist",
            environment: environment)
        #expect(env.path == "/from/env" && env.source == "$MNIST_DIR")
        let fallback = DataLocation(
            flag: "", environmentVariable: "MNIST_DIR", defaultPath: "data/mnist",
            environment: ["MNIST_DIR": ""])
        #expect(fallback.path == "data/mnist" && fallback.source == "default")

        let missing = DataLocation(
            flag: "/nonexistent/mnist", environmentVariable: "MNIST_DIR",
            defaultPath: "data/mnist", environment: [:])
        #expect(!missing.exists)
        let error = try #require(throws: AppError.self) {
            try missing.requireExisting(dataset: "MNIST", howToGet: "mnist download")
        }
        #expect(error.description.contains("/nonexistent/mnist"))
        #expect(error.description.contains("`mnist download`"))
        #expect(error.description.contains("$MNIST_DIR"))
    }

    @Test func validationSplitIsSeededDisjointAndComplete() {
        let a = ValidationSplit(count: 1000, validationCount: 100, seed: 7)
        let b = ValidationSplit(count: 1000, validationCount: 100, seed: 7)
        let c = ValidationSplit(count: 1000, validationCount: 100, seed: 8)
        #expect(a.validationIndices == b.validationIndices)
        #expect(a.validationIndices != c.validationIndices)
        #expect(a.validationIndices.count == 100 && a.trainingIndices.count == 900)
        #expect(Set(a.validationIndices).isDisjoint(with: a.trainingIndices))
        #expect(Set(a.validationIndices + a.trainingIndices) == Set(0..<1000))
        // Not simply the first or last samples.
        #expect(a.validationIndices != Array(0..<100) && a.validationIndices != Array(900..<1000))
        #expect(ValidationSplit(count: 5, validationCount: 9, seed: 1).trainingIndices.isEmpty)
    }

    @Test func validationSplitValuesAreFractionsOrCounts() {
        #expect(ValidationSplit.validationCount(0.1, of: 60000) == 6000)
        #expect(ValidationSplit.validationCount(5000, of: 60000) == 5000)
        #expect(ValidationSplit.validationCount(5000, of: 300) == 300)
        #expect(ValidationSplit.validationCount(0, of: 300) == 0)
    }

    @Test func subsetSourceViewsTheChosenSamples() throws {
        let dataset = try Self.stripes(count: 6)
        let subset = try SubsetSource(dataset, indices: [4, 1])
        #expect(subset.count == 2)
        #expect(subset.label(at: 0) == dataset.label(at: 4))
        #expect(try subset.image(at: 1) == dataset.image(at: 1))
        #expect(throws: AppError.self) { try SubsetSource(dataset, indices: [6]) }
    }

    @Test func trainingOptionsFillDefaultsAndGuardResumedRuns() throws {
        let defaults = TrainingSettings(
            epochs: 15, batchSize: 128, optimizer: .adamw, learningRate: 0.003, shift: 2)
        let architecture = ModelDescription.Architecture(name: "cnn")
        let options = try TrainingOptions.parse(["--epochs", "4", "--seed", "18446744073709551615"])
        let configuration = try options.configuration(
            architecture: architecture, defaults: defaults, trainingCount: 60000)
        #expect(configuration.epochs == 4)
        #expect(configuration.batchSize == 128 && configuration.optimizer == .adamw)
        #expect(configuration.shift == 2 && configuration.patience == 0)
        #expect(configuration.validationCount == 5000)
        #expect(configuration.seed == UInt64.max)
        // The cosine schedule warms up for one epoch of 432 steps, then decays to 1%.
        let steps = (55000 + 127) / 128
        #expect(configuration.schedule == .cosine)
        #expect(configuration.learningRates.learningRate(at: 0) == 0.0003)
        #expect(abs(configuration.learningRates.learningRate(at: steps) - 0.003) < 1e-7)
        #expect(abs(configuration.learningRates.learningRate(at: 4 * steps) - 0.00003) < 1e-7)

        // A small subset holds out at most a fifth by default.
        let small = try TrainingOptions.parse(["--train-subset", "1000"]).configuration(
            architecture: architecture, defaults: defaults, trainingCount: 60000)
        #expect(small.trainSubset == 1000 && small.validationCount == 200)

        // The configuration survives its JSON form, the 64-bit seed included.
        let json = try JSONValue(encoding: configuration)
        #expect(json["settings"]?["seed"] == "18446744073709551615")
        #expect(try json.decode(as: TrainingConfiguration.self) == configuration)

        // Resuming: --epochs may extend the run; other differing flags are refused.
        let extended = try TrainingOptions.parse(["--epochs", "6"])
            .resumedConfiguration(stored: configuration, finishedEpochs: 4)
        #expect(extended.epochs == 6 && extended.learningRates == configuration.learningRates)
        let refusal = try #require(throws: ValidationError.self) {
            try TrainingOptions.parse(["--learning-rate", "0.1", "--train-subset", "100"])
                .resumedConfiguration(stored: configuration, finishedEpochs: 4)
        }
        #expect(
            refusal.message.hasSuffix(
                "Leave out: --learning-rate 0.1 (saved 0.003), --train-subset 100 (saved none)"))
        #expect(throws: ValidationError.self) {
            try TrainingOptions.parse(["--epochs", "3"])
                .resumedConfiguration(stored: configuration, finishedEpochs: 4)
        }
        // Repeating the stored values is allowed.
        #expect(throws: Never.self) {
            try TrainingOptions.parse(
                ["--batch-size", "128", "--optimizer", "adamw", "--schedule", "cosine"])
                .resumedConfiguration(stored: configuration, finishedEpochs: 4)
        }
        #expect(throws: (any Error).self) { try TrainingOptions.parse(["--epochs", "0"]) }
        #expect(throws: (any Error).self) { try TrainingOptions.parse(["--shift", "-1"]) }
    }

    @Test func epochLogRecordsHaveTheDocumentedKeys() throws {
        let summary = EpochSummary(
            epoch: 2, trainingLoss: 0.5, trainingAccuracy: 0.75, validationLoss: 0.25,
            validationAccuracy: 0.875, learningRate: 0.5, samples: 1000, seconds: 4)
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("MNISTTrainingSupportTests-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("log.jsonl").path
        let log = try JSONLinesLog(path: path)
        try log.append(EpochLogRecord(summary))
        try log.append(EpochLogRecord(summary))
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Double])
        #expect(
            object == [
                "epoch": 3, "learning_rate": 0.5, "train_loss": 0.5, "train_accuracy": 0.75,
                "validation_loss": 0.25, "validation_accuracy": 0.875, "seconds": 4,
                "images_per_second": 250,
            ])
        // A fresh run empties the log.
        _ = try JSONLinesLog(path: path, truncate: true)
        #expect(try String(contentsOfFile: path, encoding: .utf8).isEmpty)
    }

    @Test func logsAreWrittenToRegularFilesOnly() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("MNISTTrainingSupportTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("log.jsonl").path
        #expect(mkfifo(fifo, 0o600) == 0)
        for path in [fifo, "/dev/full", folder.path] {
            #expect {
                try JSONLinesLog(path: path, truncate: true)
            } throws: { error in
                "\(error)".contains(path) && "\(error)".contains("not a regular file")
            }
        }
    }

    @Test func runFilesAreCheckedBeforeTraining() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("MNISTTrainingSupportTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func error(_ flags: [String]) -> String {
            do {
                _ = try RunFiles(
                    options: TrainingOptions.parse(flags), data: nil, defaultOutput: "m",
                    saved: nil)
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        let model = folder.appendingPathComponent("model.safetensors").path
        #expect(error(["--output", model]) == "accepted")
        #expect(error(["--output", model, "--log", folder.path + "/new/log.jsonl"]) == "accepted")
        let outputFolder = error(["--output", folder.path])
        #expect(outputFolder.contains("\(folder.path) (--output) is not a regular file"))
        let device = error(["--output", model, "--checkpoint", "/dev/full"])
        #expect(device.contains("/dev/full (--checkpoint) is not a regular file"))
        let missing = error(["--output", folder.path + "/no/such/folder/m.safetensors"])
        #expect(missing.contains("the folder \(folder.path)/no/such/folder of"), "\(missing)")
    }

    @Test func progressBarTextShowsTheStatusAndTimeLeft() {
        let bar = ProgressBar(total: 8, label: "epoch 1/2", columns: 80, enabled: false)
        let line = bar.line(step: 2, status: "loss 0.5000", elapsed: 30)
        let bar30 = String(repeating: "█", count: 7) + String(repeating: "·", count: 23)
        #expect(line == "epoch 1/2 \(bar30) 2/8 loss 0.5000 0:30 ETA 1:30")
        #expect(ProgressBar.duration(3725) == "1:02:05")
        #expect(ProgressBar.duration(.infinity) == "0:00")
    }

    /// The bar of a real training run never wraps: at 80, 60 and 40 columns every line is
    /// shorter than the terminal, and it shows the step, the epoch's and the run's time left.
    @Test func progressBarFitsTheTerminal() {
        let status = "loss 0.0312 acc 99.01% 2384 img/s"  // ProgressBar.status's form
        for columns in [120, 80, 60, 40, 10] {
            let bar = ProgressBar(
                total: 430, label: "epoch 3/15", columns: columns, remainingEpochs: 12,
                enabled: false)
            let line = bar.line(step: 120, status: status, elapsed: 51)
            #expect(line.count <= columns - 1, "\(columns): \(line)")
            let full = " 120/430 loss 0.0312 acc 99.01% 2384 img/s 0:51 ETA 2:12 run 38:45"
            switch columns {
            case 120: #expect(line.contains("█") && line.hasSuffix(full), "\(line)")
            case 80:
                // No room for the elapsed time beside a bar: the step, the status and both
                // times left stay.
                #expect(line.contains("█"), "\(line)")
                #expect(
                    line.hasSuffix(" 120/430 loss 0.0312 acc 99.01% 2384 img/s ETA 2:12 run 38:45"),
                    "\(line)")
            default: #expect(line.hasPrefix("epoch 3/15".prefix(columns - 1)), "\(line)")
            }
        }
    }

    /// A two-class model on 2x2 grey images: class 0 sums the left column, class 1 the right.
    @Test func evaluationReportCountsAndScoresAHandBuiltModel() throws {
        let linear = try Linear(
            weight: Tensor(shape: [2, 4], scalars: [1, 0, 1, 0, 0, 1, 0, 1]), bias: nil)
        let model = Sequential(Flatten(), linear)
        let left: [UInt8] = [255, 0, 255, 0], right: [UInt8] = [0, 255, 0, 255]
        let images = try [left, left, left, left, right, right].map {
            try Image(width: 2, height: 2, format: .grey, pixels: $0)
        }
        let data = try InMemoryImageDataset(
            images: images, labels: [0, 0, 0, 1, 1, 1], classNames: ["left", "right"])
        let report = try EvaluationReport(
            model: model, data: data, normalization: .unit, classNames: ["left", "right"],
            modelPath: "hand-built", batchSize: 4)
        #expect(report.images == 6)
        #expect(report.confusionMatrix == [[3, 0], [1, 2]])
        #expect(abs(report.accuracy - 5.0 / 6) < 1e-12)
        #expect(abs(report.classes[0].precision - 0.75) < 1e-12)
        #expect(abs(report.classes[1].recall - 2.0 / 3) < 1e-12)
        // Scores 2 and 0: five samples lose log(1 + e^-2), the wrong one 2 more.
        #expect(abs(report.loss - (log(1 + exp(-2.0)) + 2.0 / 6)) < 1e-6)
        #expect(report.text.split(separator: "\n").last == "accuracy: 83.33%")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(report.jsonText().utf8))
                as? [String: Any])
        #expect(json["confusion_matrix"] as? [[Int]] == [[3, 0], [1, 2]])
        #expect(json["images"] as? Int == 6)
        #expect((json["classes"] as? [[String: Any]])?.count == 2)

        // A model with the wrong number of outputs is a clear error, not a trap.
        #expect(throws: AppError.self) {
            try EvaluationReport(
                model: model, data: data, normalization: .unit, classNames: ["a", "b", "c"],
                modelPath: "hand-built")
        }
    }

    /// `count` 4x4 grey images alternating between two classes.
    @Test func savedRunsOfAnotherFormatOrWithoutASessionAreClearErrors() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("SavedRunTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // Format 1: the trainer's state under extras.trainer, the configuration as JSON text.
        let formatOne = folder.appendingPathComponent("old.checkpoint").path
        let state = #"""
            {"epoch":1,"extras":{"session":"{}","trainer":{"optimizer":\#
            {"learningRate":0.5,"optimizer":"SGD","stepCount":3},"trainer":{"batchCursor":0,\#
            "epoch":1,"epochCorrect":0,"epochLossSum":0,"epochSamples":0,"epochSeconds":0,\#
            "globalStep":3,"history":[]}}},"generators":{}}
            """#
        try SafeTensorsFile.write(
            ["model.w": Tensor([1])],
            metadata: [TrainingCheckpoint.MetadataKey.formatOneState: state],
            to: URL(fileURLWithPath: formatOne))
        let old = try #require(throws: AppError.self) { try SavedRun(path: formatOne) }
        #expect(old.description.contains("\(formatOne) is a training checkpoint of format 1"))

        // Format 2, written by a library user without a session configuration.
        let bare = folder.appendingPathComponent("bare.checkpoint")
        var generator = Xoshiro256(seed: 1)
        let model = Sequential(try Linear(inputSize: 2, outputSize: 2, generator: &generator))
        try Trainer(model: model, optimizer: try SGD(model, learningRate: 0.1))
            .saveCheckpoint(to: bare)
        let missing = try #require(throws: AppError.self) { try SavedRun(path: bare.path) }
        #expect(missing.description.contains("without a session configuration"))

        let notThere = try #require(throws: AppError.self) {
            try SavedRun(path: folder.appendingPathComponent("none").path)
        }
        #expect(notThere.description.contains("cannot read the checkpoint"))
    }

    static func stripes(count: Int) throws -> InMemoryImageDataset {
        let images = try (0..<count).map { i in
            try Image(width: 4, height: 4, format: .grey, filledWith: UInt8(i * 40))
        }
        return try InMemoryImageDataset(
            images: images, labels: (0..<count).map { $0 % 2 }, classNames: ["a", "b"])
    }
}
