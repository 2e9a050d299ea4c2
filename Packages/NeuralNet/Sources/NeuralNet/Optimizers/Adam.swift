import Foundation
import TensorMath

/// Adam (Kingma & Ba, 2015), exactly as PyTorch's `torch.optim.Adam`: L2 weight decay added to
/// the gradient, bias-corrected moments, and `eps` added after the bias-corrected square root.
///
/// For each parameter `p` with gradient `g`, at step `t` (from 1):
/// ```
/// g ← g + weightDecay·p                       (Adam; AdamW decays p ← p·(1 − lr·weightDecay))
/// m ← m + (1 − β₁)(g − m)
/// v ← β₂·v + (1 − β₂)·g²
/// v̂max ← max(v̂max, v)                          (amsgrad only; then used in place of v)
/// p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + eps)
/// ```
/// State: `exp_avg.<name>`, `exp_avg_sq.<name>` and, with amsgrad, `max_exp_avg_sq.<name>`
/// (after the first step).
public class Adam: OptimizerBase {
    /// β₁, the decay of the first moment (default 0.9).
    public let beta1: Float
    /// β₂, the decay of the second moment (default 0.999).
    public let beta2: Float
    /// Added to the denominator for stability (default 1e-8).
    public let epsilon: Float
    /// The weight decay: an L2 penalty for Adam (default 0), decoupled for ``AdamW``
    /// (default 0.01).
    public let weightDecay: Float
    /// Whether the AMSGrad variant is used (default false).
    public let amsgrad: Bool
    /// Whether the weight decay is decoupled from the gradient (AdamW).
    public let decoupledWeightDecay: Bool

    /// Creates an Adam optimizer over named parameters.
    /// - Parameters:
    ///   - parameters: Usually `model.namedParameters`.
    ///   - learningRate: Default 1e-3 (≥ 0).
    ///   - beta1: Default 0.9, in `[0, 1)`.
    ///   - beta2: Default 0.999, in `[0, 1)`.
    ///   - epsilon: Default 1e-8 (≥ 0).
    ///   - weightDecay: L2 penalty added to the gradient, default 0 (≥ 0).
    ///   - amsgrad: Default false.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` for an invalid value.
    public convenience init(
        _ parameters: [(name: String, parameter: Parameter)], learningRate: Float = 1e-3,
        beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0,
        amsgrad: Bool = false
    ) throws {
        try self.init(
            parameters, name: "Adam", learningRate: learningRate, beta1: beta1, beta2: beta2,
            epsilon: epsilon, weightDecay: weightDecay, amsgrad: amsgrad, decoupled: false)
    }

    /// Creates an Adam optimizer over every parameter of `model`.
    public convenience init(
        _ model: Layer, learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
        epsilon: Float = 1e-8, weightDecay: Float = 0, amsgrad: Bool = false
    ) throws {
        try self.init(
            model.namedParameters, learningRate: learningRate, beta1: beta1, beta2: beta2,
            epsilon: epsilon, weightDecay: weightDecay, amsgrad: amsgrad)
    }

    init(
        _ parameters: [(name: String, parameter: Parameter)], name: String, learningRate: Float,
        beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float, amsgrad: Bool,
        decoupled: Bool
    ) throws {
        try require(beta1 >= 0 && beta1 < 1, "\(name): beta1 \(beta1) is outside [0, 1)")
        try require(beta2 >= 0 && beta2 < 1, "\(name): beta2 \(beta2) is outside [0, 1)")
        try require(epsilon.isFinite && epsilon >= 0, "\(name): invalid epsilon \(epsilon)")
        try require(
            weightDecay.isFinite && weightDecay >= 0,
            "\(name): invalid weight decay \(weightDecay)")
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.amsgrad = amsgrad
        self.decoupledWeightDecay = decoupled
        try super.init(
            parameters, name: name, learningRate: learningRate,
            stateNames: ["exp_avg", "exp_avg_sq"] + (amsgrad ? ["max_exp_avg_sq"] : []))
    }

    /// Adam's update rule for step `t`, with the bias corrections `1 − β₁ᵗ` and `1 − β₂ᵗ`
    /// (see ``OptimizerBase/makeUpdate(step:)``).
    /// - Parameter t: The number of the step being taken, from 1.
    public override func makeUpdate(step t: Int) -> (ParameterBuffers) -> Void {
        // Scalars as PyTorch computes them: Python floats (Double), rounded to Float when they
        // meet the Float32 tensors.
        let lr = decimalDouble(learningRate)
        let (b1, b2) = (decimalDouble(beta1), decimalDouble(beta2))
        let firstWeight = Float(1 - b1), secondWeight = Float(1 - b2)
        let biasCorrection1 = 1 - Foundation.pow(b1, Double(t))
        let biasCorrection2 = 1 - Foundation.pow(b2, Double(t))
        let negativeStepSize = Float(-(lr / biasCorrection1))
        let correction2Root = Float(biasCorrection2.squareRoot())
        let decay = Float(1 - lr * decimalDouble(weightDecay))
        let scalars = AdamScalars(
            firstWeight: firstWeight, beta2: beta2, secondWeight: secondWeight,
            epsilon: epsilon, correction2Root: correction2Root, negativeStepSize: negativeStepSize,
            weightDecay: weightDecay, decoupled: decoupledWeightDecay, decay: decay)
        return { p in
            Adam.update(
                p.value, p.gradient, p["exp_avg"]!, p["exp_avg_sq"]!,
                p["max_exp_avg_sq"]?.baseAddress, scalars)
        }
    }

