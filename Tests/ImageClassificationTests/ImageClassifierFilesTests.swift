import Checkpoints
import Datasets
import Foundation
import ImageClassification
import ImageModels
import NeuralNet
import TensorMath
import Testing

/// `ImageClassifier.classify(files:top:tracing:)`: one answer per file in order, a bad file's
/// error naming it while the others are still classified, the same rankings as the batch API
/// across several batches, and traces whose output is the prediction.
@Suite struct ImageClassifierFilesTests {
    /// A LeNet-5 over the ten digits, MNIST preprocessing.
    static func classifier() throws -> ImageClassifier {
        let architecture = try ModelRegistry.architecture(LeNet5.self, configuration: .init())
        return try ImageClassifier(
            network: try ModelRegistry.makeModel(architecture, seed: 11),
            description: ModelDescription(
                architecture: architecture, classNames: (0...9).map(String.init),
                input: .init(height: 28, width: 28, colorMode: .grayscale),
                preprocessing: .init(
                    method: .mnistCentering, mean: [0.1307], standardDeviation: [0.3081])),
            source: "lenet")
    }

    /// A dark stroke on white paper, `variant` moving and widening it.
    static func stroke(_ variant: Int) throws -> Image {
        var image = try Image(width: 40, height: 36, format: .grey, filledWith: 250)
        for y in (4 + variant % 5)..<30 {
            for x in (10 + variant % 7)..<(14 + variant % 7 + variant % 3) { image[x, y, 0] = 20 }
        }
        return image
    }

    /// A fresh folder holding `count` PNG strokes, `stroke-<i>.png`; returns it and the paths.
    static func folder(count: Int) throws -> (URL, [String]) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ImageClassifierFilesTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let paths = try (0..<count).map { i in
            let path = folder.appendingPathComponent("stroke-\(i).png").path
            try stroke(i).write(to: path, as: .png)
            return path
        }
        return (folder, paths)
    }

    @Test func eachFileGetsItsAnswerAndBadFilesAreNamed() throws {
        let (folder, good) = try Self.folder(count: 3)
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("missing.png").path
        let text = folder.appendingPathComponent("text.png").path
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: text))
        let files = [good[0], missing, good[1], text, good[2]]

        let classifier = try Self.classifier()
        let answers = try classifier.classify(files: files, top: 3)
        #expect(answers.map(\.path) == files)
        let expected = try classifier.predictions(
            for: try good.map { try Image(contentsOf: $0) }, top: 3)
        #expect(try answers[0].result.get() == expected[0])
        #expect(try answers[2].result.get() == expected[1])
        #expect(try answers[4].result.get() == expected[2])
        for (index, path) in [(1, missing), (3, text)] {
            let error = #expect(throws: (any Error).self) { try answers[index].result.get() }
            #expect("\(error.map { "\($0)" } ?? "")".contains(path), "\(String(describing: error))")
        }
        #expect(answers.allSatisfy { $0.trace == nil })
        #expect(throws: ImageClassifierError.self) {
            try classifier.classify(files: files, top: 0)
        }
    }

    @Test func batchesGiveTheSameRankingsAsOneImageAtATime() throws {
        let count = ImageClassifier.fileBatchSize + 6
        let (folder, files) = try Self.folder(count: count)
        defer { try? FileManager.default.removeItem(at: folder) }
        let classifier = try Self.classifier()
        var streamed: [String] = []
        try classifier.classify(files: files, top: 2) { streamed.append($0.path) }
        #expect(streamed == files)
        let answers = try classifier.classify(files: files, top: 2)
        for (index, path) in [0, 1, count - 1].map({ ($0, files[$0]) }) {
            let alone = try classifier.predictions(for: [try Image(contentsOf: path)], top: 2)[0]
            let ranking = try answers[index].result.get()
            #expect(ranking.map(\.classIndex) == alone.map(\.classIndex))
            for (a, b) in zip(ranking, alone) { #expect(abs(a.probability - b.probability) < 1e-6) }
        }
    }

    @Test func tracingRecordsEveryLayerAndItsOutputIsThePrediction() throws {
        let (folder, files) = try Self.folder(count: 2)
        defer { try? FileManager.default.removeItem(at: folder) }
        let classifier = try Self.classifier()
        let traced = try classifier.classify(files: files, top: 10, tracing: true)
        let plain = try classifier.classify(files: files, top: 10)
        for (withTrace, without) in zip(traced, plain) {
            let trace = try #require(withTrace.trace)
            #expect(trace.input.shape == [1, 1, 28, 28])
            #expect(trace.layers.output.shape == [1, 10])
            #expect(trace.probabilities == (try trace.layers.output.softmax(alongAxis: 1)))
            #expect(trace.layers.steps.contains { $0.name == "features.0" })
            #expect(try withTrace.result.get() == without.result.get())
            let ranking = classifier.ranked(trace.probabilities, top: 10)[0]
            #expect(try ranking == withTrace.result.get())
        }
        let image = try Image(contentsOf: files[0])
        let direct = try classifier.trace(image)
        #expect(direct.input == traced[0].trace?.input)
        #expect(direct.probabilities == traced[0].trace?.probabilities)
    }
}
