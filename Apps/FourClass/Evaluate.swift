import AppSupport
import ArgumentParser
import Datasets
import Foundation
import ImageClassification

/// `four-class evaluate`: test-set accuracy, confusion matrix and per-class precision and
/// recall of a model file, on the test folders of the model's own classes.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a model file on the test folders of its classes.",
        discussion: "The last line is `accuracy: xx.xx%`; --json prints one JSON object.")

    @Option(help: .init("The model file (.safetensors).", valueName: "FILE")) var model: String
    @Option(
        help: .init(
            "Image-folder data set (else $CIFAR10_DIR, else data/cifar10).",
            valueName: "DIR"))
    var data: String?
    @Flag(help: "Print the results as JSON.") var json = false

    func run() throws {
        let classifier = try ImageClassifier(contentsOf: URL(fileURLWithPath: model))
        let description = classifier.modelDescription
        guard description.input.colorMode == .rgb, description.input.height == FourClassData.side,
            description.input.width == FourClassData.side
        else {
            throw AppError(
                "\(model) takes \(description.input.height)x\(description.input.width) "
                    + "\(description.input.colorMode.rawValue) images, not 32x32 RGB")
        }
        let test = try FourClassData.load(data, split: .test, classes: classifier.classNames)
        guard test.classNames == classifier.classNames else {
            throw AppError(
                "\(model) orders its classes \(classifier.classNames), the folders give "
                    + "\(test.classNames)")
        }
        let normalization = try Normalization(
            mean: description.preprocessing.mean, std: description.preprocessing.standardDeviation)
        let report = try EvaluationReport(
            model: classifier.network, data: test, normalization: normalization,
            classNames: classifier.classNames, modelPath: model)
        print(json ? try report.jsonText() : report.text)
    }
}
