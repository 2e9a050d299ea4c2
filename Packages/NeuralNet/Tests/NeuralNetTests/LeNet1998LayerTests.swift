import NeuralNet
import TensorMath
import TensorMathTesting
import Testing

/// The layers of LeNet-5 as published (LeCun et al., 1998): Subsampling2D,
/// PartiallyConnectedConv2D (Table I), ScaledTanh and EuclideanRBF. PyTorch golden values
/// (Tools/reference/lenet1998_golden.py), finite differences, hand-computed cases and errors.
@Suite struct LeNet1998LayerTests {
    // MARK: Subsampling2D

    @Test func subsamplingMatchesPyTorch() throws {
        let layer = try Subsampling2D(
            weight: try Golden.tensor("subsampling.param.weight"),
            bias: try Golden.tensor("subsampling.param.bias"))
        try checkAgainstGolden(layer, case: "subsampling")
    }

    @Test func subsamplingHandComputed() throws {
        let layer = try Subsampling2D(weight: Tensor([2, -1]), bias: Tensor([0.5, 1]))
        let x = try Tensor(
            shape: [1, 2, 2, 3], scalars: [1, 2, 9, 3, 4, 9, 1, 1, 9, 1, 1, 9])
        let y = try layer.forward(x)
        #expect(y.shape == [1, 2, 1, 1])
        #expect(y.scalars == [20.5, -3] as [Float])
        #expect(layer.parameterCount == 4)
        var generator = Xoshiro256(seed: 1)
        #expect(try Subsampling2D(channels: 16, generator: &generator).parameterCount == 32)
    }

    @Test func subsamplingFiniteDifferences() throws {
        var generator = Xoshiro256(seed: 3)
        let layer = try Subsampling2D(channels: 3, generator: &generator)
        try LayerGradientCheck.check(
            layer, input: try Tensor.normal([2, 3, 5, 4], using: &generator), tolerance: 1e-3)
        let wide = try Subsampling2D(channels: 2, kernelSize: 3, generator: &generator)
        try LayerGradientCheck.check(
            wide, input: try Tensor.normal([1, 2, 7, 6], using: &generator), tolerance: 1e-3)
    }

