#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Element-wise mathematical functions and comparisons.
///
/// Every function keeps the shape. Domain errors follow IEEE 754 like the C library
/// (`log` of a negative number is NaN, `log(0)` is `-inf`), as in PyTorch.
///
/// Inside `extension Tensor`, the members `exp()`, `log()`, `sqrt()`, `abs()`, `pow(_:)`,
/// `max()` and `min()` hide the global functions of the same names: call `Swift.max(a, b)`
/// or the C functions (`expf`, `logf`) there.
extension Tensor {
    /// `eˣ` for every scalar, vectorized (within 2 ulp of the C library's `expf`, and exactly
    /// `expf` for overflow, underflow and NaN).
    public func exp() -> Tensor { applyingVectorized(VectorMath.exp) }

    /// The natural logarithm of every scalar.
    public func log() -> Tensor { applying(LogKernel()) }

    /// The square root of every scalar.
    public func sqrt() -> Tensor { applying(SquareRootKernel()) }

    /// `x²` for every scalar.
    public func squared() -> Tensor { applying(SquareKernel()) }

    /// `|x|` for every scalar.
    public func abs() -> Tensor { applying(MagnitudeKernel()) }

    /// `1 / x` for every scalar.
    public func reciprocal() -> Tensor { applying(LeftBound(kernel: DivideKernel(), lhs: 1)) }

    /// `xᵉ` for every scalar `x` and the given exponent `e` (C's `powf`).
    public func pow(_ exponent: Float) -> Tensor {
        if exponent == 1 { return self }
        if exponent == 2 { return squared() }
        return applying(PowerKernel(exponent: exponent))
    }

    /// Every scalar limited to `min...max`, like `torch.clamp`: values below `min` become
    /// `min`, values above `max` become `max`, NaN stays NaN. If `min > max`, every scalar
    /// becomes `max`.
    public func clamped(min lower: Float, max upper: Float) -> Tensor {
        applying(ClampKernel(lower: lower, upper: upper))
    }

    /// The element-wise larger of two tensors, with broadcasting; NaN if either is NaN
    /// (as `torch.maximum`).
    /// - Throws: ``TensorError/shapeMismatch(operation:lhs:rhs:)`` if the shapes do not
    ///   broadcast.
    public static func maximum(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        try broadcasting(a, b, operation: "maximum", MaximumKernel())
    }

    /// The element-wise smaller of two tensors, with broadcasting; NaN if either is NaN
    /// (as `torch.minimum`).
    /// - Throws: ``TensorError/shapeMismatch(operation:lhs:rhs:)`` if the shapes do not
    ///   broadcast.
    public static func minimum(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        try broadcasting(a, b, operation: "minimum", MinimumKernel())
    }

    /// `transform` applied to every scalar. A convenience for tests and one-off code: it calls
    /// a closure per element, so hot paths should use the dedicated operations.
    public func map(_ transform: (Float) -> Float) -> Tensor {
        Tensor(uncheckedShape: shape, scalars: scalars.map(transform))
    }

    /// Whether every scalar is finite (neither infinite nor NaN); `true` when empty.
    public func isFinite() -> Bool {
        scalars.withUnsafeBufferPointer { buffer in
            // x − x is 0 for finite x and NaN for ±inf and NaN; NaN poisons the sum.
            var probe: Float = 0
            for x in buffer { probe += x - x }
            return probe == 0
        }
    }

    /// Whether the shapes are equal and every pair of scalars satisfies
    /// `|a − b| ≤ tolerance · max(1, |a|, |b|)`: an absolute tolerance near zero and a
    /// relative one for large values. NaN is never approximately equal to anything.
    /// - Parameters:
    ///   - other: The tensor to compare with.
    ///   - tolerance: Defaults to `1e-5`.
    public func isApproximatelyEqual(to other: Tensor, tolerance: Float = 1e-5) -> Bool {
        guard shape == other.shape else { return false }
        for (a, b) in zip(scalars, other.scalars) {
            let scale = Swift.max(1, a.magnitude, b.magnitude)
            guard (a - b).magnitude <= tolerance * scale else { return false }
        }
        return true
    }
}

struct LogKernel: UnaryKernel {
    @inline(__always) func callAsFunction(_ x: Float) -> Float { logf(x) }
}

struct SquareRootKernel: UnaryKernel {
    @inline(__always) func callAsFunction(_ x: Float) -> Float { x.squareRoot() }
}

struct SquareKernel: UnaryKernel {
    @inline(__always) func callAsFunction(_ x: Float) -> Float { x * x }
}

struct MagnitudeKernel: UnaryKernel {
    @inline(__always) func callAsFunction(_ x: Float) -> Float { x.magnitude }
}

struct PowerKernel: UnaryKernel {
    var exponent: Float
    @inline(__always) func callAsFunction(_ x: Float) -> Float { powf(x, exponent) }
}

struct ClampKernel: UnaryKernel {
    var lower: Float, upper: Float
    @inline(__always) func callAsFunction(_ x: Float) -> Float {
        let y = x < lower ? lower : x
        return y > upper ? upper : y
    }
}
