import TensorMath

/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2
/// weight decay, exactly as PyTorch's `torch.optim.SGD`.
///
/// For each parameter `p` with gradient `g`, per step:
/// ```
/// g ← g + weightDecay·p
/// if momentum ≠ 0:  b ← g on the first step, else b ← momentum·b + (1 − dampening)·g
///                   g ← g + momentum·b (Nesterov) or g ← b
/// p ← p − learningRate·g
/// ```
/// State: `momentum_buffer.<name>` (after the first step, when momentum ≠ 0).
public final class SGD: OptimizerBase {
    /// The momentum factor (default 0, plain SGD).
    public let momentum: Float
    /// The dampening of the momentum's gradient term (default 0).
    public let dampening: Float
    /// The L2 penalty added to the gradient (default 0).
    public let weightDecay: Float
    /// Whether Nesterov momentum is used (default false).
    public let nesterov: Bool

    /// Creates an SGD optimizer over named parameters.
    /// - Parameters:
    ///   - parameters: Usually `model.namedParameters`.
    ///   - learningRate: The step size, `lr` (≥ 0).
    ///   - momentum: Default 0 (≥ 0).
    ///   - dampening: Default 0.
    ///   - weightDecay: L2 penalty, default 0 (≥ 0).
    ///   - nesterov: Default false; needs `momentum > 0` and `dampening == 0`, as PyTorch.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` for an invalid value.
    public init(
        _ parameters: [(name: String, parameter: Parameter)], learningRate: Float,
        momentum: Float = 0, dampening: Float = 0, weightDecay: Float = 0, nesterov: Bool = false
    ) throws {
        try require(momentum.isFinite && momentum >= 0, "SGD: invalid momentum \(momentum)")
        try require(dampening.isFinite, "SGD: invalid dampening \(dampening)")
        try require(
            weightDecay.isFinite && weightDecay >= 0,
            "SGD: invalid weight decay \(weightDecay)")
        try require(
            !nesterov || (momentum > 0 && dampening == 0),
            "SGD: Nesterov momentum requires a momentum and zero dampening")
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        try super.init(
            parameters, name: "SGD", learningRate: learningRate,
            stateNames: momentum != 0 ? ["momentum_buffer"] : [])
    }

    /// Creates an SGD optimizer over every parameter of `model`.
    public convenience init(
        _ model: Layer, learningRate: Float, momentum: Float = 0, dampening: Float = 0,
        weightDecay: Float = 0, nesterov: Bool = false
    ) throws {
        try self.init(
            model.namedParameters, learningRate: learningRate, momentum: momentum,
            dampening: dampening, weightDecay: weightDecay, nesterov: nesterov)
    }

    public override func makeUpdate(step: Int) -> (ParameterBuffers) -> Void {
        let scalars = Scalars(
            learningRate: learningRate, momentum: momentum, weightDecay: weightDecay,
            gradientScale: Float(1 - decimalDouble(dampening)))
        let nesterov = nesterov
        // PyTorch starts the momentum buffer as the gradient, on the first step.
        return { p in
            SGD.update(
                p.value, p.gradient, p["momentum_buffer"]?.baseAddress, scalars,
                firstStep: step == 1, nesterov: nesterov)
        }
    }

    struct Scalars {
        var learningRate, momentum, weightDecay, gradientScale: Float
    }

    /// One step over one parameter's scalars, in parallel chunks; `buffer` is the momentum
    /// buffer, nil without momentum.
    static func update(
        _ p: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>,
        _ buffer: UnsafeMutablePointer<Float>?, _ s: Scalars, firstStep: Bool, nesterov: Bool
    ) {
        let count = p.count
        guard count > 0 else { return }
        let (p, g) = (p.baseAddress!, g.baseAddress!)
        let l2 = s.weightDecay != 0
        Parallel.forEachChunk(of: count, chunkSize: optimizerChunkSize) { range in
            // Constant arguments select a branch-free loop after inlining.
            guard let b = buffer else {
                if l2 { plain(p, g, s, range, l2: true) } else { plain(p, g, s, range, l2: false) }
                return
            }
            switch (l2, nesterov, firstStep) {
            case (false, false, false):
                momentum(p, g, b, s, range, l2: false, nesterov: false, firstStep: false)
            case (false, true, false):
                momentum(p, g, b, s, range, l2: false, nesterov: true, firstStep: false)
            case (true, false, false):
                momentum(p, g, b, s, range, l2: true, nesterov: false, firstStep: false)
            case (true, true, false):
                momentum(p, g, b, s, range, l2: true, nesterov: true, firstStep: false)
            default:
                momentum(p, g, b, s, range, l2: l2, nesterov: nesterov, firstStep: true)
            }
        }
    }

    @inline(__always)
    private static func plain(
        _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ s: Scalars,
        _ range: Range<Int>, l2: Bool
    ) {
        for i in range {
            let d = l2 ? g[i] + s.weightDecay * p[i] : g[i]
            p[i] = p[i] - s.learningRate * d
        }
    }

    @inline(__always)
    private static func momentum(
        _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
        _ b: UnsafeMutablePointer<Float>, _ s: Scalars, _ range: Range<Int>, l2: Bool,
        nesterov: Bool, firstStep: Bool
    ) {
        for i in range {
            var d = l2 ? g[i] + s.weightDecay * p[i] : g[i]
            // PyTorch: the buffer starts as the gradient, then b ← momentum·b + (1 − dampening)·g
            // (the multiplication by 1 when undamped is exact).
            b[i] = firstStep ? d : s.momentum * b[i] + s.gradientScale * d
            d = nesterov ? d + s.momentum * b[i] : b[i]
            p[i] = p[i] - s.learningRate * d
        }
    }
}
