import Foundation
import NeuralNet
import TensorMath
import Testing

/// Synthetic images of `classCount ≤ 4` separable patterns at random positions, with noise:
/// a horizontal bar, a vertical bar, a diagonal and a filled square, `[N, 1, side, side]`.
func patternBatches(
    count: Int, side: Int = 12, classCount: Int = 4, batchSize: Int = 32, seed: UInt64
) -> [Batch] {
    var generator = Xoshiro256(seed: seed)
    var images: [Float] = [], labels: [Int] = []
    for index in 0..<count {
        let label = index % classCount
        var image = (0..<side * side).map { _ in 0.2 * generator.nextNormalFloat() }
        let row = 1 + Int(generator.next() % UInt64(side - 5))
        let column = 1 + Int(generator.next() % UInt64(side - 5))
        for k in 0..<4 {
            switch label {
            case 0: image[row * side + column + k] += 1
            case 1: image[(row + k) * side + column] += 1
            case 2: image[(row + k) * side + column + k] += 1
            default:
                for l in 0..<2 { image[(row + k / 2) * side + column + l + 2 * (k % 2)] += 0.5 }
            }
        }
        images += image
        labels.append(label)
    }
    return stride(from: 0, to: count, by: batchSize).map { start in
        let end = min(start + batchSize, count)
        let tensor = try! Tensor(
            shape: [end - start, 1, side, side],
            scalars: Array(images[start * side * side..<end * side * side]))
        return TensorBatch(images: tensor, labels: Array(labels[start..<end]))
    }
}

/// Synthetic 28x28 "digits": each of 10 classes is a fixed random blob pattern (smoothed
/// noise), shifted by up to 2 pixels and noised per sample.
func digitBatches(count: Int, batchSize: Int = 32, seed: UInt64) -> [Batch] {
    var templates = Xoshiro256(seed: 2_024)
    let prototypes: [[Float]] = (0..<10).map { _ in
        let coarse = (0..<49).map { _ in templates.nextUnitFloat() > 0.6 ? Float(1) : 0 }
        return (0..<784).map { p in coarse[(p / 28 / 4) * 7 + (p % 28) / 4] }
    }
    var generator = Xoshiro256(seed: seed)
    var images: [Float] = [], labels: [Int] = []
    for index in 0..<count {
        let label = index % 10
        let dy = Int(generator.next() % 5) - 2, dx = Int(generator.next() % 5) - 2
        for y in 0..<28 {
            for x in 0..<28 {
                let (sy, sx) = (y - dy, x - dx)
                let value =
                    (0..<28).contains(sy) && (0..<28).contains(sx)
                    ? prototypes[label][sy * 28 + sx] : 0
                images.append(value + 0.3 * generator.nextNormalFloat())
            }
        }
        labels.append(label)
    }
    return stride(from: 0, to: count, by: batchSize).map { start in
        let end = min(start + batchSize, count)
        let tensor = try! Tensor(
            shape: [end - start, 1, 28, 28], scalars: Array(images[start * 784..<end * 784]))
        return TensorBatch(images: tensor, labels: Array(labels[start..<end]))
    }
}

@Suite("Convergence with the library's layers")
struct ConvergenceTests {
    @Test("a small CNN with batch norm learns synthetic patterns (inference-mode accuracy)")
    func smallCNN() throws {
        var generator = Xoshiro256(seed: 31)
        let model = Sequential(
            try Conv2D(
                inputChannels: 1, outputChannels: 8, kernelSize: 3, padding: .same,
                generator: &generator),
            try BatchNorm2D(features: 8), ReLU(), try MaxPool2D(kernelSize: 2),
            try Conv2D(
                inputChannels: 8, outputChannels: 16, kernelSize: 3, padding: .same,
                generator: &generator),
            ReLU(), GlobalAvgPool2D(),
            try Linear(inputSize: 16, outputSize: 4, generator: &generator))
        let training = patternBatches(count: 768, seed: 1)
        let validation = patternBatches(count: 128, batchSize: 64, seed: 2)
        let trainer = Trainer(
            model: model, optimizer: try Adam(model, learningRate: 0.03),
            schedule: .oneCycle(maximum: 0.03, totalSteps: 10 * training.count))
        let history = try trainer.fit(
            epochs: 10, training: { _ in training }, validation: { validation })
        let last = try #require(history.last)
        #expect(try #require(last.validationAccuracy) > 0.9, "\(history.map(\.metrics))")
        #expect(last.trainingLoss < history[0].trainingLoss / 2)
        let evaluation = try trainer.evaluate(validation)
        #expect(evaluation.accuracy == last.validationAccuracy)
        let matrix = try evaluation.confusionMatrix(
            classNames: ["horizontal", "vertical", "diagonal", "square"])
        #expect((0..<4).allSatisfy { matrix.recall(of: $0) > 0.7 }, "\(matrix)")
    }

    @Test("LeNet-5 (61,706 parameters) trains on synthetic 28x28 digits")
    func leNet5() throws {
        var generator = Xoshiro256(seed: 5)
        let model = try Sequential(named: [
            (
                "features",
                Sequential(
                    try Conv2D(
                        inputChannels: 1, outputChannels: 6, kernelSize: 5,
                        padding: .explicit(2), generator: &generator),
                    ReLU(), try MaxPool2D(kernelSize: 2),
                    try Conv2D(
                        inputChannels: 6, outputChannels: 16, kernelSize: 5,
                        generator: &generator),
                    ReLU(), try MaxPool2D(kernelSize: 2))
            ),
            ("flatten", Flatten()),
            (
                "classifier",
                Sequential(
                    try Linear(inputSize: 400, outputSize: 120, generator: &generator), ReLU(),
                    try Linear(inputSize: 120, outputSize: 84, generator: &generator), ReLU(),
                    try Linear(inputSize: 84, outputSize: 10, generator: &generator))
            ),
        ])
        #expect(model.parameterCount == 61_706)
        let training = digitBatches(count: 320, seed: 1)
        let validation = digitBatches(count: 160, batchSize: 80, seed: 2)
        let trainer = Trainer(
            model: model,
            optimizer: try Adam(model, learningRate: 0.002),
            schedule: .linearWarmup(
                steps: 5, startFactor: 0.2, then: .cosine(initial: 0.002, period: 75)))
        let before = try trainer.evaluate(validation)
        let history = try trainer.fit(
            epochs: 8, training: { _ in training }, validation: { validation })
        let last = try #require(history.last)
        #expect(try #require(last.validationLoss) < before.loss / 4, "\(history.map(\.metrics))")
        #expect(try #require(last.validationAccuracy) > 0.9)
        #expect(last.trainingLoss < history[0].trainingLoss)
        // Optimizer state names are the model's dotted names.
        #expect(
            trainer.optimizer.stateTensors()["exp_avg.features.0.weight"]?.shape
                == [6, 1, 5, 5])
        #expect(trainer.optimizer.stateTensors()["exp_avg_sq.classifier.4.bias"]?.shape == [10])
    }
}
