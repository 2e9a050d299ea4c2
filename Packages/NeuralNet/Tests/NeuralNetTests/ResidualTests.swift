import NeuralNet
import TensorMath
import TensorMathTesting
import Testing

/// Residual blocks with each shortcut: PyTorch golden values of a torchvision-style
/// BasicBlock (Tools/reference/layers_golden.py), names, finite differences and errors.
@Suite struct ResidualTests {
    static let cases: [(String, Int, Int, Size2D, Residual.Downsampling)] = [
        ("residual_identity", 3, 3, 1, .projection),
        ("residual_zeropad", 2, 4, 2, .zeroPad),
        ("residual_zeropad_odd", 2, 5, 2, .zeroPad),
        ("residual_projection", 2, 4, 2, .projection),
    ]

    @Test func matchesPyTorchBasicBlock() throws {
        for (name, input, output, stride, downsampling) in ResidualTests.cases {
            var generator = Xoshiro256(seed: 1)
            let block = try Residual.basicBlock(
                inputChannels: input, outputChannels: output, stride: stride,
                downsampling: downsampling, generator: &generator)
            // Strict loading checks that every PyTorch state-dict key maps to ours.
            try block.loadStateDictionary(Golden.tensors(prefixed: "\(name).state."))
            try checkAgainstGolden(block, case: name)
            let after = Golden.tensors(prefixed: "\(name).after.buffer.")
            #expect(after.count == block.namedBuffers.count)
            for (bufferName, buffer) in block.namedBuffers {
                expectClose(
                    buffer.value, try #require(after[bufferName]), tolerance: 1e-5,
                    "\(name) \(bufferName)")
            }
        }
    }

