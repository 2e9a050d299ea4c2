import NeuralNet
import TensorMath
import TensorMathTesting
import Testing

/// `Layer.forwardTrace(_:)`: the recorded outputs are the ones each prefix of the network
/// computes, the final output is `forward(_:)`'s bit for bit, names and order follow the
/// containers (Sequential and every residual shortcut), and a failing layer is named.
@Suite struct LayerTraceTests {
    static func network(seed: UInt64) throws -> Sequential {
        var g = Xoshiro256(seed: seed)
        let features = Sequential(
            try Conv2D(
                inputChannels: 1, outputChannels: 3, kernelSize: 3, padding: .same,
                generator: &g),
            ReLU(), try MaxPool2D(kernelSize: 2))
        return try Sequential(named: [
            ("features", features), ("flatten", Flatten()),
            ("fc", try Linear(inputSize: 3 * 3 * 3, outputSize: 4, generator: &g)),
        ])
    }

    @Test func recordsEveryLayerInOrderWithItsOutput() throws {
        let model = try Self.network(seed: 1)
        model.setTraining(false)
        var g = Xoshiro256(seed: 9)
        let input = try Tensor.normal([2, 1, 6, 6], using: &g)
        let trace = try model.forwardTrace(input)
        // Inference-mode forward folds each batch normalization into its convolution.
        let expected = try model.forward(input)
        expectClose(trace.output, expected, tolerance: 1e-5)
        #expect(
            trace.steps.map(\.name) == [
                "features.0", "features.1", "features.2", "features", "flatten", "fc", "",
            ])
        #expect(trace.steps.map(\.depth) == [1, 1, 1, 0, 0, 0, 0])
        #expect(trace.steps.map(\.isContainer) == [false, false, false, true, false, false, true])
        #expect(
            trace.steps.map(\.output.shape) == [
                [2, 3, 6, 6], [2, 3, 6, 6], [2, 3, 3, 3], [2, 3, 3, 3], [2, 27], [2, 4], [2, 4],
            ])
        let layers = (model.layers[0] as! Sequential).layers
        let convolved = try layers[0].forward(input)
        #expect(trace.steps[0].output == convolved)
        #expect(trace.steps[1].output == convolved.relu())
        #expect(trace.steps[1].layer === layers[1])
        #expect(trace.steps.last?.layer === model)
    }

    @Test func residualBlocksTraceBodyShortcutAndSum() throws {
        var g = Xoshiro256(seed: 3)
        let projection = try Residual.basicBlock(
            inputChannels: 2, outputChannels: 4, stride: 2, generator: &g)
        let zeroPad = try Residual.basicBlock(
            inputChannels: 4, outputChannels: 6, stride: 2, downsampling: .zeroPad, generator: &g)
        let plainBody = try Residual(
            body: try Conv2D(
                inputChannels: 6, outputChannels: 6, kernelSize: 1, generator: &g),
            finalReLU: false)
        let model = Sequential(projection, zeroPad, plainBody)
        model.setTraining(false)
        let input = try Tensor.normal([1, 2, 8, 8], using: &g)
        let trace = try model.forwardTrace(input)
        // Inference-mode forward folds each batch normalization into its convolution.
        let expected = try model.forward(input)
        expectClose(trace.output, expected, tolerance: 1e-5)
        let body = ["conv1", "bn1", "relu", "conv2", "bn2"]
        #expect(
            trace.steps.map(\.name) == body.map { "0.\($0)" } + [
                "0.shortcut.0", "0.shortcut.1", "0.shortcut", "0",
            ]
                + body.map { "1.\($0)" } + ["1", "2.body", "2", ""])
        let blocks = trace.steps.filter { ["0", "1", "2"].contains($0.name) }
        #expect(blocks.map(\.output.shape) == [[1, 4, 4, 4], [1, 6, 2, 2], [1, 6, 2, 2]])
        let first = try projection.forward(input)
        expectClose(blocks[0].output, first, tolerance: 1e-5)
        #expect(blocks.allSatisfy { $0.isContainer })
    }

    @Test func aFailingLayerIsNamed() throws {
        let model = try Self.network(seed: 2)
        let wrong = try Tensor.zeros([1, 2, 6, 6])
        let error = #expect(throws: NeuralNetError.self) { try model.forwardTrace(wrong) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("features.0"))
    }
}
