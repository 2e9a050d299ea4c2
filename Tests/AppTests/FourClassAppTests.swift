import Checkpoints
import Datasets
import Foundation
import Testing

/// End-to-end tests of the built `four-class` executable on a tiny synthesized image-folder
/// data set: training lowers the loss and saves a self-describing model that `evaluate` and
/// `classify` use (on a photo of another size), exact resume, and the bad-input messages.
@Suite(.serialized) struct FourClassAppTests {
    typealias Support = FourClassTestSupport

    /// 24 training and 12 test images per class, written once for every test.
    static let data: Result<URL, Error> = Result { try Support.writeDataSet(perClass: 24) }

    /// The small, fast network and schedule of these tests.
    static let quick = ["--widths", "8,16", "--batch-size", "16", "--validation-split", "16"]

    @Test func trainEvaluateAndClassify() throws {
        let data = try Self.data.get()
        let folder = try ClassifyTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("four.safetensors").path

        let train = try Support.run(
            ["train", "--data", data.path, "--epochs", "6", "--output", model] + Self.quick)
        #expect(train.status == 0, "\(train.error)")
        #expect(train.lines.first?.hasPrefix("training FourClassNet") == true, "\(train.output)")
        #expect(train.lines.first?.contains("80 images of bird, cat, dog, ship") == true)
        #expect(train.lines.contains { $0.hasPrefix("epoch 6/6  lr ") }, "\(train.output)")

        // The loss falls and the test accuracy is well above chance (25%).
        let log = try String(contentsOfFile: model + ".log.jsonl", encoding: .utf8)
        let losses = try log.split(separator: "\n").map {
            try #require(
                (JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Double])?[
                    "train_loss"])
        }
        #expect(losses.count == 6)
        #expect(try #require(losses.last) < losses[0] * 0.7, "\(losses)")
        #expect(try #require(MNISTTestSupport.accuracy(train)) >= 75, "\(train.output)")

        // The model describes itself: classes, 32x32 RGB, resize + CIFAR-10 statistics.
        let description = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: model))
            .modelDescription()
        #expect(description.architecture.name == "FourClassNet")
        #expect(description.classNames == Support.classes)
        #expect(description.input.colorMode == .rgb && description.input.width == 32)
        #expect(description.preprocessing.method == .resize)
        #expect(description.preprocessing.mean == Normalization.cifar10.mean)
        #expect(description.provenance?.command.hasPrefix("four-class train") == true)

        let evaluate = try Support.run(["evaluate", "--model", model, "--data", data.path])
        #expect(evaluate.status == 0, "\(evaluate.error)")
        #expect(evaluate.output.contains("images: 48"))
        #expect(evaluate.output.contains("precision"))
        #expect(MNISTTestSupport.accuracy(evaluate) == MNISTTestSupport.accuracy(train))

        // classify takes a photo of any size through the model's own preprocessing.
        var g = SplitMix(seed: 99)
        var photos: [String] = []
        for label in 0..<4 {
            let path = folder.appendingPathComponent("photo-\(label).jpg").path
            try Support.image(label: label, width: 96, height: 80, generator: &g).write(to: path)
            photos.append(path)
        }
        let classify = try ClassifyTestSupport.classify(["--model", model] + photos)
        #expect(classify.status == 0, "\(classify.error)")
        let top = classify.lines.compactMap { ClassifyTestSupport.parse($0)?.classes.first?.0 }
        #expect(top.count == 4, "\(classify.output)")
        #expect(zip(top, Support.classes).filter { $0 == $1 }.count >= 3, "\(classify.output)")
    }

    @Test func resumeContinuesTheSavedRun() throws {
        let data = try Self.data.get()
        let folder = try ClassifyTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let straight = folder.appendingPathComponent("straight.safetensors").path
        let split = folder.appendingPathComponent("split.safetensors").path
        // A constant learning rate, so that two epochs and one more are three epochs (a
        // resumed run keeps its stored schedule, built for the epochs first asked for).
        let common =
            [
                "train", "--data", data.path, "--train-subset", "48", "--schedule",
                "constant", "--learning-rate", "0.02",
            ] + Self.quick

        let whole = try Support.run(common + ["--epochs", "3", "--output", straight])
        #expect(whole.status == 0, "\(whole.error)")
        let first = try Support.run(common + ["--epochs", "2", "--output", split])
        #expect(first.status == 0, "\(first.error)")
        let rest = try Support.run([
            "train", "--data", data.path, "--resume", split + ".checkpoint", "--epochs", "3",
            "--output", split,
        ])
        #expect(rest.status == 0, "\(rest.error)")
        #expect(rest.lines.first == "resuming at epoch 3/3", "\(rest.output)")
        // Two epochs, then one more: the same weights as three epochs straight.
        #expect(try MNISTTestSupport.tensors(split) == MNISTTestSupport.tensors(straight))

        let changed = try Support.run([
            "train", "--data", data.path, "--resume", split + ".checkpoint", "--classes",
            "cat,dog",
        ])
        #expect(changed.status == 2, "\(changed.output)\(changed.error)")

        // The other app refuses this checkpoint by its network's name.
        let other = try MNISTTestSupport.run(["train", "--resume", split + ".checkpoint"])
        #expect(other.status == 1, "\(other.output)\(other.error)")
        #expect(
            other.error.contains("is a checkpoint of a FourClassNet network, which `mnist train`"),
            "\(other.error)")
    }

    @Test func badInputIsNamed() throws {
        let data = try Self.data.get()
        let missing = try Support.run(["train", "--data", "/nonexistent/cifar"])
        #expect(missing.status == 1)
        #expect(missing.error.contains("/nonexistent/cifar"), "\(missing.error)")

        let oneClass = try Support.run(["train", "--data", data.path, "--classes", "bird"])
        #expect(oneClass.status == 2, "\(oneClass.error)")
        #expect(oneClass.error.contains("--classes"))

        let unknown = try Support.run(["train", "--data", data.path, "--classes", "bird,frog"])
        #expect(unknown.status == 1)
        #expect(unknown.error.contains("frog"), "\(unknown.error)")

        let usage = try Support.run(["train", "--epochs", "0"])
        #expect(usage.status == 2)

        // A corrupt file among the training images is named.
        let copy = try ClassifyTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: copy) }
        let root = copy.appendingPathComponent("data")
        try FileManager.default.copyItem(at: data, to: root)
        let bad = root.appendingPathComponent("train/cat/broken.png")
        try Data("not a png".utf8).write(to: bad)
        let corrupt = try Support.run(["train", "--data", root.path, "--epochs", "1"])
        #expect(corrupt.status == 1)
        #expect(corrupt.error.contains("broken.png"), "\(corrupt.error)")
        #expect(corrupt.error.contains("--skip-unreadable"), "\(corrupt.error)")
        // With --skip-unreadable the image is left out, named in a warning, and the run ends.
        let skipped = try Support.run(
            [
                "train", "--data", root.path, "--skip-unreadable", "--output",
                copy.appendingPathComponent("skipped.safetensors").path,
            ] + Self.quick)
        #expect(skipped.status == 0, "\(skipped.error)")
        #expect(
            skipped.error.contains("skipping 1 of") && skipped.error.contains("broken.png"),
            "\(skipped.error)")
        // A corrupt test image is named before training, not after it.
        try FileManager.default.removeItem(at: bad)
        let badTest = root.appendingPathComponent("test/dog/broken.jpg")
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 1]).write(to: badTest)
        let corruptTest = try Support.run(["train", "--data", root.path, "--epochs", "1"])
        #expect(corruptTest.status == 1)
        #expect(corruptTest.error.contains("broken.jpg"), "\(corruptTest.error)")
        #expect(!corruptTest.output.contains("epoch 1/1"), "\(corruptTest.output)")

        let noModel = try Support.run(["evaluate", "--model", "/nonexistent/m.safetensors"])
        #expect(noModel.status == 1)
        #expect(noModel.error.contains("/nonexistent/m.safetensors"), "\(noModel.error)")
    }
}
