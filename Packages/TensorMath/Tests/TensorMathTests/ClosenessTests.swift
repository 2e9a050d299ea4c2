import TensorMath
import TensorMathTesting
import Testing

/// The comparison helpers every package's tests share.
@Suite struct ClosenessTests {
    @Test func errorIsAbsoluteBelowOneAndRelativeAbove() {
        #expect(maxRelativeError([0.5, 2], [0.5, 2]) == 0)
        #expect(maxRelativeError([0.25], [0.5]) == 0.25)
        #expect(maxRelativeError([100], [104]) == 4 / Float(104))
        #expect(maxRelativeError([1, 2], [1]) == .infinity)
    }

    @Test func infinitiesAndNaNsMatchOnlyThemselves() {
        #expect(
            maxRelativeError([.infinity, -.infinity, .nan], [.infinity, -.infinity, .nan]) == 0)
        #expect(maxRelativeError([.nan], [0]) == .infinity)
        #expect(maxRelativeError([1], [.nan]) == .infinity)
        #expect(maxRelativeError([.infinity], [1]) == .infinity)
    }

    @Test func expectCloseRecordsShapeCountAndToleranceFailures() throws {
        let tensor = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        expectClose(tensor, tensor, tolerance: 0)
        expectClose([1, 100], [1.000005, 100.0005], tolerance: 1e-5)
        withKnownIssue { expectClose(tensor, try tensor.reshaped(to: [4])) }
        withKnownIssue { expectClose([1], [1, 2]) }
        withKnownIssue { expectClose([0.5], [0.51], tolerance: 1e-3) }
    }
}
