import NeuralNet
import TensorMath
import Testing

/// ModelSummary: rows, shapes, parameter and FLOP counts, mode restoration, and shape
/// mistakes reported with dotted names before training.
@Suite struct ModelSummaryTests {
    func smallCNN(secondConvInput: Int = 6) throws -> Sequential {
        var generator = Xoshiro256(seed: 1)
        let features = Sequential(
            try Conv2D(
                inputChannels: 1, outputChannels: 6, kernelSize: 5, padding: .explicit(2),
                generator: &generator),
            ReLU(),
            try MaxPool2D(kernelSize: 2),
            try Conv2D(
                inputChannels: secondConvInput, outputChannels: 16, kernelSize: 5,
                generator: &generator),
            try BatchNorm2D(features: 16),
            ReLU())
        return try Sequential(named: [
            ("features", features),
            (
                "block",
                try Residual.basicBlock(
                    inputChannels: 16, outputChannels: 16, generator: &generator)
            ),
            ("pool", GlobalAvgPool2D()),
            ("classifier", try Linear(inputSize: 16, outputSize: 10, generator: &generator)),
        ])
    }

    @Test func rowsShapesAndCounts() throws {
        let model = try smallCNN()
        let summary = try model.summary(inputShape: [1, 28, 28])
        #expect(summary.inputShape == [1, 1, 28, 28])
        #expect(summary.outputShape == [1, 10])
        #expect(
            summary.rows.map(\.name) == [
                "features", "features.0", "features.1", "features.2", "features.3", "features.4",
                "features.5", "block", "block.conv1", "block.bn1", "block.relu", "block.conv2",
                "block.bn2", "pool", "classifier",
            ])
        let byName = Dictionary(uniqueKeysWithValues: summary.rows.map { ($0.name, $0) })
        #expect(byName["features.0"]?.outputShape == [1, 6, 28, 28])
        #expect(byName["features.0"]?.type == "Conv2D")
        #expect(byName["features.0"]?.parameterCount == 156)
        #expect(byName["features.0"]?.flops == 28 * 28 * 6 * (2 * 25 + 1))
        #expect(byName["features.3"]?.outputShape == [1, 16, 10, 10])
        #expect(byName["block"]?.isContainer == true && byName["block"]?.depth == 0)
        #expect(byName["block.conv1"]?.depth == 1)
        #expect(byName["classifier"]?.flops == 10 * (2 * 16 + 1))
        #expect(summary.rows.reduce(0) { $0 + $1.parameterCount } == model.parameterCount)
        #expect(summary.parameterCount == model.parameterCount)
        #expect(summary.bufferCount == 3 * (2 * 16 + 1))
        #expect(summary.flops > 0)
        let text = summary.description
        #expect(text.contains("features.0 (Conv2D)") && text.contains("[1, 6, 28, 28]"))
        let total = ModelSummaryTests.grouped(model.parameterCount)
        #expect(text.contains("Trainable parameters: \(total)"))
    }

    static func grouped(_ value: Int) -> String {
        let digits = Array(String(value))
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return result
    }

    @Test func restoresModesAndRunsWithoutUpdatingStatistics() throws {
        let model = try smallCNN()
        model.setTraining(true)
        let before = model.stateDictionary
        _ = try model.summary(inputShape: [1, 28, 28])
        #expect(model.isTraining)
        #expect(model.namedDescendants.allSatisfy { $0.layer.isTraining })
        #expect(model.stateDictionary == before)
        model.setTraining(false)
        _ = try model.summary(inputShape: [1, 28, 28])
        #expect(model.namedDescendants.allSatisfy { !$0.layer.isTraining })
    }

    @Test func wrongChannelCountIsReportedWithItsDottedName() throws {
        let model = try smallCNN(secondConvInput: 4)
        let expected = "layer features.3 (Conv2D): input has 6 channels, weight expects 4"
        // In a forward pass…
        let forward = try #require(throws: NeuralNetError.self) {
            try model.forward(try Tensor.zeros([8, 1, 28, 28]))
        }
        #expect("\(forward)".hasPrefix(expected))
        #expect("\(forward)".contains("[8, 6, 14, 14]") && "\(forward)".contains("[16, 4, 5, 5]"))
        // …and before training, by the summary.
        let summary = try #require(throws: NeuralNetError.self) {
            try model.summary(inputShape: [1, 28, 28])
        }
        #expect("\(summary)".hasPrefix(expected))
        #expect("\(summary)".contains("[1, 6, 14, 14]"))
        // A too-small input for a kernel, deeper in a residual block.
        let small = try #require(throws: NeuralNetError.self) {
            try smallCNN().summary(inputShape: [1, 8, 8])
        }
        #expect("\(small)".hasPrefix("layer features.3 (Conv2D): input [1, 6, 4, 4] is too small"))
    }

    @Test func singleLayerModel() throws {
        var generator = Xoshiro256(seed: 1)
        let summary = try Linear(inputSize: 4, outputSize: 2, generator: &generator)
            .summary(inputShape: [4])
        #expect(summary.rows.count == 1 && summary.rows[0].name.isEmpty)
        #expect(summary.outputShape == [1, 2] && summary.parameterCount == 10)
        #expect(throws: NeuralNetError.self) {
            try Linear(inputSize: 4, outputSize: 2, generator: &generator).summary(inputShape: [-1])
        }
    }
}
