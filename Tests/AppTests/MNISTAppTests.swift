import Datasets
import Foundation
import Testing

/// End-to-end tests of the built `mnist` executable: a short training run on a tiny synthetic
/// IDX data set, evaluation of the saved model, resume from the checkpoint, the missing-data
/// message and usage errors; with DATASETS_DIR set, the bundled model on the real test set.
@Suite(.serialized) struct MNISTAppTests {
    typealias Support = ClassifyTestSupport

    /// Writes a synthetic MNIST folder: `count` 28x28 images per split whose label is the row
    /// band (of ten) that holds a bright bar, so a network can learn it in a few steps.
    static func writeSyntheticMNIST(to folder: URL, count: Int) throws {
        var g = SplitMix(seed: 5)
        for (prefix, n) in [("train", count), ("t10k", count / 2)] {
            var pixels = [UInt8](repeating: 0, count: n * 784)
            var labels = [UInt8](repeating: 0, count: n)
            for i in 0..<n {
                let label = Int(g.next() % 10)
                labels[i] = UInt8(label)
                let row = 2 + label * 2 + Int(g.next() % 2)
                for x in 4..<24 { pixels[i * 784 + row * 28 + x] = 255 }
                for _ in 0..<20 { pixels[i * 784 + Int(g.next() % 784)] = UInt8(g.next() % 64) }
            }
            try IDXArray(shape: [n, 28, 28], elements: .uint8(pixels))
                .write(to: folder.appendingPathComponent("\(prefix)-images-idx3-ubyte.gz").path)
            try IDXArray(shape: [n], elements: .uint8(labels))
                .write(to: folder.appendingPathComponent("\(prefix)-labels-idx1-ubyte.gz").path)
        }
    }

    @Test func trainEvaluateAndResumeOnASyntheticDataSet() throws {
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.writeSyntheticMNIST(to: folder, count: 1000)
        let mnist = try Support.executable("mnist")
        let model = folder.appendingPathComponent("m.safetensors").path

        let train = try Support.run(mnist, [
            "train", "--data", folder.path, "--architecture", "lenet5", "--epochs", "2",
            "--learning-rate", "0.003", "--output", model,
        ])
        #expect(train.status == 0, "\(train.error)")
        #expect(train.output.contains("epoch 2/2"))
        #expect(FileManager.default.fileExists(atPath: model + ".checkpoint"))
        let log = try String(contentsOfFile: model + ".log.jsonl", encoding: .utf8)
        #expect(log.split(separator: "\n").count == 2)

        let evaluate = try Support.run(mnist, ["evaluate", "--model", model, "--data", folder.path])
        #expect(evaluate.status == 0, "\(evaluate.error)")
        let last = try #require(evaluate.lines.last)
        #expect(last.hasPrefix("accuracy: "))
        let accuracy = Double(last.dropFirst("accuracy: ".count).dropLast()) ?? 0
        #expect(accuracy > 90, "\(last)")

        // Resuming the finished run for one more epoch continues from epoch 3.
        let resumed = try Support.run(mnist, [
            "train", "--data", folder.path, "--architecture", "lenet5", "--epochs", "3",
            "--learning-rate", "0.003", "--output", model, "--resume", model + ".checkpoint",
        ])
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(resumed.output.contains("resumed from"))
        #expect(resumed.output.contains("epoch 3/3") && !resumed.output.contains("epoch 1/3"))

        // Machine-readable results.
        let json = try Support.run(mnist, ["evaluate", "--model", model, "--data", folder.path,
                                           "--json"])
        #expect(json.status == 0 && json.output.contains("\"accuracy\""))
    }

    @Test func earlyStoppingKeepsTheBestEpoch() throws {
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.writeSyntheticMNIST(to: folder, count: 600)
        let model = folder.appendingPathComponent("p.safetensors").path
        let run = try Support.run(try Support.executable("mnist"), [
            "train", "--data", folder.path, "--architecture", "lenet5", "--epochs", "3",
            "--patience", "1", "--output", model,
        ])
        #expect(run.status == 0, "\(run.error)")
        #expect(FileManager.default.fileExists(atPath: model))
    }

    @Test func missingDataSaysHowToGetIt() throws {
        let run = try Support.run(
            try Support.executable("mnist"), ["train", "--data", "/nonexistent/mnist"])
        #expect(run.status == 1)
        #expect(run.error.contains("/nonexistent/mnist") && run.error.contains("mnist download"))
    }

    @Test func usageErrorsExitWith2() throws {
        let mnist = try Support.executable("mnist")
        #expect(try Support.run(mnist, ["train", "--epochs", "0"]).status == 2)
        #expect(try Support.run(mnist, ["train", "--architecture", "vgg"]).status == 2)
        #expect(try Support.run(mnist, ["frobnicate"]).status == 2)
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["DATASETS_DIR"] != nil))
    func bundledModelOnTheRealTestSet() throws {
        let data = ProcessInfo.processInfo.environment["DATASETS_DIR"]! + "/mnist"
        let run = try Support.run(try Support.executable("mnist"), [
            "evaluate", "--model", Support.bundledModel.path, "--data", data,
        ])
        #expect(run.status == 0, "\(run.error)")
        let last = try #require(run.lines.last)
        let accuracy = Double(last.dropFirst("accuracy: ".count).dropLast()) ?? 0
        #expect(accuracy >= 99.5, "\(last)")
    }
}

/// SplitMix64 for the synthetic data.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
