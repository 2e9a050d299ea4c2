/// Global average pooling, the head of ResNets: every channel plane reduced to its mean.
extension Tensor {
    /// The mean of every `H×W` plane: `[N, C, H, W]` becomes `[N, C]`.
    /// Planes are summed in `Double`-backed blocks, in parallel over planes.
    /// - Throws: ``TensorError/invalidShape(operation:shape:reason:)`` unless the rank is 4.
    public func globalAveragePooled() throws -> Tensor {
        guard rank == 4 else {
            throw TensorError.invalidShape(
                operation: "globalAveragePooled", shape: shape, reason: "needs rank 4 (NCHW)")
        }
        return try mean(alongAxes: [2, 3])
    }

    /// The gradient of ``globalAveragePooled()``: each `[N, C]` output gradient spread evenly
    /// over its `H×W` plane.
    /// - Parameters:
    ///   - outputGradient: `[N, C]`.
    ///   - inputShape: The forward input's shape `[N, C, H, W]`.
    /// - Returns: `[N, C, H, W]`.
    /// - Throws: ``TensorError/invalidShape(operation:shape:reason:)`` unless `inputShape` has
    ///   rank 4; ``TensorError/shapeMismatch(operation:lhs:rhs:)`` unless `outputGradient` is
    ///   `[N, C]`.
    public static func globalAveragePoolingGradient(
        outputGradient: Tensor, inputShape: [Int]
    ) throws -> Tensor {
        let operation = "globalAveragePoolingGradient"
        guard inputShape.count == 4 else {
            throw TensorError.invalidShape(
                operation: operation, shape: inputShape, reason: "needs rank 4 (NCHW)")
        }
        _ = try elementCount(of: inputShape, operation: operation)
        guard outputGradient.shape == Array(inputShape.prefix(2)) else {
            throw TensorError.shapeMismatch(
                operation: operation, lhs: outputGradient.shape, rhs: inputShape)
        }
        let plane = inputShape[2] * inputShape[3]
        let scale = 1 / Float(Swift.max(plane, 1))
        let total = outputGradient.count * plane
        return Tensor(uncheckedShape: inputShape, count: total) { destination in
            guard total > 0 else { return }
            outputGradient.withUnsafeBufferPointer { gradient in
                for p in 0..<gradient.count {
                    (destination.baseAddress! + p * plane).update(
                        repeating: gradient[p] * scale, count: plane)
                }
            }
        }
    }
}
