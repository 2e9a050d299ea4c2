#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Activation functions and their gradients.
///
/// Gradients take the output gradient `∂L/∂y` and return `∂L/∂x`, both of the input's shape.
/// ReLU-type gradients need the forward input; sigmoid and tanh gradients need the forward
/// output, so layers cache whichever is cheaper to keep.
extension Tensor {
    /// `max(0, x)` for every scalar (NaN stays NaN).
    public func relu() -> Tensor { applying(ReLUKernel()) }

    /// Replaces every scalar `x` by `max(0, x)`, in place: no new storage unless this
    /// tensor's is shared.
    public mutating func formReLU() { apply(ReLUKernel()) }

    /// Replaces every scalar `x` by `max(0, x + y)`, `y` the matching scalar of `other`, in
    /// one pass and in place (a residual block's sum and ReLU): the values of
    /// `(self + other).relu()`, without new storage unless this tensor's is shared.
    /// - Parameter other: Broadcast to this tensor's shape (in a residual block both are
    ///   `[N, C, H, W]`).
    /// - Throws: ``TensorError/shapeMismatch(operation:lhs:rhs:)`` unless `other` broadcasts
    ///   to this tensor's shape.
    public mutating func formReLU(adding other: Tensor) throws {
        try combine(with: other, operation: "add", AddReLUKernel())
    }

    /// Zeroes this gradient where `mask` (a ReLU's input, or its output: both are positive at
    /// the same places) is not positive, in place: ``reluGradient(input:outputGradient:)``
    /// without new storage.
    /// - Throws: ``TensorError/shapeMismatch(operation:lhs:rhs:)`` unless the shapes are equal.
    public mutating func formReLUGradient(mask: Tensor) throws {
        try Tensor.checkSameShape(mask, self, operation: "reluGradient")
        mask.withUnsafeBufferPointer { m in
            scalars.withUnsafeMutableBufferPointer { g in
                guard g.count > 0, let base = g.baseAddress else { return }
                // Each scalar is read before it is written, at the same index.
                Elementwise.zip(
                    m.baseAddress!, UnsafePointer(base), into: base, count: g.count,
                    ReLUGradientKernel())
            }
        }
    }

    /// `x` for positive `x`, `slope·x` otherwise.
    /// - Parameter slope: The slope for negative inputs; defaults to `0.01` as in PyTorch.
    public func leakyRelu(slope: Float = 0.01) -> Tensor {
        applying(LeakyReLUKernel(slope: slope))
    }

    /// The logistic function `1 / (1 + e⁻ˣ)`, computed from `e^−|x|` so that it never
    /// overflows: large positive inputs give exactly 1, large negative ones underflow
    /// gracefully to 0. Vectorized.
    public func sigmoid() -> Tensor { applyingVectorized(VectorMath.sigmoid) }

    /// The hyperbolic tangent of every scalar (vectorized, within 2 ulp).
    public func tanh() -> Tensor { applyingVectorized(VectorMath.tanh) }

    /// The gradient of ``relu()``: `outputGradient` where `input > 0`, else 0 (0 at the kink,
    /// as PyTorch).
    /// - Throws: ``TensorError/shapeMismatch(operation:lhs:rhs:)`` unless the shapes are equal.
    public static func reluGradient(input: Tensor, outputGradient: Tensor) throws -> Tensor {
        try checkSameShape(input, outputGradient, operation: "reluGradient")
        return input.zipped(with: outputGradient, ReLUGradientKernel())
    }

    /// The gradient of ``leakyRelu(slope:)``: `outputGradient` where `input > 0`, else
    /// `slope · outputGradient`.
    /// - Throws: ``TensorError/shapeMismatch(operation:lhs:rhs:)`` unless the shapes are equal.
    public static func leakyReluGradient(
        input: Tensor, outputGradient: Tensor, slope: Float = 0.01
    ) throws -> Tensor {
        try checkSameShape(input, outputGradient, operation: "leakyReluGradient")
        return input.zipped(with: outputGradient, LeakyReLUGradientKernel(slope: slope))
    }

    /// The gradient of ``sigmoid()`` from its output `y`: `outputGradient · y·(1 − y)`.
    /// - Throws: ``TensorError/shapeMismatch(operation:lhs:rhs:)`` unless the shapes are equal.
    public static func sigmoidGradient(output: Tensor, outputGradient: Tensor) throws -> Tensor {
        try checkSameShape(output, outputGradient, operation: "sigmoidGradient")
        return output.zipped(with: outputGradient, SigmoidGradientKernel())
    }

    /// The gradient of ``tanh()`` from its output `y`: `outputGradient · (1 − y²)`.
    /// - Throws: ``TensorError/shapeMismatch(operation:lhs:rhs:)`` unless the shapes are equal.
    public static func tanhGradient(output: Tensor, outputGradient: Tensor) throws -> Tensor {
        try checkSameShape(output, outputGradient, operation: "tanhGradient")
        return output.zipped(with: outputGradient, TanhGradientKernel())
    }

    /// Throws ``TensorError/shapeMismatch(operation:lhs:rhs:)`` unless the shapes are equal.
    static func checkSameShape(_ a: Tensor, _ b: Tensor, operation: String) throws {
        guard a.shape == b.shape else {
            throw TensorError.shapeMismatch(operation: operation, lhs: a.shape, rhs: b.shape)
        }
    }
}

struct ReLUKernel: UnaryKernel {
    @inline(__always) func callAsFunction(_ x: Float) -> Float { x < 0 ? 0 : x }
}

/// `a + b`, then ``ReLUKernel``'s `max(0, ·)`.
struct AddReLUKernel: BinaryKernel {
    @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float {
        ReLUKernel()(a + b)
    }
}

struct LeakyReLUKernel: UnaryKernel {
    var slope: Float
    @inline(__always) func callAsFunction(_ x: Float) -> Float { x > 0 ? x : x * slope }
}

/// `(input, gradient) → input > 0 ? gradient : 0`.
struct ReLUGradientKernel: BinaryKernel {
    @inline(__always) func callAsFunction(_ x: Float, _ g: Float) -> Float { x > 0 ? g : 0 }
}

struct LeakyReLUGradientKernel: BinaryKernel {
    var slope: Float
    @inline(__always) func callAsFunction(_ x: Float, _ g: Float) -> Float {
        x > 0 ? g : g * slope
    }
}

/// `(output, gradient) → gradient · y(1 − y)`.
struct SigmoidGradientKernel: BinaryKernel {
    @inline(__always) func callAsFunction(_ y: Float, _ g: Float) -> Float { g * y * (1 - y) }
}

/// `(output, gradient) → gradient · (1 − y²)`.
struct TanhGradientKernel: BinaryKernel {
    @inline(__always) func callAsFunction(_ y: Float, _ g: Float) -> Float { g * (1 - y * y) }
}
