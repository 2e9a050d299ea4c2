import TensorMath

/// A differentiable building block of a network, with an explicit forward and backward pass.
///
/// - `forward(_:)` computes the output. In training mode (``isTraining``) it also caches what
///   `backward(_:)` needs (typically its input or output).
/// - `backward(_:)` takes the gradient of the loss with respect to the last output,
///   **accumulates** the gradients of the layer's parameters into ``Parameter/gradient``, and
///   returns the gradient with respect to the last input.
/// - ``namedParameters`` lists trainable tensors under dotted names (`features.3.weight`) that
///   are also PyTorch's `state_dict` keys and the checkpoint keys; ``namedBuffers`` lists the
///   saved non-trainable state (batch norm running statistics, RBF prototypes).
///
/// Training or inference mode is a property of each model, set recursively with
/// ``setTraining(_:)``; there is no global mode.
public protocol Layer: AnyObject {
    /// Whether the layer is in training mode (caching for backward, dropout active, batch norm
    /// using batch statistics). Containers forward changes to their children through
    /// ``setTraining(_:)``.
    var isTraining: Bool { get set }

    /// Computes the layer's output for a batch.
    func forward(_ input: Tensor) throws -> Tensor

    /// Back-propagates `outputGradient` (shaped like the last output): accumulates parameter
    /// gradients and returns the gradient with respect to the last input.
    func backward(_ outputGradient: Tensor) throws -> Tensor

    /// `x = forward(x)`, reusing `x`'s storage where the layer can (``ReLU``), which saves an
    /// allocation and a pass over fresh memory when `x` is not shared. ``Sequential`` calls
    /// this; the default calls ``forward(_:)``.
    func forward(inPlace x: inout Tensor) throws

    /// `gradient = backward(gradient)`, in place where the layer can (``ReLU``); the default
    /// calls ``backward(_:)``.
    func backward(inPlace gradient: inout Tensor) throws

    /// Accumulates the parameter gradients ``backward(_:)`` would, for a caller that has no
    /// use for the gradient with respect to the input: a network's first layers, whose input
    /// is the data (PyTorch computes no gradient for inputs without `requires_grad` either).
    /// ``Trainer`` calls it on the model. ``Conv2D`` and ``Linear`` skip the input gradient's
    /// product, ``Sequential`` skips its leading layers without parameters and asks the same
    /// of the first one with parameters. The default does nothing for a layer without
    /// parameters (its backward pass would produce only the input gradient) and otherwise
    /// calls ``backward(_:)`` and drops the result.
    func backwardParameters(_ outputGradient: Tensor) throws

    /// The layer's direct sub-layers with their names (`"0"`, `"conv1"`); empty for leaves.
    var children: [(name: String, layer: Layer)] { get }

    /// The layer's own trainable parameters (not its children's), with local names
    /// (`"weight"`, `"bias"`).
    var ownParameters: [(name: String, parameter: Parameter)] { get }

    /// The layer's own saved non-trainable state, with local names (`"running_mean"`).
    var ownBuffers: [(name: String, buffer: Buffer)] { get }

    /// Floating-point operations of one forward pass on an input of `inputShape` producing
    /// `outputShape` (a multiply-add counts 2, so a `Linear` layer reports
    /// `2·in·out` per row plus its bias additions), for model summaries. Containers report only
    /// their own work (a `Residual` its sum); their children are counted individually.
    func forwardFLOPs(inputShape: [Int], outputShape: [Int]) -> Int
}

extension Layer {
    public func forward(inPlace x: inout Tensor) throws { x = try forward(x) }
    public func backward(inPlace gradient: inout Tensor) throws {
        gradient = try backward(gradient)
    }
    public func backwardParameters(_ outputGradient: Tensor) throws {
        if !hasParameters { return }
        _ = try backward(outputGradient)
    }

