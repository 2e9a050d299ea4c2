import TensorMath
import Testing

/// The largest error between `actual` and `expected` scalar by scalar,
/// `|a − e| / max(1, |a|, |e|)`: absolute for magnitudes up to 1, relative above.
///
/// Equal scalars (infinities included) and two NaNs count as no error; a NaN against a number,
/// or a difference in count, is `.infinity`.
public func maxRelativeError(_ actual: [Float], _ expected: [Float]) -> Float {
    guard actual.count == expected.count else { return .infinity }
    var worst: Float = 0
    for (a, e) in zip(actual, expected) where a != e && !(a.isNaN && e.isNaN) {
        let error = abs(a - e) / max(1, abs(a), abs(e))
        guard !error.isNaN else { return .infinity }
        worst = max(worst, error)
    }
    return worst
}

/// Expects `actual` to hold as many scalars as `expected`, each within `tolerance` of its
/// counterpart by ``maxRelativeError(_:_:)`` (absolute up to magnitude 1, relative above).
/// - Parameters:
///   - tolerance: The largest accepted error; default 1e-4.
///   - what: Names the compared values in a failure's message.
public func expectClose(
    _ actual: [Float], _ expected: [Float], tolerance: Float = 1e-4, _ what: String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let label = what.isEmpty ? "" : "\(what): "
    guard actual.count == expected.count else {
        Issue.record(
            "\(label)\(actual.count) scalars, expected \(expected.count)",
            sourceLocation: sourceLocation)
        return
    }
    let error = maxRelativeError(actual, expected)
    #expect(
        error <= tolerance, "\(label)max relative error \(error) > \(tolerance)",
        sourceLocation: sourceLocation)
}

/// Expects `actual` to have `expected`'s shape and scalars within `tolerance` of its scalars
/// by ``maxRelativeError(_:_:)``; a different shape is one failure, the scalars unchecked.
/// - Parameters:
///   - tolerance: The largest accepted error; default 1e-4.
///   - what: Names the compared tensors in a failure's message.
public func expectClose(
    _ actual: Tensor, _ expected: Tensor, tolerance: Float = 1e-4, _ what: String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard actual.shape == expected.shape else {
        let label = what.isEmpty ? "" : "\(what): "
        Issue.record(
            "\(label)shape \(actual.shape), expected \(expected.shape)",
            sourceLocation: sourceLocation)
        return
    }
    expectClose(
        actual.scalars, expected.scalars, tolerance: tolerance, what,
        sourceLocation: sourceLocation)
}
