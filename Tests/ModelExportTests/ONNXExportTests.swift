import Checkpoints
import Foundation
import ModelExport
import NeuralNet
import TensorMath
import Testing

/// `ONNXExporter`: the graph of each fixture, decoded by the tests' own protobuf reader,
/// equals the golden dump the `onnx` package's parser wrote
/// (`Tools/reference/onnx_structure_golden.py`, which also runs the files in onnxruntime
/// against the Swift outputs); the bytes are deterministic; an unknown layer is refused by
/// path and type.
///
/// To regenerate the goldens: `SWIFTCNN_EXPORT_GOLDEN_DIR=/tmp/g swift test --filter
/// ModelExportTests`, then `python3 Tools/reference/onnx_structure_golden.py /tmp/g`.
@Suite struct ONNXExportTests {
    static func bytes(_ fixture: ExportFixtures.Fixture) throws -> [UInt8] {
        try ONNXExporter.graph(
            network: fixture.network, description: fixture.description, producerVersion: "test"
        ).modelBytes()
    }

    @Test(arguments: ExportFixtures.names)
    func structureMatchesTheGolden(name: String) throws {
        let fixture = try ExportFixtures.fixture(name)
        let bytes = try Self.bytes(fixture)
        try Self.keepForGoldens(fixture, onnx: bytes)
        let golden = try String(
            contentsOf: ExportFixtures.golden.appendingPathComponent("\(name).onnx.txt"),
            encoding: .utf8)
        // The golden's first line says how it was made.
        let expected = golden.split(separator: "\n", maxSplits: 1).last.map(String.init) ?? ""
        let dump = try ONNXDump.text(bytes)
        #expect(dump == expected, "\(name): the ONNX structure differs from its golden:\n\(dump)")
    }

    @Test func theGoldenTestCanFail() throws {
        let fixture = try ExportFixtures.fixture("lenet5-tanh-average")
        var graph = try ONNXExporter.graph(
            network: fixture.network, description: fixture.description, producerVersion: "test")
        graph.nodes[0].attributes[0].value = .ints([2, 2])
        let golden = try String(
            contentsOf: ExportFixtures.golden.appendingPathComponent(
                "lenet5-tanh-average.onnx.txt"), encoding: .utf8)
        #expect(!golden.hasSuffix(try ONNXDump.text(graph.modelBytes())))
    }

    @Test func theSameModelGivesTheSameBytes() throws {
        for name in ExportFixtures.names {
            let first = try Self.bytes(try ExportFixtures.fixture(name))
            let second = try Self.bytes(try ExportFixtures.fixture(name))
            #expect(first == second, "\(name)")
        }
        // Different weights give different bytes.
        var fixture = try ExportFixtures.fixture("lenet5-tanh-average")
        let before = try Self.bytes(fixture)
        let weight = try #require(fixture.network.namedParameters.first?.parameter)
        try weight.assign(try weight.value + Tensor(scalar: 1))
        #expect(try Self.bytes(fixture) != before)
        fixture.description.classNames[0] = "zero"
        #expect(try ONNXDump.text(try Self.bytes(fixture)).contains("\"zero\""))
    }

    @Test func weightsAreStoredUnderTheirStateDictionaryNames() throws {
        let fixture = try ExportFixtures.fixture("cifar-resnet8")
        let graph = try ONNXExporter.graph(
            network: fixture.network, description: fixture.description)
        let state = fixture.network.stateDictionary
        for initializer in graph.initializers {
            guard case let .float(values) = initializer.values,
                let tensor = state[initializer.name]
            else { continue }
            #expect(values == tensor.scalars, "\(initializer.name)")
            #expect(initializer.shape == tensor.shape, "\(initializer.name)")
        }
        let exported = Set(graph.initializers.map(\.name))
        let expected = Set(state.keys.filter { !$0.hasSuffix("num_batches_tracked") })
        #expect(expected.isSubset(of: exported))
        #expect(graph.output.sampleShape == [4])
    }

    @Test func anUnknownLayerIsRefusedByPathAndType() throws {
        var g = Xoshiro256(seed: 1)
        let network = try Sequential(named: [
            (
                "features",
                Sequential(
                    Flatten(), try Linear(inputSize: 4, outputSize: 4, generator: &g), Swish())
            )
        ])
        let description = ExportFixtures.description(
            .init(name: "custom"), classes: 4, channels: 1, side: 2)
        #expect {
            try ONNXExporter.graph(network: network, description: description)
        } throws: { error in
            let text = "\(error)"
            return text.contains("features.2") && text.contains("Swish") && text.contains("ONNX")
        }
        #expect {
            try TorchModuleWriter.source(network: network, description: description)
        } throws: { error in
            "\(error)".contains("features.2") && "\(error)".contains("Swish")
        }
    }

    /// With `SWIFTCNN_EXPORT_GOLDEN_DIR` set, writes what the golden script reads: the ONNX
    /// file, the PyTorch module and state_dict, and a seeded input with the Swift output.
    static func keepForGoldens(_ fixture: ExportFixtures.Fixture, onnx: [UInt8]) throws {
        guard let folder = ProcessInfo.processInfo.environment["SWIFTCNN_EXPORT_GOLDEN_DIR"]
        else { return }
        let base = URL(fileURLWithPath: folder)
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        try Data(onnx).write(to: base.appendingPathComponent("\(fixture.name).onnx"))
        let source = try TorchModuleWriter.source(
            network: fixture.network, description: fixture.description)
        try Data(source.utf8).write(to: base.appendingPathComponent("\(fixture.name).model.py"))
        try SafeTensorsFile.write(
            fixture.network.stateDictionary,
            to: base.appendingPathComponent("\(fixture.name).state.safetensors"))
        var g = Xoshiro256(seed: 9)
        let input = try Tensor.normal(fixture.description.input.shape(batchSize: 3), using: &g)
        fixture.network.setTraining(false)
        let output = try fixture.network.forward(input)
        try SafeTensorsFile.write(
            ["input": input, "output": output],
            to: base.appendingPathComponent("\(fixture.name).io.safetensors"))
    }
}

/// A layer type the exporters do not know.
final class Swish: Layer {
    var isTraining = true
    func forward(_ input: Tensor) throws -> Tensor { try input * input.sigmoid() }
    func backward(_ outputGradient: Tensor) throws -> Tensor { outputGradient }
}
