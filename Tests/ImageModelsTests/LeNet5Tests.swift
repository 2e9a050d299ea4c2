import Foundation
import ImageModels
import NeuralNet
import TensorMath
import Testing

/// LeNet-5: parameter names and counts, a PyTorch golden forward (LeNet5GoldenFixture.swift,
/// written by Tools/reference/layers_golden.py), the summary, configuration coding, and
/// training on synthetic data.
@Suite struct LeNet5Tests {
    struct Golden: Decodable {
        var names: [String]
        var counts: [Int]
        var relu_max: [Float]
        var tanh_avg: [Float]
    }

    static let golden: Golden? = try? JSONDecoder().decode(
        Golden.self, from: Data(LeNet5GoldenFixture.json.utf8))

    /// `((i·7919 + index·104729 + 1) mod 10007) / 10007 − offset`, times `scale`, as the
    /// reference script computes it (in Double, then rounded to Float).
    static func formulaValues(count: Int, index: Int, scale: Double, offset: Double) -> [Float] {
        (0..<count).map { i in
            let m = (i * 7919 + index * 104729 + 1) % 10007
            return Float((Double(m) / 10007.0 - offset) * scale)
        }
    }

    static func setDeterministicWeights(_ model: Layer) throws {
        var fanIn = 1
        for (index, (name, parameter)) in model.namedParameters.enumerated() {
            let shape = parameter.value.shape
            if name.hasSuffix("weight") { fanIn = shape.dropFirst().reduce(1, *) }
            let values = formulaValues(
                count: parameter.value.count, index: index,
                scale: 2.0 / Double(fanIn).squareRoot(), offset: 0.5)
            try parameter.assign(try Tensor(shape: shape, scalars: values))
        }
    }

