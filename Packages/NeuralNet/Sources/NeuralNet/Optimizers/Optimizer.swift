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
/// _ = try model.backward(loss.gradient)
/// try optimizer.step()
/// ```
/// Learning-rate schedules drive ``learningRate`` between steps.
///
/// The state can be saved and restored exactly: ``stateTensors()`` names every tensor
/// `"<state>.<parameter dotted name>"` as PyTorch's optimizer state does
/// (`momentum_buffer.features.0.weight`, `exp_avg.classifier.4.bias`), and ``scalarState``
/// holds the step count and learning rate. ``loadState(tensors:scalars:)`` is strict.
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

/// The parameter list and validation shared by the optimizers.
struct OptimizerParameters {
    let named: [(name: String, parameter: Parameter)]

    /// Drops repeated `Parameter` objects (weight tying, as PyTorch does) and rejects two
    /// different parameters under one name.
    init(_ parameters: [(name: String, parameter: Parameter)], optimizer: String) throws {
        var seenObjects = Set<ObjectIdentifier>(), seenNames = Set<String>()
        var unique: [(name: String, parameter: Parameter)] = []
        for (name, parameter) in parameters {
            guard seenObjects.insert(ObjectIdentifier(parameter)).inserted else { continue }
            guard seenNames.insert(name).inserted else {
                throw NeuralNetError.invalidConfiguration(
                    "\(optimizer): two different parameters are named \(name)")
            }
            unique.append((name, parameter))
        }
        named = unique
    }

    /// Throws unless `learningRate` is finite and non-negative and every gradient has its
    /// parameter's shape.
    func validateStep(learningRate: Float, optimizer: String) throws {
        guard learningRate.isFinite, learningRate >= 0 else {
            throw NeuralNetError.invalidConfiguration(
                "\(optimizer): learning rate must be finite and non-negative, got \(learningRate)")
        }
        for (name, parameter) in named where parameter.gradient.shape != parameter.value.shape {
            throw NeuralNetError.shapeMismatch(
                operation: "\(optimizer).step (gradient of \(name))",
                expected: parameter.value.shape, actual: parameter.gradient.shape)
        }
    }

    /// Checks `scalars` against this optimizer and extracts, strictly, one tensor per
    /// parameter for each state in `states` (every key must be `"<state>.<name>"` with the
    /// parameter's shape; nothing missing, nothing else).
    /// - Returns: For each state, the tensors in parameter order.
    func loadStates(
        _ states: [String], from tensors: [String: Tensor], scalars: OptimizerScalarState,
        optimizer: String
    ) throws -> [String: [Tensor]] {
        let operation = "\(optimizer).loadState"
        guard scalars.optimizer == optimizer else {
            throw NeuralNetError.invalidInput(
                layer: operation,
                reason: "the state belongs to \(scalars.optimizer), not \(optimizer)")
        }
        guard scalars.stepCount >= 0, scalars.learningRate.isFinite, scalars.learningRate >= 0
        else {
            throw NeuralNetError.invalidInput(
                layer: operation,
                reason: "invalid step count \(scalars.stepCount) or learning rate "
                    + "\(scalars.learningRate)")
        }
        var result: [String: [Tensor]] = [:]
        var expectedKeys = Set<String>()
        for state in states {
            var list: [Tensor] = []
            for (name, parameter) in named {
                let key = "\(state).\(name)"
                expectedKeys.insert(key)
                guard let tensor = tensors[key] else {
                    throw NeuralNetError.invalidInput(
                        layer: operation, reason: "missing state tensor \(key)")
                }
                guard tensor.shape == parameter.value.shape else {
                    throw NeuralNetError.invalidInput(
                        layer: operation,
                        reason: "state tensor \(key) has shape \(tensor.shape), the parameter "
                            + "has shape \(parameter.value.shape)")
                }
                list.append(tensor)
            }
            result[state] = list
        }
        let unexpected = tensors.keys.filter { !expectedKeys.contains($0) }.sorted()
        guard unexpected.isEmpty else {
            throw NeuralNetError.invalidInput(
                layer: operation,
                reason: "unexpected state tensors: \(unexpected.joined(separator: ", "))")
        }
        return result
    }

    /// `"<state>.<name>"` keys for per-parameter tensors of each state.
    func stateTensors(_ states: [(name: String, tensors: [Tensor])]) -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (state, tensors) in states where !tensors.isEmpty {
            for (index, tensor) in tensors.enumerated() {
                result["\(state).\(named[index].name)"] = tensor
            }
        }
        return result
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

