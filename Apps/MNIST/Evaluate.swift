import AppSupport
import ArgumentParser
import Datasets
import Foundation
import ImageClassification

/// `mnist evaluate`: test-set accuracy, confusion matrix and per-class precision and recall.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a model file on the 10,000 MNIST test images.",
        discussion: "The last line is `accuracy: 99.xx%`; --json prints one JSON object.")

    @Option(help: .init("The model file (.safetensors).", valueName: "FILE")) var model: String
    @Option(help: .init("MNIST folder (else $MNIST_DIR, else data/mnist).", valueName: "DIR"))
    var data: String?
    @Flag(help: "Print the results as JSON.") var json = false

    func run() throws {
        let test = try MNISTData.load(data, split: .test)
        let classifier = try ImageClassifier(contentsOf: URL(fileURLWithPath: model))
        let description = classifier.modelDescription
        guard description.input.height == 28, description.input.width == 28,
            description.input.colorMode == .grayscale
        else {
            throw AppError(
                "\(model) takes \(description.input.height)x\(description.input.width) "
                    + "\(description.input.colorMode.rawValue) images, not MNIST's 28x28 grey")
        }
        let normalization = try Normalization(
            mean: description.preprocessing.mean, std: description.preprocessing.standardDeviation)
        let report = try EvaluationReport(
            model: classifier.network, data: test,
            normalization: normalization, classNames: classifier.classNames, modelPath: model)
        print(json ? try report.jsonText() : report.text)
    }
}
