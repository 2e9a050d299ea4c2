/// Element-wise arithmetic with NumPy broadcasting (see ``broadcastShape(_:_:operation:)``).
///
/// Tensor–tensor operators throw ``TensorError/shapeMismatch(operation:lhs:rhs:)`` naming
/// both shapes when they do not broadcast; operators with a `Float` operand never throw.
/// Equal shapes, scalar operands, trailing-axis broadcasts (`[N, F] + [F]`) and per-channel
/// broadcasts (`[N, C, H, W] * [1, C, 1, 1]`) run as straight loops over contiguous rows.
extension Tensor {
    // MARK: Tensor ⊕ Tensor

    /// Element-wise sum with broadcasting.
    public static func + (lhs: Tensor, rhs: Tensor) throws -> Tensor {
        try broadcasting(lhs, rhs, operation: "add", AddKernel())
    }

    /// Element-wise difference with broadcasting.
    public static func - (lhs: Tensor, rhs: Tensor) throws -> Tensor {
        try broadcasting(lhs, rhs, operation: "subtract", SubtractKernel())
    }

    /// Element-wise product with broadcasting.
    public static func * (lhs: Tensor, rhs: Tensor) throws -> Tensor {
        try broadcasting(lhs, rhs, operation: "multiply", MultiplyKernel())
    }

    /// Element-wise quotient with broadcasting (IEEE division: `x / 0` is ±inf or NaN).
    public static func / (lhs: Tensor, rhs: Tensor) throws -> Tensor {
        try broadcasting(lhs, rhs, operation: "divide", DivideKernel())
    }

    // MARK: Tensor ⊕ Float

    /// Adds `rhs` to every scalar.
    public static func + (lhs: Tensor, rhs: Float) -> Tensor {
        lhs.applying(RightBound(kernel: AddKernel(), rhs: rhs))
    }

    /// Subtracts `rhs` from every scalar.
    public static func - (lhs: Tensor, rhs: Float) -> Tensor {
        lhs.applying(RightBound(kernel: SubtractKernel(), rhs: rhs))
    }

    /// Multiplies every scalar by `rhs`.
    public static func * (lhs: Tensor, rhs: Float) -> Tensor {
        lhs.applying(RightBound(kernel: MultiplyKernel(), rhs: rhs))
    }

    /// Divides every scalar by `rhs`.
    public static func / (lhs: Tensor, rhs: Float) -> Tensor {
        lhs.applying(RightBound(kernel: DivideKernel(), rhs: rhs))
    }

    // MARK: Float ⊕ Tensor

    /// Adds `lhs` to every scalar.
    public static func + (lhs: Float, rhs: Tensor) -> Tensor {
        rhs.applying(LeftBound(kernel: AddKernel(), lhs: lhs))
    }

    /// `lhs − x` for every scalar `x`.
    public static func - (lhs: Float, rhs: Tensor) -> Tensor {
        rhs.applying(LeftBound(kernel: SubtractKernel(), lhs: lhs))
    }

    /// Multiplies every scalar by `lhs`.
    public static func * (lhs: Float, rhs: Tensor) -> Tensor {
        rhs.applying(LeftBound(kernel: MultiplyKernel(), lhs: lhs))
    }

    /// `lhs / x` for every scalar `x`.
    public static func / (lhs: Float, rhs: Tensor) -> Tensor {
        rhs.applying(LeftBound(kernel: DivideKernel(), lhs: lhs))
    }

    /// Negates every scalar.
    public static prefix func - (operand: Tensor) -> Tensor {
        operand.applying(NegateKernel())
    }

    // MARK: Compound assignment

    /// Adds `rhs`, broadcast to `lhs.shape`, in place.
    /// - Throws: ``TensorError/shapeMismatch(operation:lhs:rhs:)`` unless `rhs` broadcasts to
    ///   `lhs.shape` (the result may not grow `lhs`).
    public static func += (lhs: inout Tensor, rhs: Tensor) throws {
        try lhs.combine(with: rhs, operation: "add", AddKernel())
    }