    @Test func namesAndCountsMatchPyTorch() throws {
        var generator = Xoshiro256(seed: 1)
        let model = try LeNet5.makeModel(generator: &generator)
        #expect(model.parameterCount == 61_706)
        let golden = try #require(LeNet5Tests.golden)
        #expect(model.namedParameters.map(\.name) == golden.names)
        #expect(model.namedParameters.map(\.parameter.value.count) == golden.counts)
        #expect(
            model.namedParameters.map(\.name) == [
                "features.0.weight", "features.0.bias", "features.3.weight", "features.3.bias",
                "classifier.0.weight", "classifier.0.bias", "classifier.2.weight",
                "classifier.2.bias", "classifier.4.weight", "classifier.4.bias",
            ])
        // The tanh/average variant has the same parameters; 32x32 input needs no padding.
        let tanh = try LeNet5.makeModel(
            LeNet5.Configuration(activation: .tanh, pooling: .average), generator: &generator)
        #expect(tanh.parameterCount == 61_706)
        let padded = try LeNet5.makeModel(
            LeNet5.Configuration(inputSize: 32), generator: &generator)
        #expect(padded.parameterCount == 61_706)
        #expect(try padded.forward(try Tensor.zeros([2, 1, 32, 32])).shape == [2, 10])
    }

    @Test(arguments: [
        (Activation.relu, LeNet5.Configuration.Pooling.max), (.tanh, .average),
    ])
    func forwardMatchesPyTorch(_ activation: Activation, _ pooling: LeNet5.Configuration.Pooling)
        throws
    {
        var generator = Xoshiro256(seed: 2)
        let model = try LeNet5.makeModel(
            LeNet5.Configuration(activation: activation, pooling: pooling), generator: &generator)
        try LeNet5Tests.setDeterministicWeights(model)
        model.setTraining(false)
        let input = try Tensor(
            shape: [2, 1, 28, 28],
            scalars: LeNet5Tests.formulaValues(count: 2 * 784, index: 1000, scale: 1, offset: 0))
        let logits = try model.forward(input)
        let golden = try #require(LeNet5Tests.golden)
        let expected = activation == .relu ? golden.relu_max : golden.tanh_avg
        #expect(logits.shape == [2, 10])
        let error = zip(logits.scalars, expected).map { abs($0 - $1) }.max() ?? .infinity
        #expect(error < 1e-5, "max absolute difference \(error)")
    }

    @Test func summaryReportsShapesAndCounts() throws {
        var generator = Xoshiro256(seed: 3)
        let model = try LeNet5.makeModel(generator: &generator)
        let summary = try model.summary(inputShape: LeNet5.Configuration().inputShape)
        #expect(summary.parameterCount == 61_706)
        #expect(summary.outputShape == [1, 10])
        let shapes = Dictionary(
            uniqueKeysWithValues: summary.rows.map { ($0.name, $0.outputShape) })
        #expect(shapes["features.2"] == [1, 6, 14, 14])
        #expect(shapes["features.5"] == [1, 16, 5, 5])
        #expect(shapes["flatten"] == [1, 400])
        // Multiply-adds: conv1 117,600, conv2 240,000, fully connected 58,920 (×2 plus biases,
        // activations and pools).
        #expect(summary.flops > 2 * (117_600 + 240_000 + 58_920))
        #expect(summary.flops < 2 * (117_600 + 240_000 + 58_920) + 40_000)
        // The wrong input size is caught before training, with the layer's dotted name.
        let error = try #require(throws: NeuralNetError.self) {
            try model.summary(inputShape: [1, 32, 32])
        }
        #expect("\(error)".hasPrefix("layer classifier.0 (Linear): input has 576 features"))
    }

    @Test func configurationCoding() throws {
        let configuration = LeNet5.Configuration(activation: .tanh, pooling: .average)
        let data = try JSONEncoder().encode(configuration)
        #expect(try JSONDecoder().decode(LeNet5.Configuration.self, from: data) == configuration)
        var generator = Xoshiro256(seed: 4)
        #expect(throws: NeuralNetError.self) {
            try LeNet5.makeModel(LeNet5.Configuration(inputSize: 8), generator: &generator)
        }
    }

    /// Synthetic digits: class k is a bright 8x8 square in one of four places, plus noise.
    static func syntheticBatch(count: Int, seed: UInt64) throws -> (Tensor, [Int]) {
        var generator = Xoshiro256(seed: seed)
        var scalars = [Float](repeating: 0, count: count * 784)
        var labels: [Int] = []
        for n in 0..<count {
            let label = Int(generator.next() % 4)
            labels.append(label)
            let (top, left) = [(3, 3), (3, 17), (17, 3), (17, 17)][label]
            for i in 0..<784 { scalars[n * 784 + i] = 0.2 * generator.nextUnitFloat() }
            for y in top..<top + 8 {
                for x in left..<left + 8 { scalars[n * 784 + y * 28 + x] += 1 }
            }
        }
        return (try Tensor(shape: [count, 1, 28, 28], scalars: scalars), labels)
    }

    @Test func trainsOnSyntheticData() throws {
        var generator = Xoshiro256(seed: 5)
        let model = try LeNet5.makeModel(
            LeNet5.Configuration(classCount: 4), generator: &generator)
        let optimizer = try SGD(model, learningRate: 0.05, momentum: 0.9)
        let (images, labels) = try LeNet5Tests.syntheticBatch(count: 64, seed: 6)
        var losses: [Float] = []
        for _ in 0..<25 {
            model.zeroGradients()
            let loss = try Loss.softmaxCrossEntropy(
                logits: try model.forward(images), labels: labels)
            _ = try model.backward(loss.gradient)
            try optimizer.step()
            losses.append(loss.value)
        }
        #expect(losses.last! < 0.25 * losses.first!, "losses \(losses)")
        let (test, testLabels) = try LeNet5Tests.syntheticBatch(count: 64, seed: 7)
        model.setTraining(false)
        let predictions = try model.forward(test).argmax(alongAxis: 1)
        let correct = zip(predictions, testLabels).filter { $0 == $1 }.count
        #expect(correct >= 60, "\(correct)/64 correct")
    }
}
