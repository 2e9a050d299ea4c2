import Foundation
import Testing

/// `swiftcnn inspect`: a model file's metadata and network summary as text and JSON, a
/// training checkpoint's position, and bad files named with exit status 1.
@Suite struct InspectTests {
    func swiftcnn(_ arguments: [String]) throws -> ClassifyTestSupport.Run {
        try ClassifyTestSupport.run(ClassifyTestSupport.executable("swiftcnn"), arguments)
    }

    var bundledModel: String {
        get throws {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent()
            return root.appendingPathComponent("Apps/Classify/Resources/mnist.safetensors").path
        }
    }

    @Test func aModelFileShowsItsMetadataAndSummary() throws {
        let model = try bundledModel
        let text = try swiftcnn(["inspect", model])
        #expect(text.status == 0, "\(text.error)")
        #expect(text.output.contains("architecture:  cnn {"), "\(text.output)")
        #expect(text.output.contains("classes:       10: 0, 1, 2"))
        #expect(text.output.contains("features.0 (Conv2D)        [1, 16, 28, 28]"))
        #expect(text.output.contains("Trainable parameters: 218,586"))

        let json = try swiftcnn(["inspect", "--json", model])
        #expect(json.status == 0)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect(object["parameters"] as? Int == 218_586)
        #expect(object["kind"] as? String == "model")
        let layers = try #require(object["layers"] as? [[String: Any]])
        #expect(layers.first?["name"] as? String == "features")
        #expect(layers.last?["output_shape"] as? [Int] == [1, 10])
    }

    @Test func aCheckpointShowsWhereTheRunStands() throws {
        let data = try MNISTAppTests.data.get()
        let folder = try MNISTTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("m.safetensors").path
        let train = try MNISTTestSupport.run([
            "train", "--data", data.path, "--architecture", "lenet5", "--epochs", "1",
            "--train-subset", "64", "--output", model,
        ])
        #expect(train.status == 0, "\(train.error)")
        let run = try swiftcnn(["inspect", model + ".checkpoint"])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains("training checkpoint"))
        #expect(run.output.contains("training:      at epoch 2, batch 0"), "\(run.output)")
        #expect(run.output.contains("Trainable parameters: 61,706"))
    }

    @Test func badFilesAreNamed() throws {
        let folder = try MNISTTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = folder.appendingPathComponent("notes.safetensors")
        try Data("not a model".utf8).write(to: text)
        for path in [text.path, folder.appendingPathComponent("absent.safetensors").path] {
            let run = try swiftcnn(["inspect", path])
            #expect(run.status == 1)
            #expect(run.error.hasPrefix("swiftcnn: \(path)"), "\(run.error)")
        }
        #expect(try swiftcnn(["inspect"]).status == 2)
        #expect(try swiftcnn(["--version"]).status == 0)
    }
}
