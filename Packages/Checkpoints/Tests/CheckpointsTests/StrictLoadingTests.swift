import Checkpoints
import TensorMath
import Testing

@Suite struct StrictLoadingTests {
    let expected: [String: [Int]] = [
        "conv1.weight": [6, 1, 5, 5], "conv1.bias": [6], "fc.weight": [10, 84], "fc.bias": [10],
    ]

    func file(_ tensors: [String: [Int]]) throws -> SafeTensorsFile {
        var values: [String: Tensor] = [:]
        for (name, shape) in tensors { values[name] = try Tensor.ones(shape) }
        return try SafeTensorsFile(
            bytes: try SafeTensorsFile.serialize(values), name: "lenet.safetensors")
    }

    @Test func matchingTensorsLoad() throws {
        let tensors = try file(expected).tensors(matching: expected)
        #expect(tensors.mapValues(\.shape) == expected)
    }

    @Test func everyProblemIsReportedWithNamesAndBothShapes() throws {
        var actual = expected
        actual["fc.bias"] = nil
        actual["conv1.weight"] = [6, 3, 5, 5]
        actual["head.weight"] = [2, 2]
        let error = try #require(throws: CheckpointError.self) {
            try file(actual).tensors(matching: expected)
        }
        let mismatch = TensorSetMismatch(expected: expected, actual: actual)
        #expect(
            error == .tensorSetMismatch(path: "lenet.safetensors", mismatch: try #require(mismatch))
        )
        #expect(mismatch?.missing == ["fc.bias"])
        #expect(mismatch?.unexpected == ["head.weight"])
        #expect(
            mismatch?.misshaped == [
                .init(name: "conv1.weight", expected: [6, 1, 5, 5], actual: [6, 3, 5, 5])
            ])
        #expect(
            error.description == "lenet.safetensors: missing tensors: fc.bias; "
                + "unexpected tensors: head.weight; tensor conv1.weight has shape [6, 3, 5, 5] "
                + "in the file, the model expects [6, 1, 5, 5]")
    }

    @Test func eachKindAloneIsAnError() throws {
        var missing = expected
        missing["fc.bias"] = nil
        var extra = expected
        extra["extra"] = [1]
        var misshaped = expected
        misshaped["fc.bias"] = [11]
        for actual in [missing, extra, misshaped] {
            #expect(throws: CheckpointError.self) { try file(actual).validate(matching: expected) }
        }
        #expect(TensorSetMismatch(expected: expected, actual: expected) == nil)
    }

    @Test func ignoredUnexpectedTensorsAreNeitherReportedNorLoaded() throws {
        var actual = expected
        actual["bn.num_batches_tracked"] = []
        let tensors = try file(actual).tensors(
            matching: expected, ignoringUnexpected: { $0.hasSuffix(".num_batches_tracked") })
        #expect(Set(tensors.keys) == Set(expected.keys))
        #expect(throws: CheckpointError.self) { try file(actual).tensors(matching: expected) }
    }
}
