import Checkpoints
import Foundation
import NeuralNet
import TensorMath
import TensorMathTesting
import Testing

/// Issue 5's PyTorch interop, at the model level: a state_dict saved by Python's
/// `safetensors.torch.save_file` from the equivalent PyTorch module (same dotted names, PyTorch
/// layouts, `num_batches_tracked` as int64) loads strictly into our `Sequential` and gives
/// PyTorch's outputs to 1e-4; and the file we write from the model holds the same tensors.
/// Fixtures: `Tools/reference/interop_golden.py` (which can also load our file in PyTorch:
/// `--check-swift-file`).
@Suite struct PyTorchInteropTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Our twin of the script's `make_module()`.
    static func makeModel() throws -> Sequential {
        var g = Xoshiro256(seed: 1)
        return Sequential(
            try Conv2D(
                inputChannels: 1, outputChannels: 3, kernelSize: 3, padding: .same, generator: &g),
            try BatchNorm2D(features: 3), ReLU(), try MaxPool2D(kernelSize: 2), Flatten(),
            try Linear(inputSize: 3 * 4 * 4, outputSize: 5, generator: &g))
    }

    @Test func pytorchStateDictLoadsAndReproducesOutputs() throws {
        let weights = try SafeTensorsFile(
            contentsOf: Self.fixtures.appendingPathComponent("interop_model.safetensors"))
        #expect(weights.entry(named: "1.num_batches_tracked")?.dtype == .int64)
        let io = try SafeTensorsFile(
            contentsOf: Self.fixtures.appendingPathComponent("interop_io.safetensors"))

        let model = try Self.makeModel()
        try model.loadStateDictionary(try weights.tensors())
        model.setTraining(false)
        let output = try model.forward(try io.tensor(named: "input"))
        let expected = try io.tensor(named: "output")
        expectClose(output, expected, tolerance: 1e-4, "PyTorch's output")
    }

    @Test func ourFileRoundTripsTheModel() throws {
        let model = try Self.makeModel()
        let pytorch = try SafeTensorsFile(
            contentsOf: Self.fixtures.appendingPathComponent("interop_model.safetensors"))
        try model.loadStateDictionary(try pytorch.tensors())

        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("interop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let ours = folder.appendingPathComponent("ours.safetensors")
        try SafeTensorsFile.write(model.stateDictionary, metadata: [:], to: ours)
        // For the PyTorch-side check (interop_golden.py --check-swift-file PATH).
        if let keep = ProcessInfo.processInfo.environment["SWIFTCNN_KEEP_INTEROP_FILE"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(atPath: ours.path, toPath: keep)
        }

        let reread = try SafeTensorsFile(contentsOf: ours)
        #expect(Set(reread.names) == Set(pytorch.names))
        for name in pytorch.names {
            #expect(try reread.tensor(named: name) == (try pytorch.tensor(named: name)), "\(name)")
        }
    }

    @Test func aMisshapedPyTorchTensorIsNamed() throws {
        var state = try SafeTensorsFile(
            contentsOf: Self.fixtures.appendingPathComponent("interop_model.safetensors")
        ).tensors()
        state["5.weight"] = try Tensor.zeros([5, 47])
        #expect {
            try Self.makeModel().loadStateDictionary(state)
        } throws: { error in
            let message = String(describing: error)
            return message.contains("5.weight") && message.contains("[5, 47]")
                && message.contains("[5, 48]")
        }
    }
}