    /// Subtracts `rhs`, broadcast to `lhs.shape`, in place.
    /// - Throws: ``TensorError/shapeMismatch(operation:lhs:rhs:)`` unless `rhs` broadcasts to
    ///   `lhs.shape`.
    public static func -= (lhs: inout Tensor, rhs: Tensor) throws {
        try lhs.combine(with: rhs, operation: "subtract", SubtractKernel())
    }

    /// Multiplies by `rhs`, broadcast to `lhs.shape`, in place.
    /// - Throws: ``TensorError/shapeMismatch(operation:lhs:rhs:)`` unless `rhs` broadcasts to
    ///   `lhs.shape`.
    public static func *= (lhs: inout Tensor, rhs: Tensor) throws {
        try lhs.combine(with: rhs, operation: "multiply", MultiplyKernel())
    }

    /// Divides by `rhs`, broadcast to `lhs.shape`, in place.
    /// - Throws: ``TensorError/shapeMismatch(operation:lhs:rhs:)`` unless `rhs` broadcasts to
    ///   `lhs.shape`.
    public static func /= (lhs: inout Tensor, rhs: Tensor) throws {
        try lhs.combine(with: rhs, operation: "divide", DivideKernel())
    }

    /// Adds `rhs` to every scalar in place.
    public static func += (lhs: inout Tensor, rhs: Float) {
        lhs.apply(RightBound(kernel: AddKernel(), rhs: rhs))
    }

    /// Subtracts `rhs` from every scalar in place.
    public static func -= (lhs: inout Tensor, rhs: Float) {
        lhs.apply(RightBound(kernel: SubtractKernel(), rhs: rhs))
    }

    /// Multiplies every scalar by `rhs` in place.
    public static func *= (lhs: inout Tensor, rhs: Float) {
        lhs.apply(RightBound(kernel: MultiplyKernel(), rhs: rhs))
    }

    /// Divides every scalar by `rhs` in place.
    public static func /= (lhs: inout Tensor, rhs: Float) {
        lhs.apply(RightBound(kernel: DivideKernel(), rhs: rhs))
    }

    // MARK: BLAS-like helpers

    /// `self += alpha · other` in place (axpy), for optimizer updates.
    /// - Throws: ``TensorError/shapeMismatch(operation:lhs:rhs:)`` unless the shapes are equal.
    public mutating func addScaled(_ other: Tensor, by alpha: Float) throws {
        guard other.shape == shape else {
            throw TensorError.shapeMismatch(operation: "addScaled", lhs: shape, rhs: other.shape)
        }
        scalars.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            other.scalars.withUnsafeBufferPointer { source in
                Elementwise.zip(
                    UnsafePointer(base), source.baseAddress!, into: base, count: buffer.count,
                    AxpyKernel(alpha: alpha))
            }
        }
    }

    /// The inner product `Σ selfᵢ·otherᵢ` over the scalars in row-major order, accumulated in
    /// blocks summed in `Double`. The shapes may differ if the counts agree.
    /// - Throws: ``TensorError/shapeMismatch(operation:lhs:rhs:)`` unless the counts are equal.
    public func dot(_ other: Tensor) throws -> Float {
        guard other.count == count else {
            throw TensorError.shapeMismatch(operation: "dot", lhs: shape, rhs: other.shape)
        }
        guard count > 0 else { return 0 }
        return scalars.withUnsafeBufferPointer { a in
            other.scalars.withUnsafeBufferPointer { b in
                Float(Tensor.accurateDot(a.baseAddress!, b.baseAddress!, count: count))
            }
        }
    }
}

struct NegateKernel: UnaryKernel {
    @inline(__always) func callAsFunction(_ x: Float) -> Float { -x }
}

/// `a + alpha·b`.
struct AxpyKernel: BinaryKernel {
    var alpha: Float
    @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a + alpha * b }
}
