import ArgumentParser
import NeuralNet

/// The optimizers a training command offers (`--optimizer`).
public enum OptimizerChoice: String, Codable, CaseIterable, ExpressibleByArgument, Sendable {
    /// Plain stochastic gradient descent.
    case sgd
    /// SGD with momentum 0.9.
    case momentum
    /// SGD with Nesterov momentum 0.9.
    case nesterov
    /// Adam (Kingma & Ba, 2015) with β = (0.9, 0.999); weight decay as an L2 penalty.
    case adam
    /// AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay.
    case adamw

    /// The optimizer over `parameters`.
    /// - Parameters:
    ///   - learningRate: The initial step size (a schedule may change it).
    ///   - weightDecay: The L2 penalty (decoupled for ``adamw``); default 0.
    /// - Throws: ``NeuralNet/NeuralNetError/invalidConfiguration(_:)`` for invalid values.
    public func makeOptimizer(
        _ parameters: [(name: String, parameter: Parameter)], learningRate: Float,
        weightDecay: Float = 0
    ) throws -> Optimizer {
        switch self {
        case .sgd:
            return try SGD(parameters, learningRate: learningRate, weightDecay: weightDecay)
        case .momentum:
            return try SGD(
                parameters, learningRate: learningRate, momentum: 0.9, weightDecay: weightDecay)
        case .nesterov:
            return try SGD(
                parameters, learningRate: learningRate, momentum: 0.9, weightDecay: weightDecay,
                nesterov: true)
        case .adam:
            return try Adam(parameters, learningRate: learningRate, weightDecay: weightDecay)
        case .adamw:
            return try AdamW(parameters, learningRate: learningRate, weightDecay: weightDecay)
        }
    }
}
