import TensorMath

/// Merges a range of axes into one. PyTorch: `nn.Flatten(start_dim=startAxis,
/// end_dim=endAxis)`.
///
/// - Input: any tensor of rank above both axes; with the defaults `[N, C, H, W]` →
///   `[N, C·H·W]`.
/// - No parameters; the scalars are not copied.
public final class Flatten: Layer {
    /// The first merged axis; default 1 (keep the batch axis). Negative counts from the end.
    public let startAxis: Int
    /// The last merged axis; default -1 (the last one). Negative counts from the end.
    public let endAxis: Int
    public var isTraining = true
    private var cachedInputShape: [Int]?

    /// Creates a flatten layer merging `startAxis...endAxis`.
    public init(startAxis: Int = 1, endAxis: Int = -1) {
        self.startAxis = startAxis
        self.endAxis = endAxis
    }

    /// The flattened shape of `shape`, or an error naming it.
    func outputShape(for shape: [Int]) throws -> [Int] {
        let rank = shape.count
        let start = startAxis < 0 ? startAxis + rank : startAxis
        let end = endAxis < 0 ? endAxis + rank : endAxis
        guard 0 <= start, start <= end, end < rank else {
            throw NeuralNetError.invalidInput(
                layer: "Flatten",
                reason: "cannot merge axes \(startAxis)...\(endAxis) of an input of shape \(shape)")
        }
        return Array(shape[..<start]) + [shape[start...end].reduce(1, *)]
            + Array(shape[(end + 1)...])
    }

    /// `[N, C, H, W]` → `[N, C·H·W]` (with the default axes).
    /// - Throws: ``NeuralNetError/invalidInput(layer:reason:)`` if the input has too few axes.
    public func forward(_ input: Tensor) throws -> Tensor {
        let output = try input.reshaped(to: try outputShape(for: input.shape))
        cachedInputShape = isTraining ? input.shape : nil
        return output
    }

    /// Restores the input's shape.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let shape = cachedInputShape else {
            throw NeuralNetError.backwardWithoutForward(layer: "Flatten")
        }
        try LayerChecks.gradient(
            outputGradient, matches: try outputShape(for: shape), layer: "Flatten")
        return try outputGradient.reshaped(to: shape)
    }
}
