import TensorMath

/// Inverted dropout: in training mode each scalar is zeroed with probability `rate` and the
/// survivors are scaled by `1 / (1 − rate)`, so inference needs no rescaling; in inference
/// mode the layer is the identity. PyTorch: `nn.Dropout(p=rate)`.
///
/// The mask comes from the layer's own seeded ``generator`` (one draw per scalar, in order), so
/// runs are reproducible whatever the thread count. Save ``generator``'s `state` with a
/// training checkpoint and restore it with `Xoshiro256(state:)` for a bit-identical resume.
///
/// - Input: any shape; output the same shape.
public final class Dropout: Layer {
    /// The probability of zeroing a scalar, in `[0, 1]`; default 0.5.
    public let rate: Float
    /// The generator drawing the masks; readable and assignable for exact resumes.
    public var generator: Xoshiro256
    public var isTraining = true
    /// The last mask, already scaled by `1 / (1 − rate)` (training mode only).
    private var cachedMask: Tensor?

    /// Creates a dropout layer whose generator is seeded with `seed`.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` unless `0 ≤ rate ≤ 1`.
    public init(rate: Float = 0.5, seed: UInt64) throws {
        guard rate >= 0, rate <= 1 else {
            throw NeuralNetError.invalidConfiguration(
                "Dropout: rate must be in [0, 1], got \(rate)")
        }
        self.rate = rate
        self.generator = Xoshiro256(seed: seed)
    }

    /// Creates a dropout layer whose generator is seeded by one draw from `generator`, so a
    /// model built from one seeded generator is reproducible as a whole.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` unless `0 ≤ rate ≤ 1`.
    public convenience init<G: RandomNumberGenerator>(
        rate: Float = 0.5, generator: inout G
    ) throws {
        try self.init(rate: rate, seed: generator.next())
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        guard isTraining else {
            cachedMask = nil
            return input
        }
        let keep = 1 - rate
        let scale: Float = keep > 0 ? 1 / keep : 0
        let rate = self.rate
        var generator = self.generator
        let mask = try Tensor.filled(input.shape) { mask in
            for i in 0..<mask.count {
                mask[i] = generator.nextUnitFloat() >= rate ? scale : 0
            }
        }
        self.generator = generator
        cachedMask = mask
        return try input * mask
    }

    /// The output gradient through the same mask and scale.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let mask = cachedMask else {
            throw NeuralNetError.backwardWithoutForward(layer: "Dropout")
        }
        try LayerChecks.gradient(outputGradient, matches: mask.shape, layer: "Dropout")
        return try outputGradient * mask
    }
}
