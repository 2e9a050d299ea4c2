import Foundation
import NeuralNet
import TensorMath
import Testing

@Suite("Metrics")
struct MetricsTests {
    let scores = try! Tensor(
        shape: [4, 3],
        scalars: [
            0.1, 0.7, 0.2,  // predicts 1
            0.5, 0.5, 0.0,  // tie: predicts 0 (first wins)
            0.3, 0.3, 0.4,  // predicts 2
            0.9, 0.05, 0.05,  // predicts 0
        ])

    @Test("predictions, accuracy and top-k with PyTorch's tie rule")
    func accuracyAndTopK() throws {
        #expect(try Metrics.predictions(scores) == [1, 0, 2, 0])
        let labels = [1, 1, 0, 2]
        #expect(try Metrics.correctCount(scores, labels: labels) == 1)
        #expect(try Metrics.accuracy(scores, labels: labels) == 0.25)
        // Top-2: sample 1 (label 1 ties with 0, ranks second) and sample 2 (0.3 for class 0,
        // ranks second behind 0.4 and ahead of the tied class 1) join.
        #expect(try Metrics.topKAccuracy(scores, labels: labels, k: 2) == 0.75)
        #expect(try Metrics.topKAccuracy(scores, labels: labels, k: 3) == 1)
        #expect(try Metrics.topKAccuracy(scores, labels: [1, 1, 0, 5], k: 3) == 0.75)
        #expect(throws: NeuralNetError.self) { try Metrics.accuracy(scores, labels: [0]) }
        #expect(throws: NeuralNetError.self) {
            try Metrics.topKAccuracy(scores, labels: labels, k: 0)
        }
        #expect(throws: NeuralNetError.self) { try Metrics.predictions(Tensor([1, 2])) }
    }

    @Test("confusion matrix, precision, recall and F1 by hand")
    func confusionMatrix() throws {
        var matrix = ConfusionMatrix(classNames: ["cat", "dog", "ship"])
        // True:      cat cat cat dog dog ship
        // Predicted: cat cat dog dog cat ship
        try matrix.add(predictions: [0, 0, 1, 1, 0, 2], labels: [0, 0, 0, 1, 1, 2])
        #expect(matrix.counts == [[2, 1, 0], [1, 1, 0], [0, 0, 1]])
        #expect(matrix.total == 6)
        #expect(abs(matrix.accuracy - 4.0 / 6) < 1e-12)
        #expect(abs(matrix.precision(of: 0) - 2.0 / 3) < 1e-12)
        #expect(abs(matrix.recall(of: 0) - 2.0 / 3) < 1e-12)
        #expect(matrix.precision(of: 1) == 0.5 && matrix.recall(of: 1) == 0.5)
        #expect(matrix.f1(of: 2) == 1)
        #expect(matrix.support(of: 1) == 2)
        let macro = matrix.macroAverage
        #expect(abs(macro.precision - (2.0 / 3 + 0.5 + 1) / 3) < 1e-12)
        let report = matrix.description
        #expect(report.contains("precision") && report.contains("ship"))
        #expect(report.contains("0.6667") && report.contains("macro avg"))
        // Never-predicted classes have precision 0, as scikit-learn's zero_division=0.
        var empty = ConfusionMatrix(classCount: 2)
        try empty.add(predictions: [0, 0], labels: [0, 1])
        #expect(empty.precision(of: 1) == 0 && empty.f1(of: 1) == 0)
    }

    @Test("bad counts and classes throw without counting anything")
    func confusionMatrixErrors() throws {
        var matrix = ConfusionMatrix(classCount: 2)
        #expect(throws: NeuralNetError.self) {
            try matrix.add(predictions: [0, 1], labels: [0])
        }
        #expect(throws: NeuralNetError.self) {
            try matrix.add(predictions: [0, 2], labels: [0, 1])
        }
        #expect(matrix.total == 0)
    }

    @Test("the matrix round-trips through JSON and rejects inconsistent counts")
    func codable() throws {
        var matrix = ConfusionMatrix(classNames: ["a", "b"])
        try matrix.add(scores: scores.slice(batch: 0..<2), labels: [1, 0])
        let data = try JSONEncoder().encode(matrix)
        #expect(try JSONDecoder().decode(ConfusionMatrix.self, from: data) == matrix)
        let bad = Data(#"{"classNames": ["a", "b"], "counts": [[1, 2]]}"#.utf8)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ConfusionMatrix.self, from: bad)
        }
    }
}
