import TensorMath

/// The rectified linear unit `max(0, x)`, element-wise. PyTorch: `nn.ReLU()`.
///
/// - Input: any shape; output the same shape. The gradient at 0 is 0, as PyTorch's.
public final class ReLU: Layer {
    public var isTraining = true
    /// The last output, whose positive scalars are exactly the input's: the gradient's mask.
    private var cachedOutput: Tensor?

    /// Creates a ReLU.
    public init() {}

    public func forward(_ input: Tensor) throws -> Tensor {
        let output = input.relu()
        cachedOutput = isTraining ? output : nil
        return output
    }

    /// `max(0, x)` written over `x` (``Sequential`` calls this; PyTorch's `inplace=True`).
    public func forward(inPlace x: inout Tensor) throws {
        x.formReLU()
        cachedOutput = isTraining ? x : nil
    }

    /// Takes `output`, computed by the layer before this one with the ReLU fused in
    /// (``ReLUFusing``), as this layer's last output.
    func adopt(output: Tensor) {
        cachedOutput = isTraining ? output : nil
    }

    /// Whether the layer holds an output for its backward pass (a training forward ran).
    var holdsOutput: Bool { cachedOutput != nil }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        var gradient = outputGradient
        try backward(inPlace: &gradient)
        return gradient
    }

    public func backward(inPlace gradient: inout Tensor) throws {
        guard let output = cachedOutput else {
            throw NeuralNetError.backwardWithoutForward(layer: "ReLU")
        }
        try LayerChecks.gradient(gradient, matches: output.shape, layer: "ReLU")
        try gradient.formReLUGradient(mask: output)
    }

    /// One comparison per scalar.
    public func forwardFLOPs(inputShape: [Int], outputShape: [Int]) -> Int {
        outputShape.reduce(1, *)
    }
}

/// A layer that can compute the ``ReLU`` after it in its own pass, bit-identical to the two
/// layers run one after the other (``Sequential`` fuses such pairs): ``Conv2D`` (in its
/// kernels' stores) and ``BatchNorm``.
protocol ReLUFusing: Layer {
    /// The layer's output, or with `fusingReLU` the ReLU of it.
    func forward(_ input: Tensor, fusingReLU: Bool) throws -> Tensor
}

extension Conv2D: ReLUFusing {}
extension BatchNorm: ReLUFusing {}
