import TensorMath

/// LeCun's scaled hyperbolic tangent `A·tanh(S·x)`, element-wise; by default the squashing
/// function of LeNet-5 (LeCun et al., 1998, Appendix A), `1.7159·tanh(2x/3)`, for which
/// `f(±1) = ±1` and the second derivative is largest at `x = ±1`. PyTorch:
/// `1.7159 * torch.tanh(2 * x / 3)`.
///
/// - Input: any shape; output the same shape, in `(-A, A)`.
/// - No parameters.
public final class ScaledTanh: Layer {
    /// The amplitude `A`; default 1.7159.
    public let amplitude: Float
    /// The slope `S` at the origin of the inner tanh; default 2/3.
    public let slope: Float
    public var isTraining = true
    private var cachedOutput: Tensor?

    /// Creates `amplitude·tanh(slope·x)`; the defaults are LeNet-5's.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` unless both are finite and
    ///   positive.
    public init(amplitude: Float = 1.7159, slope: Float = 2.0 / 3.0) throws {
        guard amplitude.isFinite, amplitude > 0, slope.isFinite, slope > 0 else {
            throw NeuralNetError.invalidConfiguration(
                "ScaledTanh: amplitude and slope must be finite and positive, got "
                    + "\(amplitude) and \(slope)")
        }
        self.amplitude = amplitude
        self.slope = slope
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        let output = (input * slope).tanh() * amplitude
        cachedOutput = isTraining ? output : nil
        return output
    }

    /// `g·S·(A − y²/A)`, from the output `y`.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let output = cachedOutput else {
            throw NeuralNetError.backwardWithoutForward(layer: "ScaledTanh")
        }
        try LayerChecks.gradient(outputGradient, matches: output.shape, layer: "ScaledTanh")
        let (amplitude, slope) = (self.amplitude, self.slope)
        return try Tensor(
            shape: output.shape,
            unsafeUninitializedScalars: { dx in
                output.withUnsafeBufferPointer { y in
                    outputGradient.withUnsafeBufferPointer { g in
                        for i in 0..<dx.count {
                            dx[i] = g[i] * slope * (amplitude - y[i] * y[i] / amplitude)
                        }
                    }
                }
            })
    }

    /// Counted as three operations per scalar (two scalings and the tanh).
    public func forwardFLOPs(inputShape: [Int], outputShape: [Int]) -> Int {
        3 * outputShape.reduce(1, *)
    }
}
