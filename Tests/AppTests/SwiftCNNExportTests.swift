import Foundation
import Testing

/// `swiftcnn export-onnx`, `export-torch`, `import-torch` and `preprocess` end to end: the
/// bundled model exported twice gives the same ONNX bytes; its exported state_dict imported
/// again classifies the sample digits exactly as the bundled model does; a state_dict that
/// does not fit is refused with the names on both sides; an existing output is kept without
/// `--overwrite`.
@Suite struct SwiftCNNExportTests {
    func swiftcnn(_ arguments: [String]) throws -> ClassifyTestSupport.Run {
        try ClassifyTestSupport.run(ClassifyTestSupport.executable("swiftcnn"), arguments)
    }

    var bundledModel: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(
                "Apps/Classify/Resources/mnist.safetensors"
            ).path
    }

    @Test func helpListsTheSubcommands() throws {
        let run = try swiftcnn(["--help"])
        #expect(run.status == 0, "\(run.error)")
        for name in ["inspect", "export-onnx", "export-torch", "import-torch", "preprocess"] {
            #expect(run.output.contains("  \(name) "), "\(name): \(run.output)")
        }
        let sub = try swiftcnn(["import-torch", "--help"])
        #expect(sub.status == 0)
        #expect(sub.output.contains("--architecture <NAME>"), "\(sub.output)")
    }

    @Test func exportOnnxIsDeterministic() throws {
        let folder = try ClassifyTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (first, second) = (
            folder.appendingPathComponent("a.onnx"), folder.appendingPathComponent("b.onnx")
        )
        for file in [first, second] {
            let run = try swiftcnn(["export-onnx", bundledModel, "--output", file.path])
            #expect(run.status == 0, "\(run.error)")
            #expect(run.output.contains("18 nodes, 24 initializers"), "\(run.output)")
            #expect(run.output.contains("output logits [N, 10]"), "\(run.output)")
        }
        let bytes = try Data(contentsOf: first)
        #expect(bytes == (try Data(contentsOf: second)))
        #expect(bytes.range(of: Data("swiftcnn.class_names".utf8)) != nil)
        let missing = try swiftcnn(["export-onnx", folder.appendingPathComponent("none").path])
        #expect(missing.status == 1)
        #expect(missing.error.contains("none"), "\(missing.error)")
    }

    @Test func exportedWeightsImportBackAndClassifyTheSame() throws {
        let folder = try ClassifyTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let torch = folder.appendingPathComponent("torch").path
        let export = try swiftcnn(["export-torch", bundledModel, "--output-dir", torch])
        #expect(export.status == 0, "\(export.error)")
        for name in ["model.py", "state_dict.safetensors", "classes.json"] {
            #expect(FileManager.default.fileExists(atPath: "\(torch)/\(name)"), "\(name)")
        }
        let classes = try String(contentsOfFile: "\(torch)/classes.json", encoding: .utf8)
        #expect(classes == "[\"0\",\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]\n")
        let source = try String(contentsOfFile: "\(torch)/model.py", encoding: .utf8)
        #expect(source.contains("(\"features\", nn.Sequential(OrderedDict(["))

        let imported = folder.appendingPathComponent("imported.safetensors").path
        let run = try swiftcnn([
            "import-torch", "\(torch)/state_dict.safetensors", "--architecture", "cnn",
            "--output", imported,
        ])
        #expect(run.status == 0, "\(run.error)")
        #expect(
            run.output.contains("wrote \(imported): cnn, 28 tensors, 10 classes, input 1x28x28"))

        let digits = try ClassifyTestSupport.samples.get().paths
        let ours = try ClassifyTestSupport.classify(["--model", imported, "--top", "3"] + digits)
        let bundled = try ClassifyTestSupport.classify(["--top", "3"] + digits)
        #expect(ours.status == 0, "\(ours.error)")
        #expect(ours.output == bundled.output)

        let again = try swiftcnn([
            "import-torch", "\(torch)/state_dict.safetensors", "--architecture", "cnn",
            "--output", imported,
        ])
        #expect(again.status == 1)
        #expect(again.error.contains("exists; give --overwrite"), "\(again.error)")

        let prepared = folder.appendingPathComponent("input.safetensors").path
        let preprocess = try swiftcnn(["preprocess", imported] + digits + ["--output", prepared])
        #expect(preprocess.status == 0, "\(preprocess.error)")
        #expect(preprocess.output.contains("input [\(digits.count), 1, 28, 28]"))
    }

    @Test func aStateDictThatDoesNotFitIsRefusedWithBothSides() throws {
        let folder = try ClassifyTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let torch = folder.appendingPathComponent("torch").path
        #expect(try swiftcnn(["export-torch", bundledModel, "--output-dir", torch]).status == 0)
        let run = try swiftcnn([
            "import-torch", "\(torch)/state_dict.safetensors", "--architecture", "LeNet5",
            "--output", folder.appendingPathComponent("x.safetensors").path,
        ])
        #expect(run.status == 1)
        #expect(run.error.contains("does not fit LeNet5"), "\(run.error)")
        #expect(run.error.contains("  features.0.weight: file [16, 1, 3, 3], model [6, 1, 5, 5]"))
        #expect(run.error.contains("  features.0.bias [6]"), "\(run.error)")
        #expect(run.error.contains("  features.1.running_mean [16]"), "\(run.error)")
        let unknown = try swiftcnn([
            "import-torch", "\(torch)/state_dict.safetensors", "--architecture", "vgg",
            "--output", folder.appendingPathComponent("y.safetensors").path,
        ])
        #expect(unknown.status == 1)
        #expect(unknown.error.contains("vgg") && unknown.error.contains("LeNet5"))
        #expect(
            !FileManager.default.fileExists(
                atPath: folder.appendingPathComponent("x.safetensors").path))
    }
}