    /// Whether the layer or one of its descendants has a trainable parameter
    /// (``namedParameters`` is not empty), without building the parameters' names.
    var hasParameters: Bool {
        !ownParameters.isEmpty || children.contains { $0.layer.hasParameters }
    }
    public var children: [(name: String, layer: Layer)] { [] }
    public var ownParameters: [(name: String, parameter: Parameter)] { [] }
    public var ownBuffers: [(name: String, buffer: Buffer)] { [] }
    public func forwardFLOPs(inputShape: [Int], outputShape: [Int]) -> Int { 0 }

    /// Every trainable parameter of the layer and its descendants, under dotted names, in
    /// definition order (the order of PyTorch's `named_parameters()`).
    public var namedParameters: [(name: String, parameter: Parameter)] {
        var result = ownParameters
        for (childName, child) in children {
            result += child.namedParameters.map { ("\(childName).\($0.name)", $0.parameter) }
        }
        return result
    }

    /// Every buffer of the layer and its descendants, under dotted names.
    public var namedBuffers: [(name: String, buffer: Buffer)] {
        var result = ownBuffers
        for (childName, child) in children {
            result += child.namedBuffers.map { ("\(childName).\($0.name)", $0.buffer) }
        }
        return result
    }

    /// Every layer of the tree below this one (this one excluded), with dotted names, parents
    /// before their children.
    public var namedDescendants: [(name: String, layer: Layer)] {
        var result: [(name: String, layer: Layer)] = []
        for (childName, child) in children {
            result.append((childName, child))
            result += child.namedDescendants.map { ("\(childName).\($0.name)", $0.layer) }
        }
        return result
    }

    /// The trainable parameters, in ``namedParameters`` order.
    public var parameters: [Parameter] { namedParameters.map(\.parameter) }

    /// The total number of trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Puts this layer and all its descendants in training (`true`) or inference mode.
    public func setTraining(_ training: Bool) {
        isTraining = training
        for (_, child) in children { child.setTraining(training) }
    }

    /// Resets every parameter gradient in the tree to zero.
    public func zeroGradients() {
        for parameter in parameters { parameter.zeroGradient() }
    }

    /// The model's state as PyTorch's `state_dict()` would hold it: parameters and buffers under
    /// their dotted names.
    public var stateDictionary: [String: Tensor] {
        var state: [String: Tensor] = [:]
        for (name, parameter) in namedParameters { state[name] = parameter.value }
        for (name, buffer) in namedBuffers { state[name] = buffer.value }
        return state
    }

    /// Loads parameters and buffers by dotted name, strictly: every tensor of the model must
    /// be present with the same shape, and no unknown name may appear.
    /// - Throws: ``NeuralNetError/invalidInput(layer:reason:)`` naming the missing, unexpected
    ///   or mis-shaped tensor (and both shapes).
    public func loadStateDictionary(_ state: [String: Tensor]) throws {
        var expected: [String: (Tensor) throws -> Void] = [:]
        var shapes: [String: [Int]] = [:]
        for (name, parameter) in namedParameters {
            expected[name] = parameter.assign
            shapes[name] = parameter.value.shape
        }
        for (name, buffer) in namedBuffers {
            expected[name] = buffer.assign
            shapes[name] = buffer.value.shape
        }
        let missing = expected.keys.filter { state[$0] == nil }.sorted()
        guard missing.isEmpty else {
            throw NeuralNetError.invalidInput(
                layer: "loadStateDictionary",
                reason: "missing tensors: \(missing.joined(separator: ", "))")
        }
        let unexpected = state.keys.filter { expected[$0] == nil }.sorted()
        guard unexpected.isEmpty else {
            throw NeuralNetError.invalidInput(
                layer: "loadStateDictionary",
                reason: "unexpected tensors: \(unexpected.joined(separator: ", "))")
        }
        for (name, tensor) in state where tensor.shape != shapes[name] {
            throw NeuralNetError.invalidInput(
                layer: "loadStateDictionary",
                reason: "tensor \(name) has shape \(tensor.shape), "
                    + "the model expects \(shapes[name]!)")
        }
        for (name, tensor) in state { try expected[name]!(tensor) }
    }
}
