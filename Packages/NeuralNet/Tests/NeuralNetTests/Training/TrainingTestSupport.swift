import NeuralNet
import TensorMath

/// A minimal fully connected layer for the training tests (independent of the library's
/// layers): `y = x·Wᵀ + b` with `W` `[out, in]`, plus an optional ReLU.
final class TestDense: Layer {
    var isTraining = true
    let weight: Parameter
    let bias: Parameter
    let relu: Bool
    /// The number of forward passes made in training mode.
    private(set) var trainingForwards = 0
    private var cachedInput: Tensor?
    private var cachedOutput: Tensor?

    init(_ inputs: Int, _ outputs: Int, relu: Bool = false, generator: inout Xoshiro256) {
        let bound = 1 / Float(inputs).squareRoot()
        weight = Parameter(
            try! Tensor.uniform([outputs, inputs], low: -bound, high: bound, using: &generator))
        bias = Parameter(
            try! Tensor.uniform(
                [outputs], low: -bound, high: bound,
                using: &generator))
        self.relu = relu
    }

    var ownParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight), ("bias", bias)]
    }

    func forward(_ input: Tensor) throws -> Tensor {
        let (outputs, inputs) = (weight.value.shape[0], weight.value.shape[1])
        guard input.rank == 2, input.shape[1] == inputs else {
            throw NeuralNetError.invalidInput(
                layer: "TestDense", reason: "input \(input.shape), weight \(weight.value.shape)")
        }
        let n = input.shape[0]
        let x = input.scalars, w = weight.value.scalars, b = bias.value.scalars
        var y = [Float](repeating: 0, count: n * outputs)
        for i in 0..<n {
            for o in 0..<outputs {
                var sum = b[o]
                for k in 0..<inputs { sum += x[i * inputs + k] * w[o * inputs + k] }
                y[i * outputs + o] = relu ? max(sum, 0) : sum
            }
        }
        let output = try Tensor(shape: [n, outputs], scalars: y)
        if isTraining {
            trainingForwards += 1
            cachedInput = input
            cachedOutput = output
        } else {
            cachedInput = nil
            cachedOutput = nil
        }
        return output
    }

    func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let input = cachedInput, let output = cachedOutput else {
            throw NeuralNetError.backwardWithoutForward(layer: "TestDense")
        }
        let (outputs, inputs) = (weight.value.shape[0], weight.value.shape[1])
        let n = input.shape[0]
        var g = outputGradient.scalars
        if relu { for i in g.indices where output.scalars[i] <= 0 { g[i] = 0 } }
        let x = input.scalars, w = weight.value.scalars
        var dw = [Float](repeating: 0, count: outputs * inputs)
        var db = [Float](repeating: 0, count: outputs)
        var dx = [Float](repeating: 0, count: n * inputs)
        for i in 0..<n {
            for o in 0..<outputs {
                let go = g[i * outputs + o]
                db[o] += go
                for k in 0..<inputs {
                    dw[o * inputs + k] += go * x[i * inputs + k]
                    dx[i * inputs + k] += go * w[o * inputs + k]
                }
            }
        }
        try weight.accumulateGradient(Tensor(shape: [outputs, inputs], scalars: dw))
        try bias.accumulateGradient(Tensor(db))
        return try Tensor(shape: [n, inputs], scalars: dx)
    }
}

typealias Batch = TensorBatch

/// Gaussian blobs: `classCount ≤ 2·dimensions` well-separated centres in `dimensions`
/// dimensions, `perClass` samples each, shuffled, as batches of `batchSize`.
func blobBatches(
    classCount: Int = 3, dimensions: Int = 4, perClass: Int = 40, batchSize: Int = 16,
    spread: Float = 0.5, seed: UInt64
) -> [Batch] {
    // Centre of class c: 3 on axis c mod dimensions (and −3 beyond), 0 elsewhere.
    let centres = (0..<classCount).map { c in
        (0..<dimensions).map { d in d == c % dimensions ? (c < dimensions ? 3 : -3) : Float(0) }
    }
    var generator = Xoshiro256(seed: seed)
    var samples: [([Float], Int)] = []
    for label in 0..<classCount {
        for _ in 0..<perClass {
            let point = centres[label].map { $0 + spread * generator.nextNormalFloat() }
            samples.append((point, label))
        }
    }
    samples.shuffle(using: &generator)
    return stride(from: 0, to: samples.count, by: batchSize).map { start in
        let slice = samples[start..<min(start + batchSize, samples.count)]
        let images = try! Tensor(shape: [slice.count, dimensions], scalars: slice.flatMap(\.0))
        return TensorBatch(images: images, labels: slice.map(\.1))
    }
}

/// A two-layer perceptron of ``TestDense`` layers.
func makeTestMLP(inputs: Int = 4, hidden: Int = 16, classes: Int = 3, seed: UInt64) -> Sequential {
    var generator = Xoshiro256(seed: seed)
    return Sequential(
        TestDense(inputs, hidden, relu: true, generator: &generator),
        TestDense(hidden, classes, generator: &generator))
}
