import Foundation
import NeuralNet
import TensorMath
import Testing

@Suite("Trainer")
struct TrainerTests {
    let training = blobBatches(seed: 1)
    let validation = blobBatches(perClass: 30, batchSize: 32, seed: 2)

    @Test("an MLP on separable blobs reaches high validation accuracy")
    func convergence() throws {
        let model = makeTestMLP(seed: 3)
        let trainer = Trainer(
            model: model, optimizer: try SGD(model, learningRate: 0.1, momentum: 0.9))
        let before = try trainer.evaluate(validation)
        let history = try trainer.fit(
            epochs: 10, training: { _ in training }, validation: { validation })
        #expect(history.count == 10)
        let last = try #require(history.last)
        #expect(try #require(last.validationAccuracy) > 0.95)
        #expect(try #require(last.validationLoss) < before.loss / 4)
        #expect(last.trainingLoss < history[0].trainingLoss)
        #expect(last.samples == 120)
        #expect(last.imagesPerSecond > 0)
    }

    @Test("callbacks report every batch and epoch with running figures")
    func callbacks() throws {
        let model = makeTestMLP(seed: 4)
        let trainer = Trainer(
            model: model, optimizer: try SGD(model, learningRate: 0.05),
            schedule: .step(initial: 0.05, stepSize: 8, gamma: 0.5))
        var progress: [BatchProgress] = []
        var summaries: [EpochSummary] = []
        try trainer.fit(
            epochs: 2, training: { _ in training }, validation: { validation },
            hooks: TrainingHooks(
                onBatch: { progress.append($0) }, onEpoch: { summaries.append($0) }))
        #expect(progress.count == 2 * training.count)
        #expect(progress.map(\.globalStep) == Array(1...16))
        #expect(progress[0].expectedBatchCount == training.count)
        #expect(progress.map(\.batch) == Array(0..<8) + Array(0..<8))
        #expect(progress[7].samples == 120 && progress[8].samples == 16)
        // Per-batch schedule: steps 0–7 at 0.05, steps 8–15 at 0.025.
        #expect(progress[7].learningRate == 0.05 && progress[8].learningRate == 0.025)
        // The running loss at the epoch's end is the epoch's training loss.
        #expect(abs(progress[7].runningLoss - summaries[0].trainingLoss) < 1e-12)
        #expect(summaries.map(\.epoch) == [0, 1])
        #expect(summaries.allSatisfy { $0.validationAccuracy != nil })
        #expect(trainer.state.history == summaries)
        let metrics = summaries[0].metrics
        #expect(
            Set(metrics.keys).isSuperset(of: [
                "train_loss", "train_accuracy", "validation_loss", "validation_accuracy",
                "learning_rate",
            ]))
    }

    @Test("per-epoch schedules are called with the epoch number")
    func epochSchedule() throws {
        let model = makeTestMLP(seed: 5)
        let trainer = Trainer(
            model: model, optimizer: try SGD(model, learningRate: 1),
            schedule: .exponential(initial: 0.1, gamma: 0.5), scheduleUnit: .epoch)
        var rates: [Float] = []
        try trainer.fit(
            epochs: 3, training: { _ in training },
            hooks: TrainingHooks(onBatch: { rates.append($0.learningRate) }))
        #expect(Set(rates[0..<8]) == [0.1])
        #expect(Set(rates[8..<16]) == [0.05])
        #expect(Set(rates[16..<24]) == [0.025])
    }

    @Test("evaluation runs in inference mode, restores the mode and reports metrics")
    func evaluation() throws {
        let model = makeTestMLP(seed: 6)
        let first = try #require(model.layers[0] as? TestDense)
        let trainer = Trainer(model: model, optimizer: try SGD(model, learningRate: 0.1))
        let result = try trainer.evaluate(validation, topK: [1, 3])
        #expect(first.trainingForwards == 0)
        #expect(model.isTraining)
        #expect(result.count == 90 && result.labels.count == 90)
        #expect(result.topKAccuracy[3] == 1)
        #expect(result.topKAccuracy[1] == result.accuracy)
        let matrix = try result.confusionMatrix(classCount: 3)
        #expect(matrix.total == 90 && abs(matrix.accuracy - result.accuracy) < 1e-12)
        // The evaluation loss equals the loss computed directly on the whole set.
        let images = try Tensor.concatenate(validation.map(\.images))
        model.setTraining(false)
        let direct = try Loss.softmaxCrossEntropy(
            logits: model.forward(images), labels: validation.flatMap(\.labels))
        #expect(abs(result.loss - Double(direct.value)) < 1e-5)
    }

    @Test("an interrupted and restored run is bit-identical to an uninterrupted one")
    func resume() throws {
        func makeTrainer(seed: UInt64) throws -> Trainer {
            let model = makeTestMLP(seed: seed)
            return Trainer(
                model: model, optimizer: try Adam(model, learningRate: 0.01),
                schedule: .linearWarmup(
                    steps: 4, startFactor: 0.1, then: .cosine(initial: 0.01, period: 20)),
                earlyStopping: try EarlyStopping(patience: 10))
        }
        let reference = try makeTrainer(seed: 7)
        try reference.fit(epochs: 3, training: { _ in training }, validation: { validation })

        // Stop in the middle of epoch 1, save, and resume in a fresh trainer.
        let interrupted = try makeTrainer(seed: 7)
        try interrupted.fit(
            epochs: 3, training: { _ in training }, validation: { validation },
            hooks: TrainingHooks(shouldStop: { interrupted.state.globalStep == 11 }))
        #expect(interrupted.state.epoch == 1 && interrupted.state.batchCursor == 3)
        let snapshot = interrupted.snapshot()
        let json = try JSONEncoder().encode(snapshot.scalars)
        let scalars = try JSONDecoder().decode(TrainingSnapshot.Scalars.self, from: json)
        #expect(scalars == snapshot.scalars)
        #expect(
            snapshot.extraTensors.keys.allSatisfy {
                $0.hasPrefix(TrainingSnapshot.bestWeightsPrefix)
            })
        #expect(!snapshot.extraTensors.isEmpty)

        let resumed = try makeTrainer(seed: 99)  // different initial weights
        try resumed.restore(
            TrainingSnapshot(
                modelState: snapshot.modelState, optimizerState: snapshot.optimizerState,
                extraTensors: snapshot.extraTensors, scalars: scalars))
        try resumed.fit(epochs: 3, training: { _ in training }, validation: { validation })

        #expect(resumed.model.stateDictionary == reference.model.stateDictionary)
        #expect(resumed.optimizer.stateTensors() == reference.optimizer.stateTensors())
        #expect(resumed.state.globalStep == reference.state.globalStep)
        func withoutTiming(_ history: [EpochSummary]) -> [EpochSummary] {
            history.map {
                var s = $0; s.seconds = 0; return s
            }
        }
        #expect(withoutTiming(resumed.state.history) == withoutTiming(reference.state.history))
        #expect(resumed.earlyStopping?.state == reference.earlyStopping?.state)
    }

    @Test("an impossible saved position is refused on resume, before anything is loaded")
    func impossibleSnapshots() throws {
        let model = makeTestMLP(seed: 7)
        let trainer = Trainer(model: model, optimizer: try SGD(model, learningRate: 0.1))
        try trainer.fit(epochs: 1, training: { _ in training })
        let good = trainer.snapshot()
        let edits: [(String, (inout TrainerState) -> Void)] = [
            ("epoch -1", { $0.epoch = -1 }),
            ("batch cursor -3", { $0.batchCursor = -3 }),
            ("batch cursor 1000000000000", { $0.batchCursor = 1_000_000_000_000 }),
            ("correct count 99", { $0.epochCorrect = 99 }),
            ("loss sum nan", { $0.epochLossSum = .nan }),
            ("history of 1 epochs", { $0.epoch = 0 }),
        ]
        for (fragment, edit) in edits {
            var scalars = good.scalars
            edit(&scalars.trainer)
            let freshModel = makeTestMLP(seed: 9)
            let fresh = Trainer(
                model: freshModel, optimizer: try SGD(freshModel, learningRate: 0.1))
            let before = fresh.model.stateDictionary
            #expect("\(fragment)") {
                try fresh.restore(
                    TrainingSnapshot(
                        modelState: good.modelState, optimizerState: good.optimizerState,
                        extraTensors: good.extraTensors, scalars: scalars))
            } throws: { error in
                "\(error)".contains(fragment) && "\(error)".contains("impossible")
            }
            #expect(fresh.model.stateDictionary == before)
        }
    }

    @Test("a batch cursor past the end of the epoch's batches is an error, not an empty epoch")
    func cursorPastTheEnd() throws {
        let model = makeTestMLP(seed: 7)
        let trainer = Trainer(model: model, optimizer: try SGD(model, learningRate: 0.1))
        trainer.state.globalStep = 500
        trainer.state.batchCursor = 400
        #expect {
            try trainer.trainEpoch(training)
        } throws: { error in
            "\(error)".contains("batch cursor 400 is past the end")
        }
    }

    @Test("a diverging loss throws and leaves the parameters untouched")
    func nonFiniteLoss() throws {
        let model = makeTestMLP(seed: 8)
        let before = model.stateDictionary
        let trainer = Trainer(
            model: model, optimizer: try SGD(model, learningRate: 0.1),
            loss: ClassificationLoss(name: "broken") { output, _ in
                LossOutput(value: .nan, gradient: Tensor.zeros(like: output))
            })
        #expect(throws: TrainingError.nonFiniteLoss(epoch: 0, batch: 0, learningRate: 0.1)) {
            try trainer.fit(epochs: 1, training: { _ in training })
        }
        #expect(model.stateDictionary == before)
    }

    @Test("malformed batches and inconsistent early stopping are errors")
    func badInput() throws {
        let model = makeTestMLP(seed: 9)
        let trainer = Trainer(model: model, optimizer: try SGD(model, learningRate: 0.1))
        #expect(throws: NeuralNetError.self) {
            try trainer.trainStep(images: Tensor.zeros([2, 4]), labels: [0])
        }
        #expect(throws: NeuralNetError.self) {
            try trainer.trainStep(images: Tensor.zeros([1, 4]), labels: [7])
        }
        trainer.schedule = .cosine(initial: 0.1, period: 0)
        #expect(throws: NeuralNetError.self) {
            try trainer.fit(epochs: 1, training: { _ in training })
        }
        trainer.schedule = nil
        trainer.earlyStopping = try EarlyStopping(patience: 1)
        // Validation loss is monitored, but there is no validation set.
        #expect(throws: NeuralNetError.self) {
            try trainer.fit(epochs: 1, training: { _ in training })
        }
        trainer.monitor = .validationAccuracy  // maximize, but early stopping minimizes
        #expect(throws: NeuralNetError.self) {
            try trainer.fit(epochs: 1, training: { _ in training }, validation: { validation })
        }
        #expect(trainer.state.globalStep == 0)
    }

    @Test("fit stops early and restores the best weights")
    func earlyStoppingInFit() throws {
        let model = makeTestMLP(seed: 10)
        // A learning rate of 0 never improves after the first epoch.
        let trainer = Trainer(
            model: model, optimizer: try SGD(model, learningRate: 0),
            earlyStopping: try EarlyStopping(patience: 2, restoreBest: true))
        let history = try trainer.fit(
            epochs: 10, training: { _ in training }, validation: { validation })
        #expect(history.count == 3)
        #expect(trainer.earlyStopping?.shouldStop == true)
        #expect(trainer.earlyStopping?.state.bestEpoch == 0)
        // Fitting again does nothing: the run has stopped.
        let again = try trainer.fit(
            epochs: 10, training: { _ in training }, validation: { validation })
        #expect(again.count == 3)
    }
}
