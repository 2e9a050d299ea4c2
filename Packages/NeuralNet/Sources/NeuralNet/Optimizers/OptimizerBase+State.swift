import TensorMath

/// Saving and strictly restoring the state: tensors named `"<state>.<parameter dotted name>"`
/// and the scalars of ``OptimizerScalarState``.
extension OptimizerBase {
    public func stateTensors() -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for state in states {
            for (index, tensor) in state.tensors.enumerated() {
                result["\(state.name).\(namedParameters[index].name)"] = tensor
            }
        }
        return result
    }

    public var scalarState: OptimizerScalarState {
        OptimizerScalarState(optimizer: name, stepCount: stepCount, learningRate: learningRate)
    }

    /// Restores a saved state strictly: `scalars` must be this optimizer's, and `tensors` must
    /// hold exactly one tensor of the parameter's shape per state and parameter after the first
    /// step, and nothing before it.
    public func loadState(tensors: [String: Tensor], scalars: OptimizerScalarState) throws {
        let operation = "\(name).loadState"
        guard scalars.optimizer == name else {
            throw NeuralNetError.invalidInput(
                layer: operation, reason: "the state belongs to \(scalars.optimizer), not \(name)")
        }
        guard scalars.stepCount >= 0, scalars.learningRate.isFinite, scalars.learningRate >= 0
        else {
            throw NeuralNetError.invalidInput(
                layer: operation,
                reason: "invalid step count \(scalars.stepCount) or learning rate "
                    + "\(scalars.learningRate)")
        }
        let expected = scalars.stepCount > 0 ? states : []
        var loaded: [[Tensor]] = []
        var expectedKeys = Set<String>()
        for state in expected {
            var list: [Tensor] = []
            for (parameterName, parameter) in namedParameters {
                let key = "\(state.name).\(parameterName)"
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
            loaded.append(list)
        }
        let unexpected = tensors.keys.filter { !expectedKeys.contains($0) }.sorted()
        guard unexpected.isEmpty else {
            throw NeuralNetError.invalidInput(
                layer: operation,
                reason: "unexpected state tensors: \(unexpected.joined(separator: ", "))")
        }
        for state in states { state.tensors = [] }
        for (state, list) in zip(expected, loaded) { state.tensors = list }
        stepCount = scalars.stepCount
        learningRate = scalars.learningRate
    }
}
