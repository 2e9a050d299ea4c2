import NeuralNet
import TensorMath

/// One image's forward pass through a classifier, layer by layer: the input the network saw,
/// every layer's output, and the class probabilities (``ImageClassifier/trace(_:)``). What
/// ``NetworkVisualization`` draws.
public struct ClassificationTrace {
    /// The network's input: the image prepared by the model's pipeline and normalized,
    /// `[1, channels, height, width]`.
    public let input: Tensor
    /// Every layer's output in the order the network computed them; `layers.output` is the
    /// logits, `[1, classes]`.
    public let layers: LayerTrace
    /// The class probabilities, `[1, classes]`: the softmax of the logits.
    public let probabilities: Tensor
}