    @Test func namesMapTorchvisionBasicBlock() throws {
        var generator = Xoshiro256(seed: 2)
        let projection = try Residual.basicBlock(
            inputChannels: 16, outputChannels: 32, stride: 2, generator: &generator)
        #expect(
            projection.namedParameters.map(\.name) == [
                "conv1.weight", "bn1.weight", "bn1.bias", "conv2.weight", "bn2.weight", "bn2.bias",
                "shortcut.0.weight", "shortcut.1.weight", "shortcut.1.bias",
            ])
        #expect(projection.namedBuffers.map(\.name).contains("shortcut.1.running_var"))
        let optionA = try Residual.basicBlock(
            inputChannels: 16, outputChannels: 32, stride: 2, downsampling: .zeroPad,
            generator: &generator)
        #expect(optionA.parameterCount == 32 * 16 * 9 + 32 * 32 * 9 + 4 * 32)
        #expect(!optionA.namedParameters.contains { $0.name.hasPrefix("shortcut") })
        // A body that is not a Sequential is named `body`.
        let plain = try Residual(body: ReLU(), finalReLU: false)
        #expect(plain.children.map(\.name) == ["body"])
    }

    /// A BasicBlock-shaped body with tanh in place of the inner ReLU: finite differences
    /// through batch norm in training mode would otherwise straddle ReLU kinks (the golden test
    /// covers the ReLU version).
    func smoothBody<G: RandomNumberGenerator>(
        _ input: Int, _ output: Int, stride: Size2D, generator: inout G
    ) throws -> Sequential {
        try Sequential(named: [
            (
                "conv1",
                try Conv2D(
                    inputChannels: input, outputChannels: output, kernelSize: 3, stride: stride,
                    padding: .explicit(1), bias: false, generator: &generator)
            ),
            ("bn1", try BatchNorm2D(features: output)),
            ("act", Tanh()),
            (
                "conv2",
                try Conv2D(
                    inputChannels: output, outputChannels: output, kernelSize: 3,
                    padding: .explicit(1), generator: &generator)
            ),
            ("bn2", try BatchNorm2D(features: output)),
        ])
    }

    @Test func finiteDifferencesForEachShortcut() throws {
        var generator = Xoshiro256(seed: 30)
        let blocks: [(Residual, Int)] = [
            (
                try Residual(
                    body: try smoothBody(3, 3, stride: 1, generator: &generator), finalReLU: false),
                3
            ),
            (
                try Residual(
                    body: try smoothBody(2, 4, stride: 2, generator: &generator),
                    shortcut: .zeroPadIdentity(stride: 2, outputChannels: 4), finalReLU: false), 2
            ),
            (
                try Residual(
                    body: try smoothBody(2, 3, stride: 2, generator: &generator),
                    shortcut: .zeroPadIdentity(stride: 2, outputChannels: 3), finalReLU: false), 2
            ),
            (
                try Residual(
                    body: try smoothBody(2, 4, stride: 2, generator: &generator),
                    shortcut: try .projection(
                        inputChannels: 2, outputChannels: 4, stride: 2, generator: &generator),
                    finalReLU: false), 2
            ),
        ]
        for (index, (block, channels)) in blocks.enumerated() {
            let x = try Tensor.normal([2, channels, 4, 4], using: &generator)
            try LayerGradientCheck.check(
                block, input: x, step: 3e-3, tolerance: 5e-3, label: "block \(index): ")
        }
        // The final ReLU: a body scaled down by bn2 and inputs far from 0 keep every sum clear
        // of the kink (half of them negative, so the mask matters).
        let body = try smoothBody(2, 2, stride: 1, generator: &generator)
        let withReLU = try Residual(body: body)
        let bn2 = try #require(body.layers[4] as? BatchNorm2D)
        try bn2.weight?.assign(Tensor([0.1, 0.1]))
        let signs = try Tensor.normal([2, 2, 4, 4], using: &generator)
        let x = try Tensor(
            shape: signs.shape, scalars: signs.scalars.map { $0 > 0 ? 1 + $0 : $0 - 5 })
        try LayerGradientCheck.check(
            withReLU, input: x, step: 1e-2, tolerance: 5e-3, label: "final ReLU: ")
        // A body that is not a Sequential.
        let linear = try Linear(inputSize: 3, outputSize: 3, generator: &generator)
        let block = try Residual(body: linear, finalReLU: false)
        try LayerGradientCheck.check(
            block, input: try Tensor.normal([2, 3], using: &generator), tolerance: 2e-3)
    }

    @Test func zeroPadShortcutSubsamplesAndPads() throws {
        // Body producing zeros isolates the shortcut: channels 2 → 4 put the input in 1...2.
        let body = try Conv2D(
            weight: try Tensor.zeros([4, 2, 1, 1]), bias: nil, stride: 2)
        let block = try Residual(
            body: body, shortcut: .zeroPadIdentity(stride: 2, outputChannels: 4), finalReLU: false)
        let x = try Tensor(shape: [1, 2, 3, 3], scalars: (0..<18).map(Float.init))
        let y = try block.forward(x)
        #expect(y.shape == [1, 4, 2, 2])
        #expect(y.scalars == [0, 0, 0, 0, 0, 2, 6, 8, 9, 11, 15, 17, 0, 0, 0, 0])
    }

    @Test func errorsCarryDottedNames() throws {
        var generator = Xoshiro256(seed: 3)
        let model = Sequential(
            try Conv2D(inputChannels: 1, outputChannels: 4, kernelSize: 3, generator: &generator),
            try Residual.basicBlock(inputChannels: 8, outputChannels: 8, generator: &generator))
        let error = try #require(throws: NeuralNetError.self) {
            try model.forward(try Tensor.zeros([1, 1, 8, 8]))
        }
        #expect("\(error)".hasPrefix("layer 1.conv1 (Conv2D): input has 4 channels"))
        // Mismatched branches.
        let mismatched = try Residual(
            body: try Conv2D(
                inputChannels: 2, outputChannels: 3, kernelSize: 1, generator: &generator))
        let branches = try #require(throws: NeuralNetError.self) {
            try Sequential(named: [("block", mismatched)]).forward(try Tensor.zeros([1, 2, 4, 4]))
        }
        #expect("\(branches)".contains("layer block (Residual)"))
        #expect("\(branches)".contains("[1, 3, 4, 4]") && "\(branches)".contains("[1, 2, 4, 4]"))
        let shrink = try Residual(
            body: ReLU(), shortcut: .zeroPadIdentity(stride: 1, outputChannels: 1))
        #expect(throws: NeuralNetError.self) { try shrink.forward(try Tensor.zeros([1, 2, 2, 2])) }
        let wrapped = try Residual(
            body: try Linear(inputSize: 2, outputSize: 2, generator: &generator))
        let bodyError = try #require(throws: NeuralNetError.self) {
            try wrapped.forward(try Tensor.zeros([1, 3]))
        }
        #expect("\(bodyError)".hasPrefix("layer body (Linear)"))
    }
}
