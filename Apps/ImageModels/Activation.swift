import NeuralNet

/// The hidden-layer nonlinearity of a reference model, stored in model files by name.
public enum Activation: String, Codable, CaseIterable, Sendable {
    /// `max(0, x)` (``NeuralNet/ReLU``), the modern default.
    case relu
    /// `x` for `x > 0`, `0.01·x` otherwise (``NeuralNet/LeakyReLU``, PyTorch's default slope).
    case leakyrelu
    /// The hyperbolic tangent (``NeuralNet/Tanh``), closer to LeCun et al.'s original squashing
    /// function.
    case tanh
    /// The logistic sigmoid `1 / (1 + e⁻ˣ)` (``NeuralNet/Sigmoid``).
    case sigmoid

    /// A new layer computing this activation.
    public func makeLayer() -> Layer {
        switch self {
        case .relu: return ReLU()
        case .leakyrelu: return LeakyReLU()
        case .tanh: return Tanh()
        case .sigmoid: return Sigmoid()
        }
    }

    /// The activation as a layer of a ``LayerSpecification``.
    public var element: LayerSpecification.Element {
        switch self {
        case .relu: return .relu
        case .leakyrelu: return .leakyReLU(slope: 0.01)
        case .tanh: return .tanh
        case .sigmoid: return .sigmoid
        }
    }
}
