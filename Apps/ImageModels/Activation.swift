import NeuralNet

/// The hidden-layer nonlinearity of a reference model, stored in model files by name.
public enum Activation: String, Codable, CaseIterable, Sendable {
    /// `max(0, x)` (``NeuralNet/ReLU``), the modern default.
    case relu
    /// The hyperbolic tangent (``NeuralNet/Tanh``), closer to LeCun et al.'s original squashing
    /// function.
    case tanh

    /// A new layer computing this activation.
    public func makeLayer() -> Layer {
        switch self {
        case .relu: return ReLU()
        case .tanh: return Tanh()
        }
    }
}
