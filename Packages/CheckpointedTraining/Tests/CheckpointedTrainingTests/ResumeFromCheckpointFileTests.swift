import CheckpointedTraining
import Checkpoints
import Foundation
import NeuralNet
import TensorMath
import Testing

/// The resume guarantee, end to end through a file: a run interrupted in the middle of an
/// epoch, saved as a training checkpoint, and resumed in a freshly built trainer ends with
/// bit-identical weights, optimizer state, batch-norm statistics and dropout generator to an
/// uninterrupted run with the same seed.
@Suite struct ResumeFromCheckpointFileTests {
    /// 12 batches of 16 synthetic 8x8 images in 3 classes (a bright row band per class).
    static let batches: [TensorBatch] = {
        var g = Xoshiro256(seed: 3)
        return (0..<12).map { _ in
            let labels = (0..<16).map { _ in Int(g.next() % 3) }
            var images = try! Tensor.uniform([16, 1, 8, 8], low: 0, high: 0.3, using: &g)
            for (n, label) in labels.enumerated() {
                for x in 0..<8 {
                    for y in (label * 2)..<(label * 2 + 3) { images[n, 0, y, x] += 0.7 }
                }
            }
            return TensorBatch(images: images, labels: labels)
        }
    }()

    /// The batches of `epoch` in a seeded order that depends only on the epoch.
    static func epoch(_ epoch: Int) -> [TensorBatch] {
        var g = Xoshiro256(seed: 11, stream: UInt64(epoch))
        return batches.shuffled(using: &g)
    }

    static func makeTrainer(seed: UInt64) throws -> Trainer {
        var g = Xoshiro256(seed: seed)
        let model = Sequential(
            try Conv2D(
                inputChannels: 1, outputChannels: 4, kernelSize: 3, padding: .same, generator: &g),
            try BatchNorm2D(features: 4), ReLU(), try MaxPool2D(kernelSize: 2), Flatten(),
            try Dropout(rate: 0.3, generator: &g),
            try Linear(inputSize: 4 * 4 * 4, outputSize: 3, generator: &g))
        return Trainer(
            model: model, optimizer: try Adam(model, learningRate: 0.01),
            schedule: .linearWarmup(
                steps: 5, startFactor: 0.2, then: .cosine(initial: 0.01, period: 36)),
            earlyStopping: try EarlyStopping(patience: 5))
    }

    @Test func interruptedRunResumedFromAFileIsBitIdentical() throws {
        let validation = Array(Self.batches.prefix(3))
        let reference = try Self.makeTrainer(seed: 21)
        try reference.fit(
            epochs: 3, training: { Self.epoch($0) }, validation: { validation })

        // Interrupt in the middle of epoch 1 and save to a file, with an app generator.
        let interrupted = try Self.makeTrainer(seed: 21)
        try interrupted.fit(
            epochs: 3, training: { Self.epoch($0) }, validation: { validation },
            hooks: TrainingHooks(shouldStop: { interrupted.state.globalStep == 17 }))
        #expect(interrupted.state.epoch == 1)
        #expect((1..<12).contains(interrupted.state.batchCursor))  // mid-epoch
        var appGenerator = Xoshiro256(seed: 77)
        _ = appGenerator.next()
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("resume-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("run.checkpoint.safetensors")
        try interrupted.saveCheckpoint(
            to: file, generators: ["augment": appGenerator], userInfo: ["run": "test"])

        // Resume in a trainer built with other initial weights, as a new process would.
        let resumed = try Self.makeTrainer(seed: 999)
        let generators = try resumed.resume(from: file)
        #expect(generators["augment"] == appGenerator)
        try resumed.fit(epochs: 3, training: { Self.epoch($0) }, validation: { validation })

        #expect(resumed.model.stateDictionary == reference.model.stateDictionary)
        #expect(resumed.optimizer.stateTensors() == reference.optimizer.stateTensors())
        #expect(resumed.state.globalStep == reference.state.globalStep)
        let dropouts = [resumed, reference].map { trainer in
            trainer.model.namedDescendants.compactMap { ($0.layer as? Dropout)?.generator }
        }
        #expect(dropouts[0] == dropouts[1] && dropouts[0].count == 1)
        #expect(
            resumed.state.history.map(\.trainingLoss)
                == reference.state.history.map(\.trainingLoss))
        // The run really learned something, so the comparison is not between two no-ops.
        #expect(try reference.evaluate(validation).accuracy > 0.9)
    }

    @Test func aCheckpointWithoutTrainerStateIsAClearError() throws {
        let trainer = try Self.makeTrainer(seed: 1)
        let bare = TrainingCheckpoint(
            modelState: trainer.model.stateDictionary, state: ["epoch": 0])
        let error = try #require(throws: ResumeError.self) { try bare.restore(into: trainer) }
        #expect(error.description.contains("not a trainer's"))
    }

    @Test func aTrainerConfiguredDifferentlyIsAClearErrorNamingTheFile() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("resume-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("adam.checkpoint")
        let saved = try Self.makeTrainer(seed: 1)
        let validation = Array(Self.batches.prefix(3))
        try saved.fit(epochs: 1, training: { Self.epoch($0) }, validation: { validation })
        try saved.saveCheckpoint(to: file)

        let other = Trainer(
            model: saved.model, optimizer: try SGD(saved.model, learningRate: 0.1),
            earlyStopping: try EarlyStopping(patience: 5))
        let error = try #require(throws: ResumeError.self) { try other.resume(from: file) }
        #expect(error.path == file.path)
        #expect(error.description.contains("Adam"))
    }

    @Test func aFormatOneCheckpointOfTheSameRunResumes() throws {
        // Format 1 kept the snapshot scalars under extras.trainer and the generators beside
        // them; converting must give the same snapshot as format 2.
        let trainer = try Self.makeTrainer(seed: 5)
        let validation = Array(Self.batches.prefix(3))
        try trainer.fit(
            epochs: 2, training: { Self.epoch($0) }, validation: { validation },
            hooks: TrainingHooks(shouldStop: { trainer.state.globalStep == 7 }))
        let current = try TrainingCheckpoint(
            trainer: trainer, generators: ["augment": Xoshiro256(seed: 2)])
        var scalars = try #require(
            { () -> [String: JSONValue]? in
                if case let .object(members) = current.state { return members }
                return nil
            }())
        let generators = scalars.removeValue(forKey: "generators") ?? [:]
        let formatOne: JSONValue = [
            "epoch": 0, "batch_cursor": 7, "global_step": 7, "schedule_step": 7,
            "generators": generators, "history": [],
            "extras": ["trainer": .object(scalars), "session": "{}"],
        ]
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("resume-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("v1.checkpoint")
        var tensors: [String: Tensor] = [:]
        for (name, tensor) in current.modelState { tensors["model." + name] = tensor }
        for (name, tensor) in current.optimizerState { tensors["optimizer." + name] = tensor }
        for (name, tensor) in current.extraTensors { tensors["extra." + name] = tensor }
        let text = String(decoding: try JSONEncoder().encode(formatOne), as: UTF8.self)
        try SafeTensorsFile.write(
            tensors, metadata: [TrainingCheckpoint.MetadataKey.formatOneState: text], to: file)

        let read = try TrainingCheckpoint(contentsOf: file)
        #expect(read.sourceFormatVersion == 1)
        #expect(read.userInfo == ["session": "{}"])
        #expect(try read.snapshot() == current.snapshot())
    }
}
