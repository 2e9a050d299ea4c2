import TensorMath

/// Central finite differences for checking backward kernels and layers in tests.
public enum GradientCheck {
    /// The numerical gradient of the scalar function `f` at `x`:
    /// `(f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h` for every scalar `i`, computed in `Double`.
    public static func numericalGradient(
        of f: (Tensor) throws -> Double, at x: Tensor, step h: Float = 1e-2
    ) rethrows -> Tensor {
        var gradient = [Float](repeating: 0, count: x.count)
        for i in 0..<x.count {
            var plus = x.scalars, minus = x.scalars
            plus[i] += h
            minus[i] -= h
            let up = try f(try! Tensor(shape: x.shape, scalars: plus))
            let down = try f(try! Tensor(shape: x.shape, scalars: minus))
            gradient[i] = Float((up - down) / (2 * Double(h)))
        }
        return try! Tensor(shape: x.shape, scalars: gradient)
    }

    /// `Σ wᵢ·yᵢ` in `Double`: a scalar projection of an output, whose gradient with respect
    /// to the output is `w`. Feed `w` as the output gradient of a backward pass and compare
    /// the result with ``numericalGradient(of:at:step:)`` of this projection.
    public static func projection(_ y: Tensor, _ w: Tensor) -> Double {
        zip(y.scalars, w.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// The largest relative error `|a − b| / max(1, |a|, |b|)` between two tensors of equal
    /// count, or `.infinity` if the counts differ: ``maxRelativeError(_:_:)`` of their scalars.
    public static func maxRelativeError(_ a: Tensor, _ b: Tensor) -> Float {
        TensorMathTesting.maxRelativeError(a.scalars, b.scalars)
    }
}
