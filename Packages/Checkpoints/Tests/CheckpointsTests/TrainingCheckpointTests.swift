import Checkpoints
import Foundation
import TensorMath
import Testing

@Suite struct TrainingCheckpointTests {
    /// Doubles that JSON round trips commonly lose.
    static let awkwardDoubles: [Double] = [
        0.1, -0.0, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
        1.0 / 3.0, .leastNormalMagnitude / 3, 123_456_789.123_456_78, Double(Float(0.1)),
    ]

    static func randomTensor(_ shape: [Int], seed: UInt64) throws -> Tensor {
        var generator = Xoshiro256(seed: seed)
        let count = shape.reduce(1, *)
        // Arbitrary bit patterns, NaN payloads and subnormals included.
        let scalars = (0..<count).map { _ in
            Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()))
        }
        return try Tensor(shape: shape, scalars: scalars)
    }

    static func checkpoint() throws -> TrainingCheckpoint {
        var shuffle = Xoshiro256(seed: 42)
        for _ in 0..<17 { _ = shuffle.next() }
        let state = TrainingState(
            epoch: 3, batchCursor: 117, globalStep: 2_461, scheduleStep: 2_461,
            learningRate: 0.012_345_678_9,
            generators: [
                "shuffle": GeneratorState(shuffle),
                "dropout": GeneratorState(algorithm: "xoshiro256**", words: [.max, 0, 1, 1 << 63]),
            ],
            earlyStopping: EarlyStoppingState(
                metric: "validation_loss", goal: .minimize, patience: 5, bestValue: 0.031_25,
                bestEpoch: 2, epochsWithoutImprovement: 1),
            history: Self.awkwardDoubles.enumerated().map { index, value in
                MetricRecord(
                    epoch: index, values: ["train_loss": value, "accuracy": 1 / Double(index + 1)])
            },
            optimizer: ["kind": "adam", "step": 2_461, "betas": [0.9, 0.999]],
            extras: ["note": "resumed twice", "flags": [true, false, nil]])
        return TrainingCheckpoint(
            modelState: [
                "features.0.weight": try randomTensor([6, 1, 5, 5], seed: 1),
                "features.0.bias": try randomTensor([6], seed: 2),
                "classifier.weight": try randomTensor([10, 84], seed: 3),
                "bn.running_var": try randomTensor([6], seed: 4),
            ],
            optimizerState: [
                "features.0.weight.exp_avg": try randomTensor([6, 1, 5, 5], seed: 5),
                "features.0.weight.exp_avg_sq": try randomTensor([6, 1, 5, 5], seed: 6),
                "step": Tensor(scalar: 2461),
            ],
            extraTensors: ["best.classifier.weight": try randomTensor([10, 84], seed: 7)],
            trainingState: state,
            modelDescription: try ModelDescriptionTests.lenetDescription())
    }

    func expectSameBits(_ a: [String: Tensor], _ b: [String: Tensor]) {
        #expect(Set(a.keys) == Set(b.keys))
        for (name, tensor) in a {
            #expect(b[name]?.shape == tensor.shape, "\(name)")
            #expect(b[name].map(bits) == bits(tensor), "\(name)")
        }
    }

    @Test func everyFieldAndEveryTensorBitSurvives() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let url = folder.file("checkpoint.safetensors")
        let original = try Self.checkpoint()
        try original.write(to: url)
        let loaded = try TrainingCheckpoint(contentsOf: url)

        expectSameBits(original.modelState, loaded.modelState)
        expectSameBits(original.optimizerState, loaded.optimizerState)
        expectSameBits(original.extraTensors, loaded.extraTensors)
        #expect(loaded.modelDescription == original.modelDescription)

        let (a, b) = (original.trainingState, loaded.trainingState)
        #expect(
            b.epoch == 3 && b.batchCursor == 117 && b.globalStep == 2_461 && b.scheduleStep == 2_461
        )
        #expect(b.learningRate?.bitPattern == a.learningRate?.bitPattern)
        #expect(b.generators == a.generators)
        #expect(b.earlyStopping == a.earlyStopping)
        #expect(b.optimizer == a.optimizer && b.extras == a.extras)
        #expect(b.history.count == a.history.count)
        for (x, y) in zip(a.history, b.history) {
            #expect(x.epoch == y.epoch)
            #expect(
                x.values.mapValues(\.bitPattern) == y.values.mapValues(\.bitPattern),
                "epoch \(x.epoch)")
        }
        // NaN aside, the whole state compares equal.
        var withoutNaN = a
        var loadedWithoutNaN = b
        withoutNaN.history.removeAll { $0.values.values.contains(where: \.isNaN) }
        loadedWithoutNaN.history.removeAll { $0.values.values.contains(where: \.isNaN) }
        #expect(withoutNaN == loadedWithoutNaN)
    }

    @Test func aRestoredGeneratorContinuesTheSameSequence() throws {
        var generator = Xoshiro256(seed: 2025)
        for _ in 0..<1000 { _ = generator.next() }
        let data = try JSONEncoder().encode(GeneratorState(generator))
        var restored = try JSONDecoder().decode(GeneratorState.self, from: data).makeXoshiro256()
        #expect((0..<100).map { _ in restored.next() } == (0..<100).map { _ in generator.next() })
        #expect(throws: CheckpointError.self) {
            try GeneratorState(algorithm: "xoshiro256**", words: [0, 0, 0, 0]).makeXoshiro256()
        }
        #expect(throws: CheckpointError.self) {
            try GeneratorState(algorithm: "pcg", words: [1, 2, 3, 4]).makeXoshiro256()
        }
    }

    @Test func stateWordsAreStoredAsDecimalStrings() throws {
        let json = String(
            decoding: try JSONEncoder().encode(
                GeneratorState(algorithm: "xoshiro256**", words: [.max, 7])),
            as: UTF8.self)
        #expect(json.contains(#"["18446744073709551615","7"]"#))
    }

    @Test func theFileIsOneSafetensorsFileWithPrefixedTensors() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let url = folder.file("c.safetensors")
        try Self.checkpoint().write(to: url)
        #expect(try folder.contents() == ["c.safetensors"])
        let file = try SafeTensorsFile(contentsOf: url)
        #expect(file.names.contains("model.features.0.weight"))
        #expect(file.names.contains("optimizer.step"))
        #expect(file.names.contains("extra.best.classifier.weight"))
        #expect(
            file.metadata[TrainingCheckpoint.MetadataKey.trainingState]?.contains(
                #""batch_cursor":117"#) == true)
        // A checkpoint is also inspectable as a model file.
        #expect(try file.modelDescription().architecture.name == "lenet5")
    }

    @Test func aCheckpointWithoutDescriptionOrOptimizerRoundTrips() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let url = folder.file("small.safetensors")
        let checkpoint = TrainingCheckpoint(
            modelState: ["w": Tensor([1, 2])], trainingState: TrainingState())
        try checkpoint.write(to: url)
        #expect(try TrainingCheckpoint(contentsOf: url) == checkpoint)
    }

    @Test func filesThatAreNotCheckpointsAreClearErrors() throws {
        let plain = try fixture("torch_f32_plain.safetensors")
        let error = try #require(throws: CheckpointError.self) {
            try TrainingCheckpoint(contentsOf: plain)
        }
        #expect(error == .missingMetadata(path: plain.path, key: "swiftcnn.training_state"))

        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let stray = folder.file("stray.safetensors")
        let state = String(decoding: try JSONEncoder().encode(TrainingState()), as: UTF8.self)
        try SafeTensorsFile.write(
            ["model.w": Tensor([1]), "w": Tensor([2])],
            metadata: [TrainingCheckpoint.MetadataKey.trainingState: state], to: stray)
        let strayError = try #require(throws: CheckpointError.self) {
            try TrainingCheckpoint(contentsOf: stray)
        }
        #expect(strayError.caseName == "tensorSetMismatch")
        #expect(strayError.description.contains("unexpected tensors: w"))

        let broken = folder.file("broken.safetensors")
        try SafeTensorsFile.write(
            ["model.w": Tensor([1])],
            metadata: [TrainingCheckpoint.MetadataKey.trainingState: #"{"epoch":"x"}"#],
            to: broken)
        let brokenError = try #require(throws: CheckpointError.self) {
            try TrainingCheckpoint(contentsOf: broken)
        }
        #expect(brokenError.caseName == "invalidMetadata")
        #expect(brokenError.description.contains("swiftcnn.training_state"))
    }

    @Test func aFailedCheckpointSaveKeepsThePreviousCheckpoint() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let url = folder.file("c.safetensors")
        let first = TrainingCheckpoint(
            modelState: ["w": Tensor([1])], trainingState: TrainingState(epoch: 1))
        try first.write(to: url)
        let bad = TrainingCheckpoint(
            modelState: ["": Tensor([2])], trainingState: TrainingState(epoch: 2))
        #expect(throws: CheckpointError.self) { try bad.write(to: url) }
        #expect(try TrainingCheckpoint(contentsOf: url) == first)
        #expect(try folder.contents() == ["c.safetensors"])
    }
}
