import CheckpointedTraining
import Foundation
import NeuralNet
import TensorMath
import TensorMathTesting
import Testing

/// The README's "interrupt, save and resume" example, verbatim: a library user trains, stops,
/// saves, and resumes in a fresh trainer, and the result equals an uninterrupted run's.
@Test func readmeExampleResumesBitForBit() throws {
    // Synthetic data: 8x8 images whose bright half (left or right) is the label.
    let batches = try SyntheticBatches.brightHalves()
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("readme-resume-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    FileManager.default.changeCurrentDirectoryPath(folder.path)

    // --- README example begins ---
    func makeTrainer() throws -> Trainer {
        var g = Xoshiro256(seed: 42)
        let model = Sequential(
            try Conv2D(
                inputChannels: 1, outputChannels: 8, kernelSize: 3, padding: .same, generator: &g),
            ReLU(), try MaxPool2D(kernelSize: 2), Flatten(), try Dropout(rate: 0.2, generator: &g),
            try Linear(inputSize: 8 * 4 * 4, outputSize: 2, generator: &g))
        return Trainer(
            model: model, optimizer: try Adam(model, learningRate: 0.01),
            schedule: .cosine(initial: 0.01, period: 60))
    }
    let checkpoint = URL(fileURLWithPath: "run.checkpoint")

    // One process: train, stop after 25 steps (Ctrl-C in a real program), save.
    let first = try makeTrainer()
    try first.fit(
        epochs: 3, training: { _ in batches },
        hooks: TrainingHooks(shouldStop: { first.state.globalStep == 25 }))
    try first.saveCheckpoint(to: checkpoint)

    // Another process: the same trainer, resumed, finishes the run as if never stopped.
    let second = try makeTrainer()
    try second.resume(from: checkpoint)
    try second.fit(epochs: 3, training: { _ in batches })
    print("accuracy:", try second.evaluate(batches).accuracy)
    // --- README example ends ---

    #expect(first.state.epoch == 1 && first.state.batchCursor == 5)
    let uninterrupted = try makeTrainer()
    try uninterrupted.fit(epochs: 3, training: { _ in batches })
    #expect(second.model.stateDictionary == uninterrupted.model.stateDictionary)
    #expect(
        second.state.history
            == uninterrupted.state.history.map {
                var summary = $0
                summary.seconds = second.state.history[$0.epoch].seconds
                return summary
            })
    #expect(try second.evaluate(batches).accuracy > 0.95)
}
