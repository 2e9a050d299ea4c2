import NeuralNet
import TensorMath
import Testing

/// MaxPool2D, AvgPool2D, SumPool2D and GlobalAvgPool2D: PyTorch golden values
/// (Tools/reference/layers_golden.py), finite differences and errors.
@Suite struct PoolingLayerTests {
    static let cases: [(String, () throws -> Layer)] = [
        ("maxpool_k2", { try MaxPool2D(kernelSize: 2) }),
        ("maxpool_k3_s2_p1", { try MaxPool2D(kernelSize: 3, stride: 2, padding: 1) }),
        ("maxpool_k3_s2_ceil", { try MaxPool2D(kernelSize: 3, stride: 2, ceilMode: true) }),
        ("avgpool_k3_s2_p1", { try AvgPool2D(kernelSize: 3, stride: 2, padding: 1) }),
        (
            "avgpool_k3_s2_p1_excl",
            {
                try AvgPool2D(kernelSize: 3, stride: 2, padding: 1, countIncludesPadding: false)
            }
        ),
        ("avgpool_k2_ceil", { try AvgPool2D(kernelSize: 2, ceilMode: true) }),
        ("sumpool_k2_s1", { try SumPool2D(kernelSize: 2, stride: 1) }),
        ("sumpool_k3_s2_p1", { try SumPool2D(kernelSize: 3, stride: 2, padding: 1) }),
        ("globalavgpool", { GlobalAvgPool2D() }),
    ]

    @Test func matchPyTorch() throws {
        for (name, make) in PoolingLayerTests.cases {
            try checkAgainstGolden(try make(), case: name)
        }
    }

    @Test func finiteDifferences() throws {
        // Distinct, well-separated values: no max-pool ties within the finite-difference step.
        var generator = Xoshiro256(seed: 4)
        var values = (0..<2 * 2 * 7 * 7).map { Float($0) * 0.05 }
        values.shuffle(using: &generator)
        let input = try Tensor(shape: [2, 2, 7, 7], scalars: values)
        for (_, make) in PoolingLayerTests.cases {
            try LayerGradientCheck.check(try make(), input: input, tolerance: 2e-3)
        }
    }

    @Test func handComputedSumAndMax() throws {
        let x = try Tensor(shape: [1, 1, 2, 4], scalars: [1, 5, 2, 0, 3, 4, -1, 7])
        #expect(try SumPool2D(kernelSize: 2).forward(x).scalars == [13, 8])
        #expect(try MaxPool2D(kernelSize: 2).forward(x).scalars == [5, 7])
        #expect(try AvgPool2D(kernelSize: 2).forward(x).scalars == [3.25, 2])
        #expect(try GlobalAvgPool2D().forward(x).scalars == [2.625])
    }

    @Test func errorsNameTheShapes() throws {
        let pool = try MaxPool2D(kernelSize: 5)
        let small = try #require(throws: NeuralNetError.self) {
            try pool.forward(try Tensor.zeros([1, 16, 3, 3]))
        }
        #expect("\(small)".contains("MaxPool2D") && "\(small)".contains("[1, 16, 3, 3]"))
        #expect("\(small)".contains("5x5"))
        let rank = try #require(throws: NeuralNetError.self) {
            try AvgPool2D(kernelSize: 2).forward(try Tensor.zeros([4, 4]))
        }
        #expect("\(rank)".contains("AvgPool2D") && "\(rank)".contains("[4, 4]"))
        #expect(throws: NeuralNetError.self) { try GlobalAvgPool2D().forward(Tensor([1])) }
        #expect(throws: NeuralNetError.self) { try SumPool2D(kernelSize: 2, padding: 2) }
        #expect(throws: NeuralNetError.self) { try MaxPool2D(kernelSize: 0) }
        #expect(throws: NeuralNetError.self) { try MaxPool2D(kernelSize: 2, stride: 0) }
        let layer = try MaxPool2D(kernelSize: 2)
        _ = try layer.forward(try Tensor.zeros([1, 1, 4, 4]))
        #expect(throws: NeuralNetError.self) { try layer.backward(try Tensor.zeros([1, 1, 3, 3])) }
    }
}
