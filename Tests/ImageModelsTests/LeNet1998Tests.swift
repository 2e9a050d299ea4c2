import Foundation
import ImageModels
import NeuralNet
import TensorMath
import Testing

/// LeNet-5 as published (LeCun et al., 1998): the paper's 60,000 parameters (C3: 1,516), the
/// summary, the paper's initialization, the dense variant, errors and a short training run.
@Suite struct LeNet1998Tests {
    @Test func sixtyThousandParametersAsInThePaper() throws {
        var generator = Xoshiro256(seed: 1)
        let model = try LeNet1998.makeModel(generator: &generator)
        #expect(model.parameterCount == 60_000)
        let counts = Dictionary(
            uniqueKeysWithValues: model.namedParameters.map { ($0.name, $0.parameter.value.count) })
        let perLayer: [(String, Int)] = [
            ("features.0", 156), ("features.2", 12), ("features.4", 1_516), ("features.6", 32),
            ("features.8", 48_120), ("classifier.0", 10_164),
        ]
        for (layer, expected) in perLayer {
            let total = (counts["\(layer).weight"] ?? 0) + (counts["\(layer).bias"] ?? 0)
            #expect(total == expected, "\(layer)")
        }
        #expect(counts.count == 12)
        #expect(model.namedBuffers.map(\.name) == ["classifier.2.prototypes"])
        #expect(model.namedBuffers[0].buffer.value == EuclideanRBF.digitPrototypes)
        #expect(try model.forward(try Tensor.zeros([3, 1, 28, 28])).shape == [3, 10])
    }

    @Test func summaryShowsThePaperCounts() throws {
        var generator = Xoshiro256(seed: 2)
        let model = try LeNet1998.makeModel(generator: &generator)
        let summary = try model.summary(inputShape: [1, 28, 28])
        #expect(summary.parameterCount == 60_000)
        #expect(summary.bufferCount == 840)
        let c3 = try #require(summary.rows.first { $0.name == LeNet1998.c3Path })
        #expect(c3.type == "PartiallyConnectedConv2D")
        #expect(c3.parameterCount == 1_516)
        #expect(c3.outputShape == [1, 16, 10, 10])
        let shapes = summary.rows.filter { $0.depth == 1 }.map(\.outputShape)
        #expect(shapes.first == [1, 6, 28, 28])
        #expect(summary.outputShape == [1, 10])
        #expect("\(summary)".contains("Trainable parameters: 60,000"), "\(summary)")
        #expect("\(summary)".contains("Buffers (saved, not trained): 840"), "\(summary)")
    }

    @Test func paperInitializationAndVariants() throws {
        var generator = Xoshiro256(seed: 3)
        let model = try LeNet1998.makeModel(generator: &generator)
        let bounds: [String: Float] = [
            "features.0.weight": 2.4 / 25, "features.2.weight": 2.4 / 4,
            "features.8.weight": 2.4 / 400, "classifier.0.weight": 2.4 / 120,
        ]
        for (name, parameter) in model.namedParameters {
            guard let bound = bounds[name] else { continue }
            let largest = parameter.value.abs().max()
            #expect(largest <= bound && largest > 0.8 * bound, "\(name): \(largest)")
        }
        // C3's maps with 6 inputs get the smallest range.
        let c3 = try #require(model.namedDescendants.first { $0.name == LeNet1998.c3Path })
        let weight = try #require(c3.layer.ownParameters.first).parameter.value
        #expect(weight.scalars.suffix(150).allSatisfy { Swift.abs($0) <= 2.4 / 150 })

        let dense = try LeNet1998.makeModel(.init(output: .dense), generator: &generator)
        #expect(dense.parameterCount == 60_850)
        #expect(dense.namedBuffers.isEmpty)
        let big = try LeNet1998.makeModel(
            .init(initialization: .pytorch, inputSize: 32), generator: &generator)
        #expect(try big.forward(try Tensor.zeros([1, 1, 32, 32])).shape == [1, 10])
        #expect(throws: NeuralNetError.self) {
            try LeNet1998.makeModel(.init(inputSize: 30), generator: &generator)
        }
        let json = try JSONEncoder().encode(LeNet1998.Configuration(output: .dense))
        #expect(String(decoding: json, as: UTF8.self).contains("\"output\":\"dense\""))
    }

    @Test func trainsOnSyntheticData() throws {
        var generator = Xoshiro256(seed: 5)
        let model = try LeNet1998.makeModel(generator: &generator)
        let optimizer = try Adam(model, learningRate: 0.003)
        // Small batches: the tanh kernel is slow in debug builds.
        let (images, labels) = try LeNet5Tests.syntheticBatch(count: 24, seed: 6)
        var losses: [Float] = []
        for _ in 0..<20 {
            model.zeroGradients()
            let loss = try Loss.softmaxCrossEntropy(
                logits: try model.forward(images), labels: labels)
            _ = try model.backward(loss.gradient)
            try optimizer.step()
            losses.append(loss.value)
        }
        #expect(losses.last! < 0.25 * losses.first!, "losses \(losses)")
        let prototypes = try #require(model.namedBuffers.first).buffer.value
        #expect(prototypes == EuclideanRBF.digitPrototypes, "the prototypes are not trained")
        let (test, testLabels) = try LeNet5Tests.syntheticBatch(count: 32, seed: 7)
        model.setTraining(false)
        let predictions = try model.forward(test).argmax(alongAxis: 1)
        let correct = zip(predictions, testLabels).filter { $0 == $1 }.count
        #expect(correct >= 29, "\(correct)/32 correct")
    }
}
