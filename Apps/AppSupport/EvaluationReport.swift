import Datasets
import Foundation
import NeuralNet
import TensorMath

/// A classifier's results on a labelled data set: accuracy, mean loss, the confusion matrix
/// and per-class precision, recall and F1, printable as text (last line
/// `accuracy: 99.12%`) or as JSON.
///
/// ```swift
/// let report = try EvaluationReport(
///     model: network, data: testSet, normalization: .mnist, classNames: names,
///     modelPath: "mnist-cnn.safetensors")
/// print(json ? try report.jsonText() : report.text)
/// ```
public struct EvaluationReport: Encodable, Equatable, Sendable {
    /// The model file evaluated (as given), or a name.
    public var model: String
    /// The number of images evaluated.
    public var images: Int
    /// The fraction classified correctly, in [0, 1].
    public var accuracy: Double
    /// The mean softmax cross-entropy.
    public var loss: Double
    /// The counts of (true, predicted) classes, with the class names.
    public var matrix: ConfusionMatrix
    /// The class names, in output order.
    public var classNames: [String] { matrix.classNames }
    /// `confusionMatrix[true][predicted]`.
    public var confusionMatrix: [[Int]] { matrix.counts }
    /// Precision, recall, F1 and support per class.
    public var classes: [ConfusionMatrix.ClassReport] { matrix.classReports }

    /// Evaluates `model` (in inference mode, restored afterwards) on every sample of `data`
    /// with NeuralNet's one evaluation loop (``NeuralNet/Evaluation``).
    /// - Parameters:
    ///   - normalization: Applied to the images, as in training.
    ///   - classNames: The model's classes; the data's labels index them.
    ///   - modelPath: Names the model in the report.
    ///   - batchSize: Images per forward pass; default 500.
    /// - Throws: ``AppError`` if the model's output does not have one score per class, or
    ///   a sample's label is outside the classes; the loader's and model's errors.
    public init(
        model network: Layer, data: any LabeledImageSource, normalization: Normalization,
        classNames: [String], modelPath: String, batchSize: Int = 500
    ) throws {
        let loader = try BatchLoader(
            source: data, batchSize: batchSize, shuffle: false, normalization: normalization)
        let matrix: ConfusionMatrix
        let evaluation: Evaluation
        do {
            evaluation = try Evaluation(
                model: network, batches: loader.batches(epoch: 0), classCount: classNames.count)
            matrix = try evaluation.confusionMatrix(classNames: classNames)
        } catch let error as NeuralNetError {
            throw AppError("\(modelPath): \(error)")
        }
        guard evaluation.loss.isFinite else {
            throw AppError(
                "\(modelPath): the model's scores are not finite (NaN or infinite) on the data: "
                    + "its weights are broken or too large")
        }
        self.model = modelPath
        self.images = matrix.total
        self.accuracy = matrix.accuracy
        self.loss = evaluation.loss
        self.matrix = matrix
    }

    /// The report for people: model and image count, the confusion matrix (rows true,
    /// columns predicted), precision, recall, F1 and support per class, the mean loss, and
    /// the accuracy as the last line (`accuracy: 99.12%`).
    public var text: String {
        var lines = ["model: \(model)", "images: \(images)", ""]
        lines += [matrix.matrixTable, "", matrix.report, ""]
        lines.append(String(format: "loss: %.4f", loss))
        lines.append(String(format: "accuracy: %.2f%%", accuracy * 100))
        return lines.joined(separator: "\n")
    }

    /// The report as pretty-printed JSON with sorted keys (`accuracy`, `classes`,
    /// `confusion_matrix`, …).
    public func jsonText() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    private enum CodingKeys: String, CodingKey {
        case model, images, accuracy, loss, classNames = "class_names"
        case confusionMatrix = "confusion_matrix", classes
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(model, forKey: .model)
        try c.encode(images, forKey: .images)
        try c.encode(accuracy, forKey: .accuracy)
        try c.encode(loss, forKey: .loss)
        try c.encode(classNames, forKey: .classNames)
        try c.encode(confusionMatrix, forKey: .confusionMatrix)
        try c.encode(classes, forKey: .classes)
    }
}
