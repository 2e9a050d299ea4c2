import TensorMath

/// A convolution's weights with a batch normalization's inference affine map folded in, and
/// the values they were computed from.
struct FoldedWeights {
    /// The layer's weight `[O, C, KH, KW]` and bias `[O]` the fold started from.
    let sourceWeight: Tensor
    let sourceBias: Tensor?
    /// The normalization's `scale` and `shift`, `[O]` each.
    let scale: [Float]
    let shift: [Float]
    /// `weight·scale[o]`, `[O, C, KH, KW]`.
    let weight: Tensor
    /// `bias·scale[o] + shift[o]` (`shift` without a bias), `[O]`.
    let bias: Tensor
    /// `weight` prepared for the convolution's kernels.
    let prepared: Convolution2D.PreparedWeight

    /// Whether these were folded from exactly these values. The tensors compare by storage
    /// first: the cache holds the source storage, so an in-place update of a weight copies it
    /// and the storage differs; an unchanged weight costs no pass over its values.
    func matches(weight: Tensor, bias: Tensor?, scale: [Float], shift: [Float]) -> Bool {
        self.scale == scale && self.shift == shift && sourceWeight == weight
            && sourceBias == bias
    }
}

extension Conv2D {
    /// The weights with `scale` and `shift` (`[O]` each) folded in, from the cache when they
    /// were folded from the current values.
    func foldedWeights(scale: [Float], shift: [Float]) throws -> FoldedWeights {
        let (weight, bias) = (self.weight.value, self.bias?.value)
        if let cached = foldedWeights,
            cached.matches(weight: weight, bias: bias, scale: scale, shift: shift)
        {
            return cached
        }
        let outputs = outputChannels
        let perOutput = weight.count / outputs
        let foldedWeight = try Tensor.filled(weight.shape) { out in
            weight.withUnsafeBufferPointer { w in
                for o in 0..<outputs {
                    let s = scale[o]
                    for i in o * perOutput..<(o + 1) * perOutput { out[i] = w[i] * s }
                }
            }
        }
        let foldedBias = Tensor(
            (0..<outputs).map { o in (bias.map { $0.scalars[o] * scale[o] } ?? 0) + shift[o] })
        let folded = FoldedWeights(
            sourceWeight: weight, sourceBias: bias, scale: scale, shift: shift,
            weight: foldedWeight, bias: foldedBias, prepared: convolution.prepare(foldedWeight))
        foldedWeights = folded
        return folded
    }
}
