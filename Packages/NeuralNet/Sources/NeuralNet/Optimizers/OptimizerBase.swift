import TensorMath

/// The shared part of every optimizer: the named parameters, the learning rate, the step count,
/// the per-parameter state buffers, and their validation, saving and strict restoring.
///
/// A subclass declares its hyper-parameters, the names of the states it keeps per parameter,
/// and its update rule, ``makeUpdate(step:)``; ``step()`` walks the parameters and hands each
/// one's value, gradient and state buffers to the rule:
/// ```swift
/// final class SignSGD: OptimizerBase {
///     init(_ model: Layer, learningRate: Float) throws {
///         try super.init(model.namedParameters, name: "SignSGD", learningRate: learningRate,
///                        stateNames: [])
///     }
///
///     override func makeUpdate(step: Int) -> (ParameterBuffers) -> Void {
///         let rate = learningRate
///         return { p in
///             for i in p.value.indices { p.value[i] -= p.gradient[i] > 0 ? rate : -rate }
///         }
///     }
/// }
/// ```
/// Each state is a tensor per parameter with the parameter's shape, created as zeros on the
/// first step and named `"<state>.<parameter dotted name>"` by ``stateTensors()``.
open class OptimizerBase: Optimizer {
    public let namedParameters: [(name: String, parameter: Parameter)]
    public var learningRate: Float
    public internal(set) var stepCount = 0
    /// The name stored in ``scalarState`` and checked on loading, also used in error messages
    /// (`"SGD"`, `"AdamW"`).
    public let name: String
    /// The states kept per parameter, in the order of ``ParameterBuffers/states``: for example
    /// `["exp_avg", "exp_avg_sq"]`; empty for plain SGD.
    public let stateNames: [String]
    /// One object per state, so that the step can write several states of a parameter at once.
    let states: [StateTensors]

    /// Creates the base of an optimizer over named parameters.
    ///
    /// Repeated `Parameter` objects (weight tying) are kept once, under their first name, as
    /// PyTorch does.
    /// - Parameters:
    ///   - parameters: Usually `model.namedParameters`.
    ///   - name: The optimizer's name, for ``scalarState`` and errors.
    ///   - learningRate: The initial learning rate (≥ 0).
    ///   - stateNames: The states kept per parameter, without repeats.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` for an invalid learning rate, two
    ///   different parameters under one name, or a repeated state name.
    public init(
        _ parameters: [(name: String, parameter: Parameter)], name: String, learningRate: Float,
        stateNames: [String]
    ) throws {
        try require(
            learningRate.isFinite && learningRate >= 0,
            "\(name): invalid learning rate \(learningRate)")
        try require(
            Set(stateNames).count == stateNames.count,
            "\(name): repeated state names in \(stateNames)")
        var seenObjects = Set<ObjectIdentifier>(), seenNames = Set<String>()
        var unique: [(name: String, parameter: Parameter)] = []
        for (parameterName, parameter) in parameters {
            guard seenObjects.insert(ObjectIdentifier(parameter)).inserted else { continue }
            try require(
                seenNames.insert(parameterName).inserted,
                "\(name): two different parameters are named \(parameterName)")
            unique.append((parameterName, parameter))
        }
        namedParameters = unique
        self.name = name
        self.learningRate = learningRate
        self.stateNames = stateNames
        states = stateNames.map { StateTensors(name: $0) }
    }

    /// The update rule of one step, called once per ``OptimizerBase/step()`` after validation:
    /// returns the function that updates one parameter in place from its gradient and state
    /// buffers (all zero on the first step). Parameters without scalars are skipped.
    ///
    /// Subclasses must override it; read the hyper-parameters and
    /// ``OptimizerBase/learningRate`` here, once per step.
    /// - Parameter step: The number of the step being taken, from 1
    ///   (``OptimizerBase/stepCount`` + 1).
    open func makeUpdate(step: Int) -> (ParameterBuffers) -> Void {
        fatalError("\(type(of: self)) does not override OptimizerBase.makeUpdate(step:)")
    }

    public final func step() throws {
        try validateStep()
        for state in states where state.tensors.isEmpty {
            state.tensors = namedParameters.map { Tensor.zeros(like: $0.parameter.value) }
        }
        let update = makeUpdate(step: stepCount + 1)
        for (index, (parameterName, parameter)) in namedParameters.enumerated()
        where parameter.value.count > 0 {
            let gradient = parameter.gradient
            gradient.withUnsafeBufferPointer { g in
                parameter.value.withUnsafeMutableBufferPointer { p in
                    withStateBuffers(of: index) { buffers in
                        update(
                            ParameterBuffers(
                                name: parameterName, value: p, gradient: g, stateNames: stateNames,
                                states: buffers))
                    }
                }
            }
        }
        stepCount += 1
    }

    /// Throws unless ``learningRate`` is finite and non-negative and every gradient has its
    /// parameter's shape.
    private func validateStep() throws {
        guard learningRate.isFinite, learningRate >= 0 else {
            throw NeuralNetError.invalidConfiguration(
                "\(name): learning rate must be finite and non-negative, got \(learningRate)")
        }
        for (parameterName, parameter) in namedParameters
        where parameter.gradient.shape != parameter.value.shape {
            throw NeuralNetError.shapeMismatch(
                operation: "\(name).step (gradient of \(parameterName))",
                expected: parameter.value.shape, actual: parameter.gradient.shape)
        }
    }

    /// Calls `body` with the buffers of every state of parameter `index`, in ``stateNames``
    /// order, each state being written through its own object.
    private func withStateBuffers(
        of index: Int, from state: Int = 0, _ collected: [UnsafeMutableBufferPointer<Float>] = [],
        _ body: ([UnsafeMutableBufferPointer<Float>]) -> Void
    ) {
        guard state < states.count else { return body(collected) }
        states[state].tensors[index].withUnsafeMutableBufferPointer { buffer in
            withStateBuffers(of: index, from: state + 1, collected + [buffer], body)
        }
    }
}

/// One state's tensors, one per parameter in order; empty before the first step.
final class StateTensors {
    let name: String
    var tensors: [Tensor] = []

    init(name: String) { self.name = name }
}
