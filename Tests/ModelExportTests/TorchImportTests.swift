import Checkpoints
import Foundation
import ImageClassification
import ImageModels
import ModelExport
import NeuralNet
import TensorMath
import Testing

/// `TorchImport`: a state_dict with the PyTorch tutorials' names becomes a model file that
/// `ImageClassifier` (hence `classify --model`) loads with the same weights; each kind of
/// mismatch (missing, unexpected, wrong shape) is reported with the names and shapes of both
/// sides.
@Suite struct TorchImportTests {
    /// The tutorials' LeNet names for our LeNet5's.
    static let tutorialNames = [
        "features.0": "conv1", "features.3": "conv2", "classifier.0": "fc1",
        "classifier.2": "fc2", "classifier.4": "fc3",
    ]

    /// A LeNet5's state dictionary under the tutorial's names (`conv1.weight`, …).
    static func tutorialState(seed: UInt64 = 7) throws -> (Layer, [String: Tensor]) {
        let network = try ModelRegistry.makeModel(.init(name: "LeNet5"), seed: seed)
        var state: [String: Tensor] = [:]
        for (name, tensor) in network.stateDictionary {
            let layer = name.split(separator: ".").prefix(2).joined(separator: ".")
            let parameter = name.split(separator: ".").last.map(String.init) ?? ""
            state["\(tutorialNames[layer]!).\(parameter)"] = tensor
        }
        return (network, state)
    }

    static func temporaryFile(_ name: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "TorchImportTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name)
    }

    static func convert(_ state: [String: Tensor], architecture: String = "LeNet5") throws
        -> TorchImport.Result
    {
        let file = try temporaryFile("state_dict.safetensors")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        try SafeTensorsFile.write(state, to: file)
        return try TorchImport.convert(
            stateDictionary: file, .init(architecture: .init(name: architecture)))
    }

    @Test func theTutorialsLeNetLoadsAndClassifies() throws {
        let (network, state) = try Self.tutorialState()
        let result = try Self.convert(state)
        #expect(result.renamed["conv1.weight"] == "features.0.weight")
        #expect(result.renamed["fc3.bias"] == "classifier.4.bias")
        #expect(result.renamed.count == 10)
        #expect(result.description.classNames == (0...9).map(String.init))
        #expect(result.description.input == .init(height: 28, width: 28, colorMode: .grayscale))
        #expect(result.description.preprocessing.method == .mnistCentering)

        let output = try Self.temporaryFile("lenet.safetensors")
        defer { try? FileManager.default.removeItem(at: output.deletingLastPathComponent()) }
        try result.write(to: output)
        let classifier = try ImageClassifier(contentsOf: output)
        network.setTraining(false)
        var g = Xoshiro256(seed: 3)
        let input = try Tensor.normal([2, 1, 28, 28], using: &g)
        #expect(try classifier.network.forward(input) == network.forward(input))
    }

    @Test func wrappersPrefixesAndAbsentCountersAreAccepted() throws {
        let network = try ModelRegistry.makeModel(.init(name: "cnn"), seed: 1)
        var state: [String: Tensor] = [:]
        for (name, tensor) in network.stateDictionary where !name.hasSuffix("num_batches_tracked") {
            state["module.\(name)"] = tensor
        }
        let result = try Self.convert(state, architecture: "cnn")
        #expect(result.renamed["module.features.0.weight"] == "features.0.weight")
        #expect(result.filled.contains("features.1.num_batches_tracked"))
        #expect(result.tensors.count == network.stateDictionary.count)
    }

    /// The error's text, or a failure.
    static func mismatch(_ state: [String: Tensor]) throws -> String {
        do {
            _ = try convert(state)
        } catch let error as ModelExportError {
            guard case .stateDictionaryMismatch = error else { return "wrong case: \(error)" }
            return "\(error)"
        }
        Issue.record("no error")
        return ""
    }

    @Test func aMissingTensorIsNamedWithTheModelsShape() throws {
        var (_, state) = try Self.tutorialState()
        state["fc3.bias"] = nil
        let text = try Self.mismatch(state)
        #expect(text.contains("does not fit LeNet5"), "\(text)")
        #expect(text.contains("missing from the file (1)"), "\(text)")
        #expect(text.contains("  classifier.4.bias [10]"), "\(text)")
        #expect(text.contains("  fc3.weight -> classifier.4.weight"), "\(text)")
    }

    @Test func anUnexpectedTensorIsNamedWithTheFilesShape() throws {
        var (_, state) = try Self.tutorialState()
        state["head.weight"] = try Tensor.zeros([3, 84])
        let text = try Self.mismatch(state)
        #expect(text.contains("unexpected in the file (1)"), "\(text)")
        #expect(text.contains("  head.weight [3, 84]"), "\(text)")
        #expect(!text.contains("missing"), "\(text)")
    }

    @Test func aWrongShapeShowsBothShapesAndBothNames() throws {
        var (_, state) = try Self.tutorialState()
        state["fc3.weight"] = try Tensor.zeros([4, 84])
        state["fc3.bias"] = try Tensor.zeros([4])
        let text = try Self.mismatch(state)
        #expect(text.contains("wrong shape (2)"), "\(text)")
        #expect(
            text.contains(
                "  fc3.weight (read as classifier.4.weight): file [4, 84], model [10, 84]"),
            "\(text)")
        #expect(text.contains("  fc3.bias (read as classifier.4.bias): file [4], model [10]"))
    }

    @Test func classNamesMustMatchTheOutputs() throws {
        let (_, state) = try Self.tutorialState()
        let file = try Self.temporaryFile("state_dict.safetensors")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        try SafeTensorsFile.write(state, to: file)
        #expect {
            try TorchImport.convert(
                stateDictionary: file,
                .init(architecture: .init(name: "LeNet5"), classNames: ["a", "b"]))
        } throws: { "\($0)".contains("2 class names given, the network answers 10") }
        #expect {
            try TorchImport.convert(
                stateDictionary: file,
                .init(architecture: .init(name: "LeNet5"), preprocessing: "cifar10"))
        } throws: { "\($0)".contains("cifar10 needs an RGB") }
    }
}
