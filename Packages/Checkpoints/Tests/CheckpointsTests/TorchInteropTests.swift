import Checkpoints
import Foundation
import TensorMath
import Testing

/// Both directions of PyTorch interop, proven with fixtures that Python's
/// `safetensors.torch.save_file` wrote (Tools/reference/checkpoints_golden.py), without Python.
@Suite struct TorchInteropTests {
    /// Compares loaded values with PyTorch's `to(torch.float32)`, bit for bit (any NaN for NaN).
    func expectSameValues(_ tensor: Tensor, _ golden: GoldenTensor) {
        #expect(tensor.shape == golden.shape, "\(golden.name)")
        #expect(tensor.count == golden.bits.count, "\(golden.name)")
        for (index, (value, expected)) in zip(tensor.scalars, golden.values).enumerated() {
            if expected.isNaN {
                #expect(value.isNaN, "\(golden.name)[\(index)]")
            } else {
                #expect(
                    value.bitPattern == expected.bitPattern,
                    "\(golden.name)[\(index)]: \(value) != \(expected)")
            }
        }
    }

    @Test func readsEveryDTypeAsPyTorchConvertsIt() throws {
        let file = try SafeTensorsFile(contentsOf: try fixture("torch_dtypes.safetensors"))
        #expect(file.metadata == TorchGolden.dtypeMetadata)
        #expect(Set(file.names) == Set(TorchGolden.dtypeTensors.map(\.name)))
        let readDTypes = Set(file.entries.map(\.dtype))
        #expect(readDTypes == Set(SafeTensorsDType.allCases), "every dtype is covered")
        for golden in TorchGolden.dtypeTensors {
            let entry = try #require(file.entry(named: golden.name))
            #expect(entry.dtype.rawValue == golden.dtype, "\(golden.name)")
            #expect(entry.shape == golden.shape)
            expectSameValues(try file.tensor(named: golden.name), golden)
        }
    }

    @Test(arguments: ["torch_f32_plain.safetensors", "torch_f32_metadata.safetensors"])
    func readsPyTorchFloat32StateDictionaries(name: String) throws {
        let file = try SafeTensorsFile(contentsOf: try fixture(name), readMode: .read)
        let expectedMetadata = name.contains("metadata") ? TorchGolden.escapeMetadata : [:]
        #expect(file.metadata == expectedMetadata)
        let shapes = Dictionary(
            uniqueKeysWithValues: TorchGolden.f32Tensors.map { ($0.name, $0.shape) })
        let tensors = try file.tensors(matching: shapes)
        for golden in TorchGolden.f32Tensors {
            expectSameValues(try #require(tensors[golden.name]), golden)
        }
    }

    /// The writer reproduces `save_file`'s bytes exactly, so PyTorch reads what we write.
    @Test(arguments: ["torch_f32_plain.safetensors", "torch_f32_metadata.safetensors"])
    func writesTheBytesPythonWrites(name: String) throws {
        let url = try fixture(name)
        var tensors: [String: Tensor] = [:]
        for golden in TorchGolden.f32Tensors {
            tensors[golden.name] = try Tensor(shape: golden.shape, scalars: golden.values)
        }
        let metadata = name.contains("metadata") ? TorchGolden.escapeMetadata : [:]
        let ours = try SafeTensorsFile.serialize(tensors, metadata: metadata)
        let python = try [UInt8](Data(contentsOf: url))
        #expect(ours.count == python.count)
        if let first = zip(ours, python).enumerated().first(where: { $0.element.0 != $0.element.1 })
        {
            Issue.record("first differing byte at \(first.offset)")
        }
        #expect(ours == python)
    }
}