    /// The Float scalars of one step.
    struct AdamScalars {
        var firstWeight, beta2, secondWeight, epsilon, correction2Root, negativeStepSize: Float
        var weightDecay: Float
        var decoupled: Bool
        var decay: Float
    }

    /// One step over one parameter's scalars, in parallel chunks; `vMax` is the AMSGrad
    /// maximum, or nil.
    static func update(
        _ p: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>,
        _ m: UnsafeMutableBufferPointer<Float>, _ v: UnsafeMutableBufferPointer<Float>,
        _ vMax: UnsafeMutablePointer<Float>?, _ s: AdamScalars
    ) {
        let count = p.count
        guard count > 0 else { return }
        let (p, g, m, v) = (p.baseAddress!, g.baseAddress!, m.baseAddress!, v.baseAddress!)
        let l2 = s.weightDecay != 0 && !s.decoupled
        Parallel.forEachChunk(of: count, chunkSize: optimizerChunkSize) { range in
            if s.weightDecay != 0, s.decoupled {
                for i in range { p[i] = p[i] * s.decay }
            }
            // Constant flags select a branch-free loop after inlining.
            switch (vMax, l2, s.firstWeight < 0.5) {
            case (nil, false, true): kernel(p, g, m, v, nil, s, range, l2: false, smallWeight: true)
            case (nil, true, true): kernel(p, g, m, v, nil, s, range, l2: true, smallWeight: true)
            default: kernel(p, g, m, v, vMax, s, range, l2: l2, smallWeight: s.firstWeight < 0.5)
            }
        }
    }

    @inline(__always)
    private static func kernel(
        _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
        _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>,
        _ vMax: UnsafeMutablePointer<Float>?, _ s: AdamScalars, _ range: Range<Int>,
        l2: Bool, smallWeight: Bool
    ) {
        for i in range {
            let d = l2 ? g[i] + s.weightDecay * p[i] : g[i]
            // PyTorch's lerp, with the branch on the weight taken outside the loop.
            m[i] =
                smallWeight
                ? m[i] + s.firstWeight * (d - m[i]) : d - (d - m[i]) * (1 - s.firstWeight)
            v[i] = v[i] * s.beta2 + s.secondWeight * d * d
            var second = v[i]
            if let vMax {
                vMax[i] = Swift.max(vMax[i], second)
                second = vMax[i]
            }
            // v ≥ 0 by construction; the clamp lets LLVM prove it and vectorize the square root
            // (a NaN gradient still reaches the parameter through m).
            second = second > 0 ? second : 0
            let denominator = second.squareRoot() / s.correction2Root + s.epsilon
            p[i] = p[i] + s.negativeStepSize * m[i] / denominator
        }
    }
}

/// AdamW (Loshchilov & Hutter, 2019), exactly as PyTorch's `torch.optim.AdamW`: Adam whose
/// weight decay is decoupled from the gradient, `p ← p·(1 − lr·weightDecay)` before the Adam
/// update. Same state names as ``Adam``.
public final class AdamW: Adam {
    /// Creates an AdamW optimizer over named parameters.
    /// - Parameters:
    ///   - parameters: Usually `model.namedParameters`.
    ///   - learningRate: Default 1e-3 (≥ 0).
    ///   - beta1: Default 0.9, in `[0, 1)`.
    ///   - beta2: Default 0.999, in `[0, 1)`.
    ///   - epsilon: Default 1e-8 (≥ 0).
    ///   - weightDecay: Decoupled decay, default 0.01 (≥ 0).
    ///   - amsgrad: Default false.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` for an invalid value.
    public init(
        _ parameters: [(name: String, parameter: Parameter)], learningRate: Float = 1e-3,
        beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 1e-2,
        amsgrad: Bool = false
    ) throws {
        try super.init(
            parameters, name: "AdamW", learningRate: learningRate, beta1: beta1, beta2: beta2,
            epsilon: epsilon, weightDecay: weightDecay, amsgrad: amsgrad, decoupled: true)
    }

    /// Creates an AdamW optimizer over every parameter of `model`.
    public convenience init(
        _ model: Layer, learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
        epsilon: Float = 1e-8, weightDecay: Float = 1e-2, amsgrad: Bool = false
    ) throws {
        try self.init(
            model.namedParameters, learningRate: learningRate, beta1: beta1, beta2: beta2,
            epsilon: epsilon, weightDecay: weightDecay, amsgrad: amsgrad)
    }
}
