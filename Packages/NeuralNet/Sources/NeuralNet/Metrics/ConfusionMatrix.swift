import TensorMath

/// Counts of (true class, predicted class) pairs, with per-class precision, recall and F1.
///
/// Rows are true classes and columns predicted classes, as scikit-learn's
/// `confusion_matrix`: `counts[t][p]` is the number of samples of class `t` predicted as `p`.
/// ``description`` renders the matrix and a per-class report as readable tables.
///
/// ```swift
/// var matrix = ConfusionMatrix(classNames: ["bird", "cat", "dog", "ship"])
/// try matrix.add(predictions: Metrics.predictions(logits), labels: labels)
/// print(matrix)
/// ```
public struct ConfusionMatrix: Codable, Equatable, Sendable, CustomStringConvertible {
    /// The class names, `"0"`, `"1"`, … when none were given.
    public let classNames: [String]
    /// `counts[true][predicted]`, a `classCount × classCount` matrix.
    public private(set) var counts: [[Int]]

    /// Creates an empty matrix for named classes.
    public init(classNames: [String]) {
        self.classNames = classNames
        counts = Array(
            repeating: Array(repeating: 0, count: classNames.count), count: classNames.count)
    }

    /// Creates an empty matrix for `classCount` classes named by their index.
    public init(classCount: Int) {
        self.init(classNames: (0..<Swift.max(classCount, 0)).map(String.init))
    }

    /// Decodes a matrix, checking that `counts` is square, sized for the class names and
    /// non-negative.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let names = try container.decode([String].self, forKey: .classNames)
        let counts = try container.decode([[Int]].self, forKey: .counts)
        guard counts.count == names.count,
            counts.allSatisfy({ $0.count == names.count && $0.allSatisfy { $0 >= 0 } })
        else {
            throw DecodingError.dataCorruptedError(
                forKey: .counts, in: container,
                debugDescription:
                    "counts must be a non-negative \(names.count)×\(names.count) matrix")
        }
        self.classNames = names
        self.counts = counts
    }

    private enum CodingKeys: String, CodingKey { case classNames, counts }

    /// The number of classes.
    public var classCount: Int { classNames.count }

    /// The number of samples counted.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }

    /// Counts one prediction per label.
    /// - Throws: ``NeuralNetError/invalidInput(layer:reason:)`` for different counts or a class
    ///   outside `0..<classCount` (naming the sample); nothing is counted then.
    public mutating func add(predictions: [Int], labels: [Int]) throws {
        let operation = "ConfusionMatrix.add"
        guard predictions.count == labels.count else {
            throw NeuralNetError.invalidInput(
                layer: operation,
                reason: "\(predictions.count) predictions for \(labels.count) labels")
        }
        for (index, (predicted, label)) in zip(predictions, labels).enumerated() {
            guard (0..<classCount).contains(predicted), (0..<classCount).contains(label) else {
                throw NeuralNetError.invalidInput(
                    layer: operation,
                    reason: "sample \(index) has label \(label) and prediction \(predicted), "
                        + "outside 0..<\(classCount)")
            }
        }
        for (predicted, label) in zip(predictions, labels) { counts[label][predicted] += 1 }
    }

    /// Counts the argmax predictions of `scores` `[N, C]` against `labels`.
    /// - Throws: As ``Metrics/predictions(_:)`` and ``add(predictions:labels:)``.
    public mutating func add(scores: Tensor, labels: [Int]) throws {
        try add(predictions: Metrics.predictions(scores), labels: labels)
    }

    /// The fraction of samples on the diagonal (0 when empty).
    public var accuracy: Double {
        let diagonal = (0..<classCount).reduce(0) { $0 + counts[$1][$1] }
        return total == 0 ? 0 : Double(diagonal) / Double(total)
    }

    /// Precision of `classIndex`: true positives over all predictions of that class (0 when
    /// the class was never predicted, as scikit-learn's `zero_division=0`).
    public func precision(of classIndex: Int) -> Double {
        let predicted = (0..<classCount).reduce(0) { $0 + counts[$1][classIndex] }
        return predicted == 0 ? 0 : Double(counts[classIndex][classIndex]) / Double(predicted)
    }

    /// Recall of `classIndex`: true positives over all samples of that class (0 when absent).
    public func recall(of classIndex: Int) -> Double {
        let actual = counts[classIndex].reduce(0, +)
        return actual == 0 ? 0 : Double(counts[classIndex][classIndex]) / Double(actual)
    }

    /// F1 of `classIndex`: the harmonic mean of precision and recall (0 when both are 0).
    public func f1(of classIndex: Int) -> Double {
        let (p, r) = (precision(of: classIndex), recall(of: classIndex))
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }

    /// The number of samples of `classIndex`.
    public func support(of classIndex: Int) -> Int { counts[classIndex].reduce(0, +) }

    /// Per-class precision, recall, F1 and support, in class order.
    public var classReports: [ClassReport] {
        (0..<classCount).map {
            ClassReport(
                name: classNames[$0], precision: precision(of: $0), recall: recall(of: $0),
                f1: f1(of: $0), support: support(of: $0))
        }
    }

    /// The unweighted means of precision, recall and F1 over the classes.
    public var macroAverage: (precision: Double, recall: Double, f1: Double) {
        guard classCount > 0 else { return (0, 0, 0) }
        let reports = classReports
        let n = Double(classCount)
        return (
            reports.reduce(0) { $0 + $1.precision } / n, reports.reduce(0) { $0 + $1.recall } / n,
            reports.reduce(0) { $0 + $1.f1 } / n
        )
    }

    /// One class's line of a classification report.
    public struct ClassReport: Codable, Equatable, Sendable {
        /// The class name.
        public var name: String
        /// True positives over predicted positives.
        public var precision: Double
        /// True positives over actual positives.
        public var recall: Double
        /// The harmonic mean of precision and recall.
        public var f1: Double
        /// The number of samples of the class.
        public var support: Int
    }
}
