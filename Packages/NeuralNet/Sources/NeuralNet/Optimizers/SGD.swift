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
public final class SGD: Optimizer {
    public var namedParameters: [(name: String, parameter: Parameter)] { parameters.named }
    public var learningRate: Float
    public private(set) var stepCount = 0
    /// The momentum factor (default 0, plain SGD).
    public let momentum: Float
    /// The dampening of the momentum's gradient term (default 0).
    public let dampening: Float
    /// The L2 penalty added to the gradient (default 0).
    public let weightDecay: Float
    /// Whether Nesterov momentum is used (default false).
    public let nesterov: Bool

    private let parameters: OptimizerParameters
    private var momentumBuffers: [Tensor] = []

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
        try require(learningRate.isFinite && learningRate >= 0,
                    "SGD: invalid learning rate \(learningRate)")
        try require(momentum.isFinite && momentum >= 0, "SGD: invalid momentum \(momentum)")
        try require(dampening.isFinite, "SGD: invalid dampening \(dampening)")
        try require(weightDecay.isFinite && weightDecay >= 0,
                    "SGD: invalid weight decay \(weightDecay)")
        try require(!nesterov || (momentum > 0 && dampening == 0),
                    "SGD: Nesterov momentum requires a momentum and zero dampening")
        self.parameters = try OptimizerParameters(parameters, optimizer: "SGD")
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
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

    public func step() throws {
        try parameters.validateStep(learningRate: learningRate, optimizer: "SGD")
        let firstStep = momentumBuffers.isEmpty
        if momentum != 0, firstStep {
            momentumBuffers = parameters.named.map { Tensor.zeros(like: $0.parameter.value) }
        }
        let (lr, momentum, weightDecay, nesterov) = (learningRate, momentum, weightDecay, nesterov)
        let gradientScale = Float(1 - decimalDouble(dampening))
        for (index, (_, parameter)) in parameters.named.enumerated() {
            let gradient = parameter.gradient
            gradient.withUnsafeBufferPointer { g in
                parameter.value.withUnsafeMutableBufferPointer { p in
                    if momentum == 0 {
                        for i in 0..<p.count {
                            let d = weightDecay != 0 ? g[i] + weightDecay * p[i] : g[i]
                            p[i] = p[i] - lr * d
                        }
                        return
                    }
                    momentumBuffers[index].withUnsafeMutableBufferPointer { b in
                        for i in 0..<p.count {
                            var d = weightDecay != 0 ? g[i] + weightDecay * p[i] : g[i]
                            if firstStep {
                                b[i] = d
                            } else {
                                let decayed = momentum * b[i]
                                b[i] = gradientScale == 1
                                    ? decayed + d : decayed + gradientScale * d
                            }
                            d = nesterov ? d + momentum * b[i] : b[i]
                            p[i] = p[i] - lr * d
                        }
                    }
                }
            }
        }
        stepCount += 1
    }

    public func stateTensors() -> [String: Tensor] {
        parameters.stateTensors([("momentum_buffer", momentumBuffers)])
    }

    public var scalarState: OptimizerScalarState {
        OptimizerScalarState(optimizer: "SGD", stepCount: stepCount, learningRate: learningRate)
    }

    public func loadState(tensors: [String: Tensor], scalars: OptimizerScalarState) throws {
        let hasBuffers = momentum != 0 && scalars.stepCount > 0
        let states = try parameters.loadStates(
            hasBuffers ? ["momentum_buffer"] : [], from: tensors, scalars: scalars,
            optimizer: "SGD")
        momentumBuffers = states["momentum_buffer"] ?? []
        stepCount = scalars.stepCount
        learningRate = scalars.learningRate
    }
}
