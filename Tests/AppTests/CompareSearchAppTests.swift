import Foundation
import Testing

/// End-to-end tests of the knobs, `mnist compare` and `mnist search` on a tiny synthetic
/// MNIST (the built executable, small LeNet-5 runs of one or two epochs).
@Suite(.serialized) struct CompareSearchAppTests {
    typealias Support = MNISTTestSupport

    /// A synthetic MNIST (300 training images), written once for every test.
    static let data: Result<URL, Error> = Result {
        let folder = try Support.temporaryFolder()
        try Support.writeSyntheticMNIST(to: folder, count: 300)
        return folder
    }

    /// The flags of every small run: LeNet-5 on the first 120 images (100 trained on in
    /// batches of 25, 20 held out).
    static let small = [
        "--architecture", "lenet5", "--train-subset", "120", "--validation-split", "20",
        "--batch-size", "25",
    ]

    func run(_ arguments: [String]) throws -> Support.Run {
        try Support.run(arguments, environment: ["MNIST_DIR": try Self.data.get().path])
    }

    func jsonLines(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func theKnobsReachTheRunItsLogAndItsCheckpoint() throws {
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("m.safetensors").path
        let train = try run(
            ["train"] + Self.small + [
                "--epochs", "3", "--optimizer", "momentum", "--momentum", "0.5",
                "--learning-rate", "0.04", "--schedule", "step", "--step-size", "1", "--gamma",
                "0.5", "--loss", "squared-error", "--output", model,
            ])
        #expect(train.status == 0, "\(train.error)")
        let rates = try jsonLines(model + ".log.jsonl").map { $0["learning_rate"] as? Double }
        let expected = [0.04, 0.02, 0.01]
        #expect(rates.count == 3)
        for (rate, value) in zip(rates, expected) { #expect(abs((rate ?? 0) - value) < 1e-7) }
        // The squared error of 10 softmax outputs is at most 1 per image.
        let losses = try jsonLines(model + ".log.jsonl").compactMap { $0["train_loss"] as? Double }
        #expect(losses.allSatisfy { $0 > 0 && $0 <= 1 }, "\(losses)")

        // Resuming remembers the knobs: a changed one is refused, the same is accepted.
        let changed = try run(["train", "--resume", model + ".checkpoint", "--momentum", "0.9"])
        #expect(changed.status == 2)
        #expect(changed.error.contains("--momentum 0.9 (saved 0.5)"), "\(changed.error)")
        let same = try run(
            ["train", "--resume", model + ".checkpoint", "--gamma", "0.5", "--epochs", "4"])
        #expect(same.status == 0, "\(same.error)")
        // The step schedule goes on: the fourth epoch's rate is 0.04 · 0.5³.
        let resumed = try jsonLines(model + ".log.jsonl").map { $0["learning_rate"] as? Double }
        #expect(resumed.count == 4)
        #expect(abs((resumed.last.flatMap { $0 } ?? 0) - 0.005) < 1e-7, "\(resumed)")
    }

    @Test func badCombinationsExitWith2AndSayWhy() throws {
        let bad = try run(["train", "--optimizer", "adam", "--momentum", "0.9"])
        #expect(bad.status == 2)
        #expect(bad.error.contains("--momentum is for --optimizer momentum, nesterov or rmsprop"))
        let compare = try run(["compare", "--epochs", "1"])
        #expect(compare.status == 2 && compare.error.contains("--vary"), "\(compare.error)")
        let varied = try run(["compare", "--vary", "optimizer=sgd,adam", "--optimizer", "adam"])
        #expect(varied.status == 2 && varied.error.contains("--optimizer is varied"))
        // A variant whose flags do not go together stops the comparison before any training.
        let combination = try run(
            ["compare", "--vary", "optimizer=momentum,adam", "--momentum", "0.5"] + Self.small)
        #expect(combination.status == 2, "\(combination.error)")
        #expect(combination.error.contains("this run uses --optimizer adam"))
        #expect(!combination.output.contains("epoch 1/"))
        let unknown = try run(["compare", "--vary", "optimiser=sgd,adam"])
        #expect(unknown.status == 2, "\(unknown.error)")
        // Missing data ends a search (exit 1) instead of failing every trial into the log.
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = try Support.run(
            ["search", "--grid", "learning-rate=0.1,0.01", "--data", folder.path + "/none"]
                + ["--output-dir", folder.path + "/s"])
        #expect(missing.status == 1 && missing.error.contains("no MNIST data set"))
        let log = try? String(contentsOfFile: folder.path + "/s/trials.jsonl", encoding: .utf8)
        #expect((log ?? "").isEmpty, "no trial is logged")
        let search = try run(["search", "--random", "3"])
        #expect(search.status == 2 && search.error.contains("--range"), "\(search.error)")
        let range = try run(["search", "--random", "3", "--range", "learning-rate=0..1:log"])
        #expect(range.status == 2 && range.error.contains(":log range"), "\(range.error)")
    }

    @Test func compareTrainsEachVariantFromTheSameWeightsAndWritesItsFiles() throws {
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("cmp").path
        let compare = try run(
            ["compare", "--vary", "optimizer=sgd,adam", "--vary", "seed=1,2"] + Self.small + [
                "--epochs", "2", "--output-dir", output,
            ])
        #expect(compare.status == 0, "\(compare.error)")
        for suffix in ["txt", "csv", "json", "png", "svg"] {
            #expect(FileManager.default.fileExists(atPath: output + "/comparison." + suffix))
        }
        #expect(
            FileManager.default.fileExists(atPath: output + "/optimizer-adam_seed-2.safetensors"))
        let table = try String(contentsOfFile: output + "/comparison.txt", encoding: .utf8)
        #expect(table.contains("best val acc") && table.contains("optimizer=adam seed=2"))
        let json = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: output + "/comparison.json")))
                as? [String: Any])
        let runs = try #require(json["runs"] as? [[String: Any]])
        #expect(
            runs.map { $0["name"] as? String } == [
                "optimizer=sgd seed=1", "optimizer=sgd seed=2", "optimizer=adam seed=1",
                "optimizer=adam seed=2",
            ])
        let weights = runs.map { $0["initial_weights"] as? String ?? "" }
        #expect(weights[0] == weights[2] && weights[1] == weights[3], "same seed, same weights")
        #expect(weights[0] != weights[1], "another seed, other weights")
        #expect(runs.allSatisfy { ($0["history"] as? [Any])?.count == 2 })
        #expect(runs.allSatisfy { $0["parameters"] as? Int == 61706 })
        let csv = try String(contentsOfFile: output + "/comparison.csv", encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 1 + 4 * 2)
        // The variants differ by their optimizer only: the same data order and weights make
        // SGD and Adam's first losses differ, and the two SGD runs of one seed would agree.
        #expect(compare.output.contains("[optimizer=sgd seed=1] epoch 2/2"))
    }

    /// `relu` keeps the LeNet5 preset, `tanh` makes it a `Layers` network with other parameter
    /// names: both start from the same weights, and the table says so.
    @Test func aVariedPresetStartsFromThePresetsWeights() throws {
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("cmp").path
        let compare = try run(
            ["compare", "--vary", "activation=relu,tanh"] + Self.small + [
                "--epochs", "1", "--output-dir", output,
            ])
        #expect(compare.status == 0, "\(compare.error)")
        let json = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: output + "/comparison.json")))
                as? [String: Any])
        let weights = try #require(json["runs"] as? [[String: Any]])
            .map { $0["initial_weights"] as? String ?? "" }
        #expect(weights.count == 2 && weights[0] == weights[1] && !weights[0].isEmpty)
    }

    @Test func gridSearchLogsEveryTrialAndAResumedSearchRunsOnlyTheRest() throws {
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("grid").path
        let command =
            ["search", "--grid", "learning-rate=0.01,0.003; batch-size=20,25"]
            + Self.small
            .filter { $0 != "--batch-size" && $0 != "25" } + [
                "--epochs", "1", "--output-dir", output,
            ]
        let first = try run(command)
        #expect(first.status == 0, "\(first.error)")
        let log = output + "/trials.jsonl"
        let trials = try jsonLines(log)
        #expect(trials.count == 4)
        #expect(first.output.contains("best: trial "))
        let best = try #require(first.lines.first { $0.hasPrefix("  mnist train ") })
        #expect(best.contains("--learning-rate ") && best.contains("--batch-size "))
        for file in ["search.txt", "search.png", "search.svg"] {
            #expect(FileManager.default.fileExists(atPath: output + "/" + file))
        }

        // An interrupted search: only two trials logged. The same command runs the other two.
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        try (lines.prefix(2).joined(separator: "\n") + "\n").write(
            toFile: log, atomically: true, encoding: .utf8)
        let second = try run(command)
        #expect(second.status == 0, "\(second.error)")
        #expect(second.output.contains("2 done before, skipped"))
        #expect(!second.output.contains("[trial 0:") && !second.output.contains("[trial 1:"))
        #expect(second.output.contains("[trial 2:") && second.output.contains("[trial 3:"))
        #expect(try jsonLines(log).count == 4)
        // Another search in the same folder is refused.
        let other = try run(
            ["search", "--grid", "learning-rate=0.1"] + Self.small + ["--output-dir", output])
        #expect(other.status == 1 && other.error.contains("holds another search"))
    }

    @Test func randomSearchIsSeededAndResumable() throws {
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("random").path
        let command =
            [
                "search", "--random", "3", "--range", "learning-rate=1e-3..3e-2:log",
                "--search-seed", "7",
            ] + Self.small + ["--epochs", "1", "--output-dir", output]
        let first = try run(command)
        #expect(first.status == 0, "\(first.error)")
        let log = output + "/trials.jsonl"
        let rates = try jsonLines(log).map { record -> Double in
            let trial = record["trial"] as? [String: Any]
            let entries =
                (trial?["hyperparameters"] as? [String: Any])?["entries"] as? [[String: Any]]
            return entries?.first?["value"] as? Double ?? -1
        }
        #expect(rates.count == 3 && rates.allSatisfy { $0 >= 1e-3 && $0 <= 3e-2 }, "\(rates)")
        #expect(Set(rates).count == 3)

        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        try (lines.prefix(2).joined(separator: "\n") + "\n").write(
            toFile: log, atomically: true, encoding: .utf8)
        let second = try run(command)
        #expect(second.status == 0, "\(second.error)")
        #expect(second.output.contains("[trial 2:") && !second.output.contains("[trial 0:"))
        let again = try jsonLines(log).map { record -> Double in
            let trial = record["trial"] as? [String: Any]
            let entries =
                (trial?["hyperparameters"] as? [String: Any])?["entries"] as? [[String: Any]]
            return entries?.first?["value"] as? Double ?? -1
        }
        #expect(again == rates, "the same seed samples the same rates")
    }
}
