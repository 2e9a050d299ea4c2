import Checkpoints
import Foundation
import ModelExport
import NeuralNet
import TensorMath
import Testing

/// `TorchModuleWriter`: the generated `model.py` of each fixture equals its golden, and the
/// golden list of the PyTorch module's `state_dict()` names and shapes (written by running the
/// golden module in PyTorch, `Tools/reference/onnx_structure_golden.py`) equals the Swift
/// network's `stateDictionary`.
@Suite struct TorchExportTests {
    @Test(arguments: ExportFixtures.names)
    func moduleNamesAreTheStateDictionaryNames(name: String) throws {
        let fixture = try ExportFixtures.fixture(name)
        let source = try TorchModuleWriter.source(
            network: fixture.network, description: fixture.description)
        let golden = ExportFixtures.golden
        let expectedSource = try String(
            contentsOf: golden.appendingPathComponent("\(name).model.py"), encoding: .utf8)
        #expect(source == expectedSource, "\(name): model.py differs from its golden:\n\(source)")
        let torchNames = try String(
            contentsOf: golden.appendingPathComponent("\(name).torch-state.txt"), encoding: .utf8)
        let lines = torchNames.split(separator: "\n", maxSplits: 1).last.map(String.init) ?? ""
        #expect(ExportFixtures.stateNames(fixture.network) == lines, "\(name)")
    }

    @Test func theModuleMirrorsTheLayers() throws {
        let source = try TorchModuleWriter.source(
            network: try ExportFixtures.fixture("zoo").network,
            description: try ExportFixtures.fixture("zoo").description)
        #expect(source.contains("(\"block\", Residual(["))
        #expect(source.contains("shortcut=nn.Sequential(OrderedDict(["))
        #expect(source.contains("nn.BatchNorm1d(16, eps=1e-05, momentum=0.1, affine=True)"))
        #expect(source.contains("(\"dense\", Residual([\n"))
        #expect(source.contains("final_relu=False"))
        #expect(source.contains("SumPool2d((2, 2), (2, 2), (0, 0), False)"))
    }

    @Test func theLeNet1998ModuleUsesTheFilesOwnLayers() throws {
        let fixture = try ExportFixtures.fixture("lenet1998-rbf")
        let source = try TorchModuleWriter.source(
            network: fixture.network, description: fixture.description)
        #expect(source.contains("(\"2\", Subsampling2d(6, 2)),"))
        #expect(
            source.contains(
                "(\"4\", PartiallyConnectedConv2d(6, [[0, 1, 2], [1, 2, 3], "))
        #expect(source.contains("(\"1\", ScaledTanh(1.7159, 0.6666667)),"))
        #expect(source.contains("(\"2\", EuclideanRBF(10, 84, negated=True)),"))
    }
}
