import Foundation
import NeuralNet
import TensorMath
import TensorMathTesting
import Testing

@Suite("Losses")
struct LossTests {
    @Test("cross-entropy of uniform logits is log C, gradient (1/C − onehot)/N")
    func crossEntropyUniform() throws {
        let logits = try Tensor(shape: [2, 4], scalars: [Float](repeating: 3, count: 8))
        let result = try Loss.softmaxCrossEntropy(logits: logits, labels: [1, 3])
        #expect(abs(result.value - Float(log(4.0))) < 1e-6)
        let expected: [Float] = [0.125, -0.375, 0.125, 0.125, 0.125, 0.125, 0.125, -0.375]
        for (a, b) in zip(result.gradient.scalars, expected) { #expect(abs(a - b / 1) < 1e-6) }
        #expect(result.gradient.shape == [2, 4])
    }

    @Test("cross-entropy hand-computed case, with and without label smoothing")
    func crossEntropyHandComputed() throws {
        // logits [0, ln 2, ln 5]: softmax = [1, 2, 5] / 8.
        let logits = try Tensor(shape: [1, 3], scalars: [0, Float(log(2.0)), Float(log(5.0))])
        let plain = try Loss.softmaxCrossEntropy(logits: logits, labels: [2])
        #expect(abs(plain.value - Float(log(8.0 / 5.0))) < 1e-6)
        let expectedPlain: [Float] = [1.0 / 8, 2.0 / 8, 5.0 / 8 - 1]
        for (a, b) in zip(plain.gradient.scalars, expectedPlain) { #expect(abs(a - b) < 1e-6) }
        // ε = 0.3: q = [0.1, 0.1, 0.8]; loss = −Σ q log p.
        let smooth = try Loss.softmaxCrossEntropy(logits: logits, labels: [2], labelSmoothing: 0.3)
        let expected = -(0.1 * log(1.0 / 8) + 0.1 * log(2.0 / 8) + 0.8 * log(5.0 / 8))
        #expect(abs(Double(smooth.value) - expected) < 1e-6)
        let expectedSmooth: [Float] = [1.0 / 8 - 0.1, 2.0 / 8 - 0.1, 5.0 / 8 - 0.8]
        for (a, b) in zip(smooth.gradient.scalars, expectedSmooth) { #expect(abs(a - b) < 1e-6) }
    }

    @Test("cross-entropy is stable for huge logits")
    func crossEntropyStable() throws {
        let logits = try Tensor(shape: [2, 3], scalars: [1000, -1000, 0, -5e4, 5e4, 5e4])
        let result = try Loss.softmaxCrossEntropy(logits: logits, labels: [0, 0])
        #expect(result.value.isFinite)
        // Sample 0 is certain and right (loss 0); sample 1 is certain and wrong (1e5 + log 2).
        #expect(abs(result.value - Float((0 + 1e5 + log(2.0)) / 2)) < 1)
        #expect(result.gradient.scalars.allSatisfy { $0.isFinite })
    }

    @Test(
        "cross-entropy gradient matches central finite differences",
        arguments: [Float(0), 0.2])
    func crossEntropyFiniteDifferences(smoothing: Float) throws {
        var generator = Xoshiro256(seed: 7)
        let logits = try Tensor.normal([4, 5], using: &generator)
        let labels = [0, 4, 2, 2]
        let analytic = try Loss.softmaxCrossEntropy(
            logits: logits, labels: labels, labelSmoothing: smoothing
        ).gradient
        let numeric = try GradientCheck.numericalGradient(
            of: { x in
                Double(
                    try Loss.softmaxCrossEntropy(
                        logits: x, labels: labels, labelSmoothing: smoothing
                    ).value)
            }, at: logits, step: 1e-2)
        #expect(GradientCheck.maxRelativeError(analytic, numeric) < 2e-3)
    }

    @Test("mean and total squared error: hand-computed values and gradients")
    func squaredErrors() throws {
        let output = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        let target = try Tensor(shape: [2, 2], scalars: [0, 2, 5, 3])
        // Differences 1, 0, −2, 1: squares sum to 6.
        let mse = try Loss.meanSquaredError(output, target: target)
        #expect(mse.value == 1.5)
        #expect(mse.gradient.scalars == [0.5, 0, -1, 0.5])
        let total = try Loss.totalSquaredError(output, target: target)
        #expect(total.value == 3)
        #expect(total.gradient.scalars == [1, 0, -2, 1])
    }

    @Test("the tutorial's total error (Mazur's worked example) matches its published value")
    func tutorialTotalError() throws {
        // Outputs 0.75136507 and 0.772928465 against targets 0.01 and 0.99: E = 0.298371109.
        let output = Tensor([0.75136507, 0.772928465])
        let total = try Loss.totalSquaredError(output, target: Tensor([0.01, 0.99]))
        #expect(abs(total.value - 0.298371109) < 1e-6)
        #expect(abs(total.gradient.scalars[0] - 0.74136507) < 1e-6)
    }

    @Test("squared-error gradients match central finite differences")
    func squaredErrorFiniteDifferences() throws {
        var generator = Xoshiro256(seed: 3)
        let output = try Tensor.normal([3, 4], using: &generator)
        let target = try Tensor.normal([3, 4], using: &generator)
        for loss in [Loss.meanSquaredError, Loss.totalSquaredError] {
            let analytic = try loss(output, target).gradient
            let numeric = try GradientCheck.numericalGradient(
                of: { x in
                    Double(try loss(x, target).value)
                }, at: output, step: 1e-2)
            #expect(GradientCheck.maxRelativeError(analytic, numeric) < 1e-3)
        }
    }

    @Test("losses match PyTorch (Tools/reference/optim_golden.py)")
    func pytorchGolden() throws {
        let logits = try Tensor(shape: LossGolden.logitsShape, scalars: LossGolden.logits)
        for (smoothing, value, gradient) in LossGolden.crossEntropy {
            let result = try Loss.softmaxCrossEntropy(
                logits: logits, labels: LossGolden.labels, labelSmoothing: smoothing)
            #expect(abs(result.value - value) < 1e-6 * max(1, abs(value)))
            #expect(GradientCheck.maxRelativeError(result.gradient, Tensor(gradient)) < 1e-6)
        }
        let target = try Tensor(shape: LossGolden.logitsShape, scalars: LossGolden.target)
        let mse = try Loss.meanSquaredError(logits, target: target)
        #expect(abs(mse.value - LossGolden.meanSquaredError.value) < 1e-6)
        #expect(
            GradientCheck.maxRelativeError(
                mse.gradient, Tensor(LossGolden.meanSquaredError.gradient)) < 1e-6)
        let total = try Loss.totalSquaredError(logits, target: target)
        #expect(abs(total.value - LossGolden.totalSquaredError.value) < 1e-5)
        #expect(
            GradientCheck.maxRelativeError(
                total.gradient, Tensor(LossGolden.totalSquaredError.gradient)) < 1e-6)
    }

    @Test("bad inputs throw errors naming the loss and the shapes or labels")
    func badInputs() throws {
        let logits = try Tensor.zeros([2, 3])
        #expect(throws: NeuralNetError.self) {
            try Loss.softmaxCrossEntropy(logits: logits, labels: [0])
        }
        do {
            _ = try Loss.softmaxCrossEntropy(logits: logits, labels: [0, 3])
            Issue.record("an out-of-range label must throw")
        } catch {
            let message = String(describing: error)
            #expect(message.contains("softmaxCrossEntropy"))
            #expect(message.contains("label 3 of sample 1"))
        }
        #expect(throws: NeuralNetError.self) {
            try Loss.softmaxCrossEntropy(logits: logits, labels: [0, -1])
        }
        #expect(throws: NeuralNetError.self) {
            try Loss.softmaxCrossEntropy(logits: Tensor([1, 2]), labels: [0])
        }
        #expect(throws: NeuralNetError.self) {
            try Loss.softmaxCrossEntropy(logits: logits, labels: [0, 1], labelSmoothing: 1.5)
        }
        do {
            _ = try Loss.meanSquaredError(logits, target: Tensor.zeros([3, 2]))
            Issue.record("mismatched shapes must throw")
        } catch {
            let message = String(describing: error)
            #expect(message.contains("meanSquaredError"))
            #expect(message.contains("[2, 3]") && message.contains("[3, 2]"))
        }
        #expect(throws: NeuralNetError.self) {
            try Loss.totalSquaredError(Tensor([1]), target: Tensor([1, 2]))
        }
        #expect(throws: NeuralNetError.self) { try Loss.oneHot(labels: [2], classCount: 2) }
    }

    @Test("classification losses use one-hot targets for squared errors")
    func classificationLosses() throws {
        let output = try Tensor(shape: [2, 2], scalars: [1, 0, 0.5, 0.5])
        let total = try ClassificationLoss.totalSquaredError(output, labels: [0, 0])
        #expect(total.value == 0.25)
        #expect(total.gradient.scalars == [0, 0, -0.5, 0.5])
        let mse = try ClassificationLoss.meanSquaredError(output, labels: [0, 1])
        #expect(mse.value == 0.125)
        let ce = try ClassificationLoss.softmaxCrossEntropy()(output, labels: [0, 1])
        let direct = try Loss.softmaxCrossEntropy(logits: output, labels: [0, 1])
        #expect(ce == direct)
    }
}
