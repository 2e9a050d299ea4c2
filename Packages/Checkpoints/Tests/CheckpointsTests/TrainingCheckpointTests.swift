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

    /// A trainer's scalar state as a typed value, the way a trainer stores its own schema.
    struct RunState: Codable, Equatable {
        var epoch: Int
        var globalStep: Int
        var learningRate: Double
        var history: [Double]
        var words: [String]
    }

    static let runState = RunState(
        epoch: 3, globalStep: 2_461, learningRate: 0.012_345_678_9, history: awkwardDoubles,
        words: ["18446744073709551615", "7"])

    static func checkpoint() throws -> TrainingCheckpoint {
        TrainingCheckpoint(
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
            state: try JSONValue(encoding: runState),
            userInfo: ["note": "resumed twice", "flags": [true, false, nil]],
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
        #expect(loaded.userInfo == original.userInfo)
        #expect(loaded.sourceFormatVersion == TrainingCheckpoint.formatVersion)
        let state = try loaded.state.decode(as: RunState.self)
        #expect(state.epoch == 3 && state.globalStep == 2_461 && state.words == Self.runState.words)
        #expect(state.learningRate.bitPattern == Self.runState.learningRate.bitPattern)
        #expect(state.history.map(\.bitPattern) == Self.runState.history.map(\.bitPattern))
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
        let document = try #require(file.metadata[TrainingCheckpoint.MetadataKey.document])
        #expect(document.hasPrefix(#"{"format_version":2,"state":{"#))
        #expect(document.contains(#""globalStep":2461"#))
        // A checkpoint is also inspectable as a model file.
        #expect(try file.modelDescription().architecture.name == "lenet5")
    }

    @Test func aCheckpointWithoutDescriptionOrOptimizerRoundTrips() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let url = folder.file("small.safetensors")
        let checkpoint = TrainingCheckpoint(
            modelState: ["w": Tensor([1, 2])], state: ["epoch": 0])
        try checkpoint.write(to: url)
        #expect(try TrainingCheckpoint(contentsOf: url) == checkpoint)
    }

    @Test func filesThatAreNotCheckpointsAreClearErrors() throws {
        let plain = try fixture("torch_f32_plain.safetensors")
        let error = try #require(throws: CheckpointError.self) {
            try TrainingCheckpoint(contentsOf: plain)
        }
        #expect(error == .missingMetadata(path: plain.path, key: "swiftcnn.training_checkpoint"))

        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let strayError = try readingError(
            #"{"format_version":2,"state":{}}"#,
            tensors: ["model.w": Tensor([1]), "w": Tensor([2])],
            in: folder.file("stray.safetensors"))
        #expect(strayError.caseName == "tensorSetMismatch")
        #expect(strayError.description.contains("unexpected tensors: w"))

        let brokenError = try readingError(
            #"{"format_version":"x"}"#, in: folder.file("broken.safetensors"))
        #expect(brokenError.caseName == "invalidMetadata")
        #expect(brokenError.description.contains("swiftcnn.training_checkpoint"))
    }

    /// The error of reading a file holding `tensors` and `document` as its checkpoint
    /// document (under `key`).
    func readingError(
        _ document: String, key: String = TrainingCheckpoint.MetadataKey.document,
        tensors: [String: Tensor] = ["model.w": Tensor([1])], in url: URL
    ) throws -> CheckpointError {
        try SafeTensorsFile.write(tensors, metadata: [key: document], to: url)
        return try #require(throws: CheckpointError.self) {
            try TrainingCheckpoint(contentsOf: url)
        }
    }

    @Test func aFailedCheckpointSaveKeepsThePreviousCheckpoint() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let url = folder.file("c.safetensors")
        let first = TrainingCheckpoint(
            modelState: ["w": Tensor([1])], state: ["epoch": 1])
        try first.write(to: url)
        let bad = TrainingCheckpoint(
            modelState: ["": Tensor([2])], state: ["epoch": 2])
        #expect(throws: CheckpointError.self) { try bad.write(to: url) }
        #expect(try TrainingCheckpoint(contentsOf: url) == first)
        #expect(try folder.contents() == ["c.safetensors"])
    }

    @Test func aFormatThisVersionDoesNotReadIsRefusedNamingTheVersion() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let future = folder.file("future.safetensors")
        let error = try readingError(#"{"format_version":3,"state":{}}"#, in: future)
        #expect(error.caseName == "invalidMetadata")
        #expect(error.description.contains(future.path))
        #expect(error.description.contains("training-checkpoint format 3"))
    }

    @Test func formatOneFilesAreConverted() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        // The layout format 1 wrote: position fields, generators, and the trainer's state and
        // the app's configuration in extras.
        let formatOne = #"""
            {"batch_cursor":3,"epoch":1,"extras":{"session":"{\"epochs\":3}","trainer":            {"optimizer":{"learningRate":0.5,"optimizer":"SGD","stepCount":11},            "trainer":{"epoch":1}}},"generators":{"layer.classifier.0":            {"algorithm":"xoshiro256**","words":["1","2","3","4"]}},"global_step":11,            "history":[],"schedule_step":11}
            """#
        let url = folder.file("old.safetensors")
        try SafeTensorsFile.write(
            ["model.w": Tensor([1])],
            metadata: [TrainingCheckpoint.MetadataKey.formatOneState: formatOne], to: url)
        let checkpoint = try TrainingCheckpoint(contentsOf: url)
        #expect(checkpoint.sourceFormatVersion == 1)
        #expect(checkpoint.userInfo == ["session": #"{"epochs":3}"#])
        #expect(checkpoint.state["optimizer"]?["stepCount"] == 11)
        #expect(
            checkpoint.state["generators"]?["layer.classifier.0"]?["words"] == ["1", "2", "3", "4"])

        let error = try readingError(
            #"{"epoch":0}"#, key: TrainingCheckpoint.MetadataKey.formatOneState,
            in: folder.file("bare.safetensors"))
        #expect(error.description.contains("format 1"))
    }
}
