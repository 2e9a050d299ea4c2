/// Reading and writing single scalars by their multi-dimensional index.
extension Tensor {
    /// The scalar at `indices` (one non-negative index per axis).
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` if the number of indices
    ///   differs from the rank or an index is out of range.
    public func scalar(at indices: [Int]) throws -> Float {
        scalars[try offset(of: indices, operation: "scalar(at:)")]
    }

    /// Replaces the scalar at `indices` (one non-negative index per axis).
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` if the number of indices
    ///   differs from the rank or an index is out of range.
    public mutating func setScalar(_ value: Float, at indices: [Int]) throws {
        scalars[try offset(of: indices, operation: "setScalar(_:at:)")] = value
    }

    /// The scalar at the given indices, one per axis: `image[0, 2, 5, 7]`.
    ///
    /// Like `Array`'s subscript this traps on a wrong number of indices or an index out of
    /// range; use ``scalar(at:)`` and ``setScalar(_:at:)`` for indices from callers.
    public subscript(indices: Int...) -> Float {
        get {
            guard let offset = try? offset(of: indices, operation: "subscript") else {
                preconditionFailure("Tensor index \(indices) is out of range for shape \(shape)")
            }
            return scalars[offset]
        }
        set {
            guard let offset = try? offset(of: indices, operation: "subscript") else {
                preconditionFailure("Tensor index \(indices) is out of range for shape \(shape)")
            }
            scalars[offset] = newValue
        }
    }

    /// The row-major storage offset of `indices`.
    func offset(of indices: [Int], operation: String) throws -> Int {
        guard indices.count == rank else {
            throw TensorError.invalidArgument(
                operation: operation,
                reason: "\(indices.count) indices \(indices) for shape \(shape) of rank \(rank)")
        }
        var offset = 0
        for (index, dimension) in zip(indices, shape) {
            guard index >= 0, index < dimension else {
                throw TensorError.invalidArgument(
                    operation: operation,
                    reason: "index \(indices) is out of range for shape \(shape)")
            }
            offset = offset * dimension + index
        }
        return offset
    }
}
