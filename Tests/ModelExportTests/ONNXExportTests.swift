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

    @Test func theLeNet1998LayersBecomeStandardOperators() throws {
        let fixture = try ExportFixtures.fixture("lenet1998-rbf")
        let graph = try ONNXExporter.graph(
            network: fixture.network, description: fixture.description)
        let operators = graph.nodes.map { "\($0.name) \($0.opType)" }
        for expected in [
            "features.1.scaled Mul", "features.1.tanh Tanh", "features.1 Mul",
            "features.2.average AveragePool", "features.2.sum Mul", "features.2.scaled Mul",
            "features.2 Add", "features.4 Conv", "classifier.2.unsqueezed Unsqueeze",
            "classifier.2.difference Sub", "classifier.2.distance ReduceSumSquare",
            "classifier.2 Neg",
        ] {
            #expect(operators.contains(expected), "\(expected) in \(operators)")
        }
        // C3's dense weight: Table I's kernels in place, zeros where a map is unconnected.
        let c3 = try #require(
            fixture.network.namedDescendants.first { $0.name == "features.4" }?.layer
                as? PartiallyConnectedConv2D)
        let dense = try #require(graph.initializers.first { $0.name == "features.4.dense_weight" })
        #expect(dense.shape == [16, 6, 5, 5])
        guard case let .float(values) = dense.values else {
            Issue.record("the dense weight is not float")
            return
        }
        let stored = c3.weight.value.scalars
        var next = 0
        for output in 0..<16 {
            for input in 0..<6 {
                let kernel = Array(
                    values[(output * 6 + input) * 25..<(output * 6 + input + 1) * 25])
                if c3.connections[output].contains(input) {
                    #expect(kernel == Array(stored[next * 25..<(next + 1) * 25]))
                    next += 1
                } else {
                    #expect(kernel.allSatisfy { $0 == 0 }, "C3 \(output) <- \(input)")
                }
            }
        }
        #expect(next == 60)
        let prototypes = try #require(
            graph.initializers.first { $0.name == "classifier.2.prototypes" })
        #expect(prototypes.shape == [10, 84])
        let dense1998 = try ExportFixtures.fixture("lenet1998-dense")
        let denseGraph = try ONNXExporter.graph(
            network: dense1998.network, description: dense1998.description)
        #expect(denseGraph.nodes.last?.opType == "Gemm")
        #expect(!denseGraph.nodes.contains { $0.opType == "ReduceSumSquare" })
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
