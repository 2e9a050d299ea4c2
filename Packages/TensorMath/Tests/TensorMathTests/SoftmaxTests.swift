import Foundation
import TensorMath
import TensorMathTesting
import Testing

@Suite struct SoftmaxTests {
    @Test func handComputedValues() throws {
        // softmax([1, 2, 3]) = e^(x − 3) / Σ = [0.09003057, 0.24472847, 0.66524096]
        let y = try Tensor([1, 2, 3]).softmax()
        #expect(
            y.isApproximatelyEqual(
                to: Tensor([0.09003057, 0.24472847, 0.66524096]), tolerance: 1e-6))
        let logY = try Tensor([1, 2, 3]).logSoftmax()
        #expect(
            logY.isApproximatelyEqual(
                to: Tensor([-2.40760596, -1.40760596, -0.40760596]), tolerance: 1e-6))
        #expect(try Tensor([5]).softmax().scalars == [1])
    }

    @Test func largeLogitsDoNotOverflow() throws {
        let x = Tensor([1000, 1001, -1000])
        let y = try x.softmax()
        #expect(y.isFinite())
        #expect(y.isApproximatelyEqual(to: Tensor([0.26894142, 0.73105858, 0]), tolerance: 1e-6))
        let logY = try x.logSoftmax()
        #expect(logY.isFinite())
        // log-softmax of a logit 2001 below the max stays finite instead of log(0).
        #expect(abs(logY.scalars[2] - (-2001.3132617)) < 1e-3)
    }

    @Test func alongEveryAxis() throws {
        var g = Xoshiro256(seed: 4)
        let x = try Tensor.normal([3, 4, 5], standardDeviation: 3, using: &g)
        for axis in [0, 1, 2, -1] {
            let y = try x.softmax(alongAxis: axis)
            #expect(y.shape == x.shape)
            let sums = try y.sum(alongAxes: [axis])
            #expect(sums.isApproximatelyEqual(to: try Tensor(repeating: 1, shape: sums.shape)))
            // Along axis 1, compare with a hand-rolled softmax of the moved-to-last axis.
            let logY = try x.logSoftmax(alongAxis: axis)
            #expect(logY.isApproximatelyEqual(to: y.log(), tolerance: 1e-5))
        }
        let y1 = try x.softmax(alongAxis: 1)
        for i in 0..<3 {
            for k in 0..<5 {
                let column = (0..<4).map { Double(x[i, $0, k]) }
                let m = column.max()!
                let total = column.reduce(0) { $0 + Foundation.exp($1 - m) }
                for j in 0..<4 {
                    #expect(abs(Double(y1[i, j, k]) - Foundation.exp(column[j] - m) / total) < 1e-6)
                }
            }
        }
        #expect(throws: TensorError.self) { try x.softmax(alongAxis: 3) }
        #expect(try Tensor.zeros([0, 3]).softmax().shape == [0, 3])
    }

    @Test func gradientsMatchFiniteDifferences() throws {
        var g = Xoshiro256(seed: 8)
        let x = try Tensor.normal([3, 4, 2], using: &g)
        let w = try Tensor.normal([3, 4, 2], using: &g)
        for axis in [-1, 1, 0] {
            let y = try x.softmax(alongAxis: axis)
            let analytic = try Tensor.softmaxGradient(output: y, outputGradient: w, alongAxis: axis)
            let numeric = try GradientCheck.numericalGradient(
                of: { GradientCheck.projection(try $0.softmax(alongAxis: axis), w) }, at: x,
                step: 1e-2)
            #expect(GradientCheck.maxRelativeError(analytic, numeric) < 1e-3, "axis \(axis)")

            let logY = try x.logSoftmax(alongAxis: axis)
            let logAnalytic = try Tensor.logSoftmaxGradient(
                output: logY, outputGradient: w, alongAxis: axis)
            let logNumeric = try GradientCheck.numericalGradient(
                of: { GradientCheck.projection(try $0.logSoftmax(alongAxis: axis), w) }, at: x,
                step: 1e-2)
            #expect(GradientCheck.maxRelativeError(logAnalytic, logNumeric) < 1e-3, "axis \(axis)")
        }
        #expect(
            throws: TensorError.shapeMismatch(
                operation: "softmaxGradient", lhs: [3, 4, 2], rhs: [3, 4])
        ) {
            try Tensor.softmaxGradient(output: x, outputGradient: Tensor.zeros([3, 4]))
        }
    }
}
