import AppSupport
import ArgumentParser
import Foundation
import ImageModels
import NeuralNet
import TensorMath

/// `mnist evaluate`: test-set accuracy, confusion matrix and per-class precision and recall.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a model on the 10,000 MNIST test images.")

    @Option(help: "The model file (.safetensors).") var model: String
    @Option(help: "MNIST folder (else $MNIST_DIR, else data/mnist).") var data: String?
    @Flag(help: "Print the results as JSON.") var json = false

    struct Report: Encodable {
        let model: String
        let images: Int
        let accuracy: Double
        let confusionMatrix: [[Int]]
        let classes: [ConfusionMatrix.ClassReport]
    }

    func run() throws {
        let classifier = try ImageClassifier(contentsOf: URL(fileURLWithPath: model))
        let test = try MNISTData(flag: data, split: .test)
        var matrix = ConfusionMatrix(classNames: classifier.classNames)
        for batch in try test.batches(size: 500, shuffleSeed: nil, epoch: 0) {
            try matrix.add(scores: try classifier.network.forward(batch.images), labels: batch.labels)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let report = Report(
                model: model, images: test.count, accuracy: matrix.accuracy,
                confusionMatrix: matrix.counts, classes: matrix.classReports)
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(matrix)
            print(String(format: "accuracy: %.2f%%", matrix.accuracy * 100))
        }
    }
}
