import TensorMath

/// Updates a model's parameters from their accumulated gradients.
///
/// An optimizer holds the model's parameters under their dotted names (from
/// `model.namedParameters`) and per-parameter state (momentum buffers, Adam moments). A
/// training step is:
/// ```swift
/// optimizer.zeroGradients()
/// let output = try model.forward(images)
/// let loss = try Loss.softmaxCrossEntropy(logits: output, labels: labels)
/// try model.backwardParameters(loss.gradient) // backward(_:) without the input gradient
/// try optimizer.step()
/// ```
/// Learning-rate schedules drive ``learningRate`` between steps.
///
/// The state can be saved and restored exactly: ``stateTensors()`` names every tensor
/// `"<state>.<parameter dotted name>"` as PyTorch's optimizer state does
/// (`momentum_buffer.features.0.weight`, `exp_avg.classifier.4.bias`), and ``scalarState``
/// holds the step count and learning rate. ``loadState(tensors:scalars:)`` is strict.
///
/// ``SGD``, ``Adam``, ``AdamW`` and ``RMSprop`` share all of this through ``OptimizerBase``,
/// each adding only its hyper-parameters, state names and update rule.
public protocol Optimizer: AnyObject {
    /// The optimized parameters with their dotted names, in order, without duplicates.
    var namedParameters: [(name: String, parameter: Parameter)] { get }

    /// The learning rate used by the next ``step()``; schedules set it between steps.
    var learningRate: Float { get set }

    /// The number of ``step()`` calls so far (restored by ``loadState(tensors:scalars:)``).
    var stepCount: Int { get }

    /// Updates every parameter from its gradient and advances ``stepCount``.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` for a negative or non-finite
    ///   learning rate; ``NeuralNetError/shapeMismatch(operation:expected:actual:)`` if a
    ///   gradient's shape differs from its parameter's.
    func step() throws

    /// Resets every parameter's gradient to zero.
    func zeroGradients()

    /// The per-parameter state tensors keyed `"<state>.<parameter dotted name>"`; empty
    /// before the first step.
    func stateTensors() -> [String: Tensor]

    /// The scalar part of the state (optimizer name, step count, learning rate), Codable for
    /// checkpoints.
    var scalarState: OptimizerScalarState { get }

    /// Restores a state saved by ``stateTensors()`` and ``scalarState``, so that training
    /// continues bit-identically.
    /// - Throws: ``NeuralNetError/invalidInput(layer:reason:)`` for another optimizer's state,
    ///   or naming the missing, unexpected or mis-shaped tensor.
    func loadState(tensors: [String: Tensor], scalars: OptimizerScalarState) throws
}

extension Optimizer {
    public func zeroGradients() {
        for (_, parameter) in namedParameters { parameter.zeroGradient() }
    }
}

/// The scalar part of an optimizer's state, stored with its tensors in training checkpoints.
public struct OptimizerScalarState: Codable, Equatable, Sendable {
    /// The optimizer's name (`"SGD"`, `"Adam"`, `"AdamW"`, `"RMSprop"`), checked on loading.
    public var optimizer: String
    /// The number of steps taken.
    public var stepCount: Int
    /// The learning rate at the time of saving.
    public var learningRate: Float

    /// Creates a scalar state.
    public init(optimizer: String, stepCount: Int, learningRate: Float) {
        self.optimizer = optimizer
        self.stepCount = stepCount
        self.learningRate = learningRate
    }
}

/// Throws ``NeuralNetError/invalidConfiguration(_:)`` with `message` unless `condition`.
func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    guard condition else { throw NeuralNetError.invalidConfiguration(message()) }
}

/// `value` widened to `Double` through its shortest decimal representation, so that a
/// hyper-parameter written `0.999` takes the value of PyTorch's Python float `0.999` in the
/// `Double` arithmetic that PyTorch performs on hyper-parameters (`1 − β₂`, `1 − β₁ᵗ`).
func decimalDouble(_ value: Float) -> Double {
    Double(value.description) ?? Double(value)
}

/// Scalars per parallel chunk of an optimizer update. Updates are element-wise, so the result
/// does not depend on the thread count.
let optimizerChunkSize = 1 << 14
