import NeuralNet
import TensorMath
import TensorMathTesting
import Testing

/// The README's "build and train a model" example, verbatim, so it always compiles and works.
@Test func readmeExampleTrainsASmallCNN() throws {
    // Synthetic data: 8x8 images whose bright half (left or right) is the label.
    let batches = try SyntheticBatches.brightHalves()

    // --- README example begins ---
    var g = Xoshiro256(seed: 42)
    let model = Sequential(
        try Conv2D(
            inputChannels: 1, outputChannels: 8, kernelSize: 3, padding: .same, generator: &g),
        ReLU(), try MaxPool2D(kernelSize: 2), Flatten(),
        try Linear(inputSize: 8 * 4 * 4, outputSize: 2, generator: &g))
    print(try ModelSummary(model, inputShape: [1, 8, 8]))
    let trainer = Trainer(model: model, optimizer: try SGD(model, learningRate: 0.1, momentum: 0.9))
    try trainer.fit(
        epochs: 3, training: { _ in batches }, hooks: TrainingHooks(onEpoch: { print($0) }))
    let result = try trainer.evaluate(batches)
    print("accuracy: \(result.accuracy)")
    // --- README example ends ---

    #expect(result.accuracy > 0.95)
}
