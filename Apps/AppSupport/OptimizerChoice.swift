import ArgumentParser
import NeuralNet

/// The optimizers a training command offers (`--optimizer`).
public enum OptimizerChoice: String, Codable, CaseIterable, ExpressibleByArgument, Sendable {
    /// Plain stochastic gradient descent.
    case sgd
    /// SGD with momentum (0.9 unless `--momentum` says).
    case momentum
    /// SGD with Nesterov momentum (0.9 unless `--momentum` says).
    case nesterov
    /// Adam (Kingma & Ba, 2015) with β = (0.9, 0.999); weight decay as an L2 penalty.
    case adam
    /// AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay.
    case adamw
    /// RMSprop (Hinton, 2012) as PyTorch's, α = 0.99, momentum 0 unless `--momentum` says.
    case rmsprop

    /// Whether the optimizer takes a momentum (`--momentum`).
    public var takesMomentum: Bool { [.momentum, .nesterov, .rmsprop].contains(self) }
    /// Whether the optimizer takes β₁ and β₂ (`--beta1`, `--beta2`).
    public var takesBetas: Bool { [.adam, .adamw].contains(self) }

    /// The optimizer over `parameters`.
    /// - Parameters:
    ///   - learningRate: The initial step size (a schedule may change it).
    ///   - weightDecay: The L2 penalty (decoupled for ``adamw``); default 0.
    ///   - momentum: For ``momentum``, ``nesterov`` and ``rmsprop``; `nil` (default) for 0.9,
    ///     0.9 and 0.
    ///   - beta1: Adam's β₁; `nil` (default) for 0.9.
    ///   - beta2: Adam's β₂; `nil` (default) for 0.999.
    /// - Throws: ``NeuralNet/NeuralNetError/invalidConfiguration(_:)`` for invalid values.
    public func makeOptimizer(
        _ parameters: [(name: String, parameter: Parameter)], learningRate: Float,
        weightDecay: Float = 0, momentum: Float? = nil, beta1: Float? = nil, beta2: Float? = nil
    ) throws -> Optimizer {
        switch self {
        case .sgd:
            return try SGD(parameters, learningRate: learningRate, weightDecay: weightDecay)
        case .momentum:
            return try SGD(
                parameters, learningRate: learningRate, momentum: momentum ?? 0.9,
                weightDecay: weightDecay)
        case .nesterov:
            return try SGD(
                parameters, learningRate: learningRate, momentum: momentum ?? 0.9,
                weightDecay: weightDecay, nesterov: true)
        case .adam:
            return try Adam(
                parameters, learningRate: learningRate, beta1: beta1 ?? 0.9,
                beta2: beta2 ?? 0.999, weightDecay: weightDecay)
        case .adamw:
            return try AdamW(
                parameters, learningRate: learningRate, beta1: beta1 ?? 0.9,
                beta2: beta2 ?? 0.999, weightDecay: weightDecay)
        case .rmsprop:
            return try RMSprop(
                parameters, learningRate: learningRate, weightDecay: weightDecay,
                momentum: momentum ?? 0)
        }
    }
}