    @Test func subsamplingErrors() throws {
        var generator = Xoshiro256(seed: 1)
        let layer = try Subsampling2D(channels: 6, generator: &generator)
        let channels = try #require(throws: NeuralNetError.self) {
            try layer.forward(try Tensor.zeros([1, 5, 4, 4]))
        }
        #expect("\(channels)".contains("Subsampling2D") && "\(channels)".contains("[1, 5, 4, 4]"))
        #expect(throws: NeuralNetError.self) { try layer.forward(try Tensor.zeros([1, 6, 1, 4])) }
        #expect(throws: NeuralNetError.self) { try layer.forward(try Tensor.zeros([6, 4, 4])) }
        #expect(throws: NeuralNetError.self) { try layer.backward(try Tensor.zeros([1, 6, 2, 2])) }
        #expect(throws: NeuralNetError.self) {
            try Subsampling2D(weight: Tensor([1, 2]), bias: Tensor([1]))
        }
        #expect(throws: NeuralNetError.self) {
            try Subsampling2D(channels: 0, generator: &generator)
        }
    }

    // MARK: PartiallyConnectedConv2D

    /// Table I of the paper, column by column: which of S2's maps each C3 map takes.
    @Test func tableIAsPublished() throws {
        let table = PartiallyConnectedConv2D.lenet5TableI
        #expect(table.count == 16)
        func contiguous(_ start: Int, _ length: Int) -> [Int] {
            (0..<length).map { (start + $0) % 6 }.sorted()
        }
        for map in 0..<6 { #expect(table[map] == contiguous(map, 3), "C3 map \(map)") }
        for map in 6..<12 { #expect(table[map] == contiguous(map - 6, 4), "C3 map \(map)") }
        #expect(table[12] == [0, 1, 3, 4])
        #expect(table[13] == [1, 2, 4, 5])
        #expect(table[14] == [0, 2, 3, 5])
        for map in 12..<15 {
            #expect(!(0..<6).contains { table[map] == contiguous($0, 4) }, "C3 map \(map)")
        }
        #expect(table[15] == [0, 1, 2, 3, 4, 5])
        // The published rows (S2 map → the C3 maps it feeds), as printed in Table I.
        let rows: [String] = [
            "X   XXX  XXXX XX",
            "XX   XXX  XXXX X",
            "XXX   XXX  X XXX",
            " XXX  XXXX  X XX",
            "  XXX  XXXX XX X",
            "   XXX  XXXX XXX",
        ]
        var generator = Xoshiro256(seed: 1)
        let c3 = try PartiallyConnectedConv2D(
            inputChannels: 6, connections: table, kernelSize: 5, generator: &generator)
        #expect(c3.connectionTable.map { String($0.map { $0 ? "X" : " " }) } == rows)
        #expect(c3.connectionCount == 60)
        #expect(c3.parameterCount == 1516)
        #expect(c3.weight.value.shape == [60, 5, 5] && c3.bias.value.shape == [16])
    }

    @Test func partialConvolutionMatchesPyTorch() throws {
        let layer = try PartiallyConnectedConv2D(
            inputChannels: 6, connections: PartiallyConnectedConv2D.lenet5TableI,
            weight: try Golden.tensor("partial_conv.param.weight"),
            bias: try Golden.tensor("partial_conv.param.bias"))
        try checkAgainstGolden(layer, case: "partial_conv")
    }

    @Test func partialConvolutionIsAMaskedConvolution() throws {
        var generator = Xoshiro256(seed: 8)
        let layer = try PartiallyConnectedConv2D(
            inputChannels: 3, connections: [[0], [1, 2], [2, 0]], kernelSize: Size2D(2, 3),
            generator: &generator)
        let dense = try layer.denseWeight()
        #expect(dense.shape == [3, 3, 2, 3])
        // Output map 0 ignores input maps 1 and 2; map 1 ignores 0; map 2 ignores 1.
        let zeroed = [(0, 1), (0, 2), (1, 0), (2, 1)]
        for (output, input) in zeroed {
            let start = (output * 3 + input) * 6
            #expect(dense.scalars[start..<start + 6].allSatisfy { $0 == 0 })
        }
        let x = try Tensor.normal([2, 3, 4, 5], using: &generator)
        let reference = try Conv2D(weight: dense, bias: layer.bias.value)
        expectClose(try layer.forward(x), try reference.forward(x), tolerance: 1e-5, "output")
        try LayerGradientCheck.check(layer, input: x, tolerance: 1e-3)
    }

    @Test func partialConvolutionErrors() throws {
        var generator = Xoshiro256(seed: 1)
        for bad in [[], [[0], []], [[0, 3]], [[1, 1]], [[-1]]] as [[[Int]]] {
            #expect(throws: NeuralNetError.self, "table \(bad)") {
                try PartiallyConnectedConv2D(
                    inputChannels: 3, connections: bad, kernelSize: 5, generator: &generator)
            }
        }
        #expect(throws: NeuralNetError.self) {
            try PartiallyConnectedConv2D(
                inputChannels: 2, connections: [[0, 1]], weight: try Tensor.zeros([1, 5, 5]),
                bias: Tensor([0]))
        }
        let layer = try PartiallyConnectedConv2D(
            inputChannels: 6, connections: PartiallyConnectedConv2D.lenet5TableI,
            kernelSize: 5, generator: &generator)
        let error = try #require(throws: NeuralNetError.self) {
            try layer.forward(try Tensor.zeros([1, 16, 14, 14]))
        }
        #expect("\(error)".contains("PartiallyConnectedConv2D"))
        #expect("\(error)".contains("[1, 16, 14, 14]"))
        #expect(throws: NeuralNetError.self) { try layer.forward(try Tensor.zeros([1, 6, 4, 4])) }
        #expect(throws: NeuralNetError.self) {
            try layer.backward(try Tensor.zeros([1, 16, 10, 10]))
        }
    }

    // MARK: ScaledTanh

    @Test func scaledTanhMatchesPyTorch() throws {
        try checkAgainstGolden(try ScaledTanh(), case: "scaled_tanh")
    }

    @Test func scaledTanhProperties() throws {
        let layer = try ScaledTanh()
        let y = try layer.forward(Tensor([-1, 0, 1, 100]))
        #expect(abs(y.scalars[0] + 1) < 1e-4 && y.scalars[1] == 0 && abs(y.scalars[2] - 1) < 1e-4)
        #expect(abs(y.scalars[3] - 1.7159) < 1e-5)
        try LayerGradientCheck.check(
            layer, input: try LayerGradientCheck.input([2, 5], seed: 3), tolerance: 1e-3)
        try LayerGradientCheck.check(
            try ScaledTanh(amplitude: 2, slope: 0.5),
            input: try LayerGradientCheck.input([7], seed: 4), tolerance: 1e-3)
        #expect(throws: NeuralNetError.self) { try ScaledTanh(amplitude: 0) }
        #expect(throws: NeuralNetError.self) { try ScaledTanh(slope: .nan) }
    }

    // MARK: EuclideanRBF

    @Test func rbfMatchesPyTorch() throws {
        for (name, negated) in [("rbf", false), ("rbf_negated", true)] {
            let layer = try EuclideanRBF(
                prototypes: try Golden.tensor("\(name).buffer.prototypes"), negated: negated)
            try checkAgainstGolden(layer, case: name)
        }
    }

    @Test func rbfHandComputedAndFixed() throws {
        let prototypes = try Tensor(shape: [2, 2], scalars: [1, -1, -1, 1])
        let layer = try EuclideanRBF(prototypes: prototypes)
        let y = try layer.forward(try Tensor(shape: [1, 2], scalars: [1, 1]))
        #expect(y.scalars == [4, 4])
        #expect(try layer.forward(try Tensor(shape: [1, 2], scalars: [1, -1])).scalars == [0, 8])
        #expect(layer.parameterCount == 0)
        #expect(layer.namedBuffers.map(\.name) == ["prototypes"])
        var generator = Xoshiro256(seed: 6)
        for negated in [false, true] {
            let rbf = try EuclideanRBF(
                prototypes: try Tensor.normal([3, 4], using: &generator), negated: negated)
            try LayerGradientCheck.check(
                rbf, input: try Tensor.normal([2, 4], using: &generator), tolerance: 1e-3)
        }
        #expect(throws: NeuralNetError.self) { try layer.forward(try Tensor.zeros([1, 3])) }
        #expect(throws: NeuralNetError.self) { try EuclideanRBF(prototypes: Tensor([1, 2])) }
    }

    @Test func digitPrototypesAreDistinctBitmaps() throws {
        let bitmaps = EuclideanRBF.digitBitmaps
        #expect(bitmaps.count == 10)
        for (digit, rows) in bitmaps.enumerated() {
            #expect(rows.count == 12, "digit \(digit)")
            #expect(rows.allSatisfy { $0.count == 7 && $0.allSatisfy { "#.".contains($0) } })
        }
        let prototypes = EuclideanRBF.digitPrototypes
        #expect(prototypes.shape == [10, 84])
        #expect(prototypes.scalars.allSatisfy { $0 == 1 || $0 == -1 })
        // Every pair differs in at least 10 of the 84 pixels.
        for a in 0..<10 {
            for b in a + 1..<10 {
                let differing = (0..<84).filter {
                    prototypes.scalars[a * 84 + $0] != prototypes.scalars[b * 84 + $0]
                }
                #expect(differing.count >= 10, "digits \(a) and \(b)")
            }
        }
    }
}
