/// An n-dimensional array of `Float` scalars: row-major, contiguous, copy-on-write.
///
/// `Tensor` is a value type: copying one is cheap, and the storage is duplicated only when a
/// copy is mutated. Images are NCHW (`[batch, channels, height, width]`); weights use
/// PyTorch's layouts (`Linear` is `[out, in]`, `Conv2D` is `[out, in, kh, kw]`), so values
/// carry over from PyTorch without transposes.
///
/// Initializers that take a caller-supplied shape throw ``TensorError`` instead of trapping
/// when the shape is invalid (a negative dimension, or a scalar count that does not match).
///
/// ```swift
/// let x = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
/// let y = try x + Tensor([10, 20, 30])     // broadcasting over the leading axis
/// ```
public struct Tensor: Equatable, Sendable {
    /// The size of each dimension, outermost first. A scalar tensor has shape `[]`.
    public internal(set) var shape: [Int]
    /// The scalars in row-major order; `scalars.count == shape.reduce(1, *)`.
    public internal(set) var scalars: [Float]

    /// Creates a tensor from a shape and row-major scalars.
    /// - Throws: ``TensorError/invalidShape(operation:shape:reason:)`` if a dimension is
    ///   negative or `scalars.count` is not the product of `shape`.
    public init(shape: [Int], scalars: [Float]) throws {
        let count = try Tensor.elementCount(of: shape, operation: "Tensor(shape:scalars:)")
        guard count == scalars.count else {
            throw TensorError.invalidShape(
                operation: "Tensor(shape:scalars:)", shape: shape,
                reason: "needs \(count) scalars, got \(scalars.count)")
        }
        _ = AllocatorTuning.applied
        self.shape = shape
        self.scalars = scalars
    }

    /// Creates a tensor without validating; `scalars.count` must equal the shape's product.
    init(uncheckedShape shape: [Int], scalars: [Float]) {
        _ = AllocatorTuning.applied
        self.shape = shape
        self.scalars = scalars
    }

    /// Creates a rank-1 tensor holding `scalars`.
    public init(_ scalars: [Float]) {
        self.init(uncheckedShape: [scalars.count], scalars: scalars)
    }

    /// Creates a rank-0 (scalar) tensor.
    public init(scalar: Float) {
        self.init(uncheckedShape: [], scalars: [scalar])
    }

    /// Creates a tensor of `shape` with every scalar equal to `value`.
    /// - Throws: ``TensorError/invalidShape(operation:shape:reason:)`` for a negative dimension.
    public init(repeating value: Float, shape: [Int]) throws {
        let count = try Tensor.elementCount(of: shape, operation: "Tensor(repeating:shape:)")
        self.init(uncheckedShape: shape, scalars: [Float](repeating: value, count: count))
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) throws -> Tensor {
        try Tensor(repeating: 0, shape: shape)
    }

    /// A tensor of ones.
    public static func ones(_ shape: [Int]) throws -> Tensor {
        try Tensor(repeating: 1, shape: shape)
    }

    /// A tensor of zeros with the same shape as `other`.
    public static func zeros(like other: Tensor) -> Tensor {
        Tensor(uncheckedShape: other.shape, scalars: [Float](repeating: 0, count: other.count))
    }

    /// A rank-1 tensor `start, start + step, …` up to but excluding `end`, like `torch.arange`.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` if `step` is zero or
    ///   not finite.
    public static func range(from start: Float = 0, to end: Float, step: Float = 1) throws
        -> Tensor
    {
        guard step != 0, step.isFinite, start.isFinite, end.isFinite else {
            throw TensorError.invalidArgument(
                operation: "Tensor.range", reason: "start, end and a non-zero step must be finite")
        }
        let count = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        return Tensor((0..<count).map { start + Float($0) * step })
    }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// The number of scalars.
    public var count: Int { scalars.count }

    /// The single value of a one-element tensor, or `nil` if it holds more or fewer scalars.
    public var scalar: Float? { scalars.count == 1 ? scalars[0] : nil }

    /// Calls `body` with the scalars' storage for reading.
    public func withUnsafeBufferPointer<R>(
        _ body: (UnsafeBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try scalars.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with the scalars' storage for writing (copying it first if shared).
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer(body)
    }

    /// Creates a tensor of `shape` whose storage `initializer` fills completely, without
    /// zeroing it first. `initializer` must write every one of the shape's scalars.
    /// - Throws: ``TensorError/invalidShape(operation:shape:reason:)`` for a negative dimension.
    public init(
        shape: [Int],
        unsafeUninitializedScalars initializer: (UnsafeMutableBufferPointer<Float>)
            throws -> Void
    ) throws {
        let count = try Tensor.elementCount(of: shape, operation: "Tensor(shape:initializer:)")
        try self.init(uncheckedShape: shape, count: count, initializer)
    }

    /// Non-validating counterpart of `init(shape:unsafeUninitializedScalars:)`.
    init(
        uncheckedShape shape: [Int], count: Int,
        _ initializer: (UnsafeMutableBufferPointer<Float>) throws -> Void
    ) rethrows {
        let scalars = try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            try initializer(buffer)
            initialized = count
        }
        self.init(uncheckedShape: shape, scalars: scalars)
    }

    /// The product of `shape`'s dimensions, or a thrown error for a negative dimension.
    static func elementCount(of shape: [Int], operation: String) throws -> Int {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else {
                throw TensorError.invalidShape(
                    operation: operation, shape: shape, reason: "dimensions must be non-negative")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= Int(Int32.max) * 64 else {
                throw TensorError.invalidShape(
                    operation: operation, shape: shape, reason: "too many elements")
            }
            count = product
        }
        return count
    }
}

extension Tensor: CustomStringConvertible {
    /// A short summary: the shape and, for small tensors, the scalars.
    public var description: String {
        let preview =
            count <= 16
            ? scalars.map { "\($0)" }.joined(separator: ", ")
            : scalars.prefix(8).map { "\($0)" }.joined(separator: ", ") + ", …"
        return "Tensor(shape: \(shape), [\(preview)])"
    }
}
