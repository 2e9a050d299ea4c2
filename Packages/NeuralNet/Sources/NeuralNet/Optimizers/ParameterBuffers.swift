/// One parameter's storage during ``OptimizerBase/step()``, handed to the update rule: the
/// value to update in place, the gradient, and one buffer per optimizer state. Every buffer
/// has the value's count (at least 1) and the parameter's row-major layout; none of them may
/// be used after the update returns.
public struct ParameterBuffers {
    /// The parameter's dotted name (`"features.0.weight"`).
    public let name: String
    /// The parameter's scalars, updated in place.
    public let value: UnsafeMutableBufferPointer<Float>
    /// The gradient accumulated since the last `zeroGradients()`.
    public let gradient: UnsafeBufferPointer<Float>
    /// The state buffers, in the order of ``OptimizerBase/stateNames``.
    public let states: [UnsafeMutableBufferPointer<Float>]
    private let stateNames: [String]

    init(
        name: String, value: UnsafeMutableBufferPointer<Float>,
        gradient: UnsafeBufferPointer<Float>, stateNames: [String],
        states: [UnsafeMutableBufferPointer<Float>]
    ) {
        self.name = name
        self.value = value
        self.gradient = gradient
        self.stateNames = stateNames
        self.states = states
    }

    /// The buffer of the state named `state` (`"exp_avg"`), or nil if the optimizer does not
    /// keep it.
    public subscript(state: String) -> UnsafeMutableBufferPointer<Float>? {
        stateNames.firstIndex(of: state).map { states[$0] }
    }
}
