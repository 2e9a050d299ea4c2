import Foundation
import NeuralNet
import TensorMath
import TensorMathTesting
import Testing

@Suite("Softmax squared error (the tutorial's total error on softmax outputs)")
struct SoftmaxSquaredErrorTests {
    @Test("hand-computed value: ½ Σ (t − softmax)², averaged over the samples")
    func handComputed() throws {
        // logits [0, ln 2, ln 5]: softmax = [1, 2, 5] / 8; label 2: d = [1/8, 2/8, −3/8].
        // Sample 2: uniform logits over 3 classes, label 0: d = [−2/3, 1/3, 1/3].
        let logits = try Tensor(
            shape: [2, 3], scalars: [0, Float(log(2.0)), Float(log(5.0)), 1, 1, 1])
        let result = try Loss.softmaxSquaredError(logits: logits, labels: [2, 0])
        let first = 0.5 * (1.0 + 4 + 9) / 64
        let second = 0.5 * (4.0 + 1 + 1) / 9
        #expect(abs(Double(result.value) - (first + second) / 2) < 1e-6)
        // ∂E/∂x_j = p_j (d_j − Σ d p), halved for the mean over 2 samples.
        let p: [Double] = [1.0 / 8, 2.0 / 8, 5.0 / 8]
        let d: [Double] = [1.0 / 8, 2.0 / 8, -3.0 / 8]
        let weighted = zip(p, d).reduce(0) { $0 + $1.0 * $1.1 }
        for j in 0..<3 {
            let expected = p[j] * (d[j] - weighted) / 2
            #expect(abs(Double(result.gradient.scalars[j]) - expected) < 1e-6)
        }
    }

    @Test("gradient matches central finite differences")
    func finiteDifferences() throws {
        var generator = Xoshiro256(seed: 11)
        let logits = try Tensor.normal([4, 5], using: &generator)
        let labels = [1, 4, 0, 0]
        let analytic = try Loss.softmaxSquaredError(logits: logits, labels: labels).gradient
        let numeric = try GradientCheck.numericalGradient(
            of: { x in Double(try Loss.softmaxSquaredError(logits: x, labels: labels).value) },
            at: logits, step: 1e-2)
        #expect(GradientCheck.maxRelativeError(analytic, numeric) < 2e-3)
    }

    @Test("the classification loss evaluates to the same value, without a gradient")
    func classificationLoss() throws {
        let logits = try Tensor(shape: [1, 2], scalars: [2, -1])
        let loss = ClassificationLoss.softmaxSquaredError
        #expect(
            try loss.value(logits, labels: [1])
                == Loss.softmaxSquaredError(
                    logits: logits, labels: [1]
                ).value)
        #expect(loss.name == "softmax squared error")
    }

    @Test("bad shapes and labels are errors naming the loss")
    func badInput() throws {
        let logits = try Tensor(shape: [2, 3], scalars: [Float](repeating: 0, count: 6))
        for labels in [[0], [0, 3], [-1, 0]] {
            let error = try #require(throws: NeuralNetError.self) {
                try Loss.softmaxSquaredError(logits: logits, labels: labels)
            }
            #expect("\(error)".contains("softmaxSquaredError"))
        }
    }
}
