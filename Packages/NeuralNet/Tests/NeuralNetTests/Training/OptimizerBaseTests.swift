import NeuralNet
import TensorMath
import Testing

/// The example of OptimizerBase's documentation: sign descent, without state.
final class SignSGD: OptimizerBase {
    init(_ model: Layer, learningRate: Float) throws {
        try super.init(
            model.namedParameters, name: "SignSGD", learningRate: learningRate,
            stateNames: [])
    }

    override func makeUpdate(step: Int) -> (ParameterBuffers) -> Void {
        let rate = learningRate
        return { p in
            for i in p.value.indices { p.value[i] -= p.gradient[i] > 0 ? rate : -rate }
        }
    }
}

/// An optimizer written outside NeuralNet with two states: the sum of the gradients and the
/// number of the step that last saw each scalar's gradient change sign.
final class GradientSum: OptimizerBase {
    private(set) var steps: [Int] = []

    init(_ parameters: [(name: String, parameter: Parameter)], stateNames: [String]) throws {
        try super.init(parameters, name: "GradientSum", learningRate: 0.5, stateNames: stateNames)
    }

    override func makeUpdate(step: Int) -> (ParameterBuffers) -> Void {
        steps.append(step)
        let rate = learningRate
        return { p in
            let (sum, flips) = (p["sum"]!, p["flip"]!)
            #expect(p.states.count == 2 && p.states[0].baseAddress == sum.baseAddress)
            #expect(p["other"] == nil)
            for i in p.value.indices {
                if (sum[i] + p.gradient[i] > 0) != (sum[i] > 0) { flips[i] = Float(step) }
                sum[i] += p.gradient[i]
                p.value[i] -= rate * sum[i]
            }
        }
    }
}

@Suite("OptimizerBase")
struct OptimizerBaseTests {
    @Test("the documented subclass steps every parameter of a model")
    func documentedExample() throws {
        var generator = Xoshiro256(seed: 1)
        let model = try Linear(inputSize: 2, outputSize: 1, bias: false, generator: &generator)
        try model.weight.assign(Tensor(shape: [1, 2], scalars: [1, 1]))
        let optimizer = try SignSGD(model, learningRate: 0.25)
        try model.weight.accumulateGradient(Tensor(shape: [1, 2], scalars: [3, -2]))
        try optimizer.step()
        #expect(model.weight.value.scalars == [0.75, 1.25])
        #expect(optimizer.stepCount == 1 && optimizer.stateTensors().isEmpty)
        #expect(optimizer.scalarState.optimizer == "SignSGD")
    }

    @Test("a subclass gets zeroed state buffers, the step number and named state tensors")
    func stateBuffers() throws {
        let weight = Parameter(Tensor([1, 2])), empty = Parameter(Tensor([]))
        let named = [("w", weight), ("empty", empty)]
        let optimizer = try GradientSum(named, stateNames: ["sum", "flip"])
        #expect(optimizer.stateNames == ["sum", "flip"] && optimizer.name == "GradientSum")
        for gradient: [Float] in [[1, -1], [-2, -1]] {
            optimizer.zeroGradients()
            try weight.accumulateGradient(Tensor(gradient))
            try optimizer.step()
        }
        #expect(optimizer.steps == [1, 2])
        // sum: [1, -1], then [-1, -2]; w: [1, 2] − 0.5·[1, -1] − 0.5·[-1, -2] = [1, 3.5].
        #expect(weight.value.scalars == [1, 3.5])
        let state = optimizer.stateTensors()
        #expect(state["sum.w"]?.scalars == [-1, -2] && state["flip.w"]?.scalars == [2, 0])
        #expect(state["sum.empty"]?.shape == [0] && state.count == 4)

        let resumed = try GradientSum(named, stateNames: ["sum", "flip"])
        try resumed.loadState(tensors: state, scalars: optimizer.scalarState)
        #expect(resumed.stateTensors() == state && resumed.stepCount == 2)
        try resumed.step()
        #expect(resumed.steps == [3])
        let sgd = try SGD(named, learningRate: 0.1)
        #expect(
            message(try sgd.loadState(tensors: [:], scalars: optimizer.scalarState))
                .contains("belongs to GradientSum"))
    }

    @Test("repeated state names and invalid learning rates are refused")
    func validation() throws {
        let named = [("w", Parameter(Tensor([1])))]
        #expect {
            try GradientSum(named, stateNames: ["sum", "sum"])
        } throws: { error in
            "\(error)".contains("repeated state names")
        }
        #expect(throws: NeuralNetError.self) {
            try OptimizerBase(named, name: "X", learningRate: .infinity, stateNames: [])
        }
    }
}
