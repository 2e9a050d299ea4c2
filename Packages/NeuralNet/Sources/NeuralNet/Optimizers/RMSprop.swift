import TensorMath

/// RMSprop (Hinton's lecture notes, 2012), exactly as PyTorch's `torch.optim.RMSprop`.
///
/// For each parameter `p` with gradient `g`, per step:
/// ```
/// g ← g + weightDecay·p
/// s ← α·s + (1 − α)·g²
/// a ← √(s − ḡ²) + eps with ḡ ← ḡ + (1 − α)(g − ḡ)   (centered)   or   a ← √s + eps
/// b ← momentum·b + g / a;  p ← p − lr·b                (momentum > 0)
/// p ← p − lr·g / a                                     (otherwise)
/// ```
/// State: `square_avg.<name>`, plus `momentum_buffer.<name>` (momentum > 0) and
/// `grad_avg.<name>` (centered), after the first step.
public final class RMSprop: OptimizerBase {
    /// α, the smoothing constant of the squared-gradient average (default 0.99).
    public let alpha: Float
    /// Added to the denominator for stability (default 1e-8).
    public let epsilon: Float
    /// The L2 penalty added to the gradient (default 0).
    public let weightDecay: Float
    /// The momentum factor (default 0).
    public let momentum: Float
    /// Whether the gradient is normalized by an estimate of its variance (default false).
    public let centered: Bool

    /// Creates an RMSprop optimizer over named parameters.
    /// - Parameters:
    ///   - parameters: Usually `model.namedParameters`.
    ///   - learningRate: Default 0.01 (≥ 0).
    ///   - alpha: Default 0.99, in `[0, 1]`.
    ///   - epsilon: Default 1e-8 (≥ 0).
    ///   - weightDecay: Default 0 (≥ 0).
    ///   - momentum: Default 0 (≥ 0).
    ///   - centered: Default false.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` for an invalid value.
    public init(
        _ parameters: [(name: String, parameter: Parameter)], learningRate: Float = 0.01,
        alpha: Float = 0.99, epsilon: Float = 1e-8, weightDecay: Float = 0, momentum: Float = 0,
        centered: Bool = false
    ) throws {
        try require(alpha >= 0 && alpha <= 1, "RMSprop: alpha \(alpha) is outside [0, 1]")
        try require(epsilon.isFinite && epsilon >= 0, "RMSprop: invalid epsilon \(epsilon)")
        try require(
            weightDecay.isFinite && weightDecay >= 0,
            "RMSprop: invalid weight decay \(weightDecay)")
        try require(momentum.isFinite && momentum >= 0, "RMSprop: invalid momentum \(momentum)")
        self.alpha = alpha
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.centered = centered
        try super.init(
            parameters, name: "RMSprop", learningRate: learningRate,
            stateNames: ["square_avg"] + (momentum > 0 ? ["momentum_buffer"] : [])
                + (centered ? ["grad_avg"] : []))
    }

    /// Creates an RMSprop optimizer over every parameter of `model`.
    public convenience init(
        _ model: Layer, learningRate: Float = 0.01, alpha: Float = 0.99, epsilon: Float = 1e-8,
        weightDecay: Float = 0, momentum: Float = 0, centered: Bool = false
    ) throws {
        try self.init(
            model.namedParameters, learningRate: learningRate, alpha: alpha, epsilon: epsilon,
            weightDecay: weightDecay, momentum: momentum, centered: centered)
    }

    public override func makeUpdate(step: Int) -> (ParameterBuffers) -> Void {
        let s = Scalars(
            alpha: alpha, oneMinusAlpha: Float(1 - decimalDouble(alpha)), epsilon: epsilon,
            weightDecay: weightDecay, momentum: momentum, learningRate: learningRate)
        return { p in
            RMSprop.update(
                p.value, p.gradient, p["square_avg"]!, p["momentum_buffer"]?.baseAddress,
                p["grad_avg"]?.baseAddress, s)
        }
    }

    struct Scalars {
        var alpha, oneMinusAlpha, epsilon, weightDecay, momentum, learningRate: Float
    }

    /// One step over one parameter's scalars, in parallel chunks; `buffer` is the momentum
    /// buffer and `average` the centered gradient average, each nil when unused.
    static func update(
        _ p: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>,
        _ squares: UnsafeMutableBufferPointer<Float>, _ buffer: UnsafeMutablePointer<Float>?,
        _ average: UnsafeMutablePointer<Float>?, _ s: Scalars
    ) {
        let count = p.count
        guard count > 0 else { return }
        let (p, g, squares) = (p.baseAddress!, g.baseAddress!, squares.baseAddress!)
        let l2 = s.weightDecay != 0
        Parallel.forEachChunk(of: count, chunkSize: optimizerChunkSize) { range in
            // Constant arguments select a branch-free loop after inlining.
            if l2 {
                kernel(p, g, squares, buffer, average, s, range, l2: true)
            } else {
                kernel(p, g, squares, buffer, average, s, range, l2: false)
            }
        }
    }

    @inline(__always)
    private static func kernel(
        _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
        _ squares: UnsafeMutablePointer<Float>, _ buffer: UnsafeMutablePointer<Float>?,
        _ average: UnsafeMutablePointer<Float>?, _ s: Scalars, _ range: Range<Int>, l2: Bool
    ) {
        switch (buffer, average) {
        case (nil, nil): loop(p, g, squares, nil, nil, s, range, l2: l2)
        case let (buffer?, nil): loop(p, g, squares, buffer, nil, s, range, l2: l2)
        case let (nil, average?): loop(p, g, squares, nil, average, s, range, l2: l2)
        case let (buffer?, average?): loop(p, g, squares, buffer, average, s, range, l2: l2)
        }
    }

    @inline(__always)
    private static func loop(
        _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
        _ squares: UnsafeMutablePointer<Float>, _ buffer: UnsafeMutablePointer<Float>?,
        _ average: UnsafeMutablePointer<Float>?, _ s: Scalars, _ range: Range<Int>, l2: Bool
    ) {
        for i in range {
            let d = l2 ? g[i] + s.weightDecay * p[i] : g[i]
            squares[i] = squares[i] * s.alpha + s.oneMinusAlpha * d * d
            var variance: Float
            if let average {
                average[i] = lerp(average[i], d, s.oneMinusAlpha)
                variance = squares[i] + -1 * average[i] * average[i]
            } else {
                variance = squares[i]
            }
            // Clamped at 0: lets LLVM vectorize the square root, and turns a centered variance
            // that rounding made slightly negative into 0 where PyTorch would produce NaN.
            variance = variance > 0 ? variance : 0
            let root = variance.squareRoot() + s.epsilon
            if let buffer {
                buffer[i] = buffer[i] * s.momentum + d / root
                p[i] = p[i] + -s.learningRate * buffer[i]
            } else {
                p[i] = p[i] + -s.learningRate * d / root
            }
        }
    }
}

/// PyTorch's `lerp`: `start + weight·(end − start)` for weights below ½, else
/// `end − (end − start)·(1 − weight)`.
@inline(__always)
func lerp(_ start: Float, _ end: Float, _ weight: Float) -> Float {
    weight < 0.5 ? start + weight * (end - start) : end - (end - start) * (1 - weight)
}
