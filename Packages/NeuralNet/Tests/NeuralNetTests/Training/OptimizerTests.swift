import Foundation
import NeuralNet
import TensorMath
import TensorMathTesting
import Testing

/// The quadratic problem of Tools/reference/optim_golden.py: parameters `layer.weight` [3, 4]
/// and `layer.bias` [3] with gradient `a ⊙ (p − c)`, set explicitly before each step.
struct QuadraticProblem {
    let weight: Parameter
    let bias: Parameter
    let curvatures: [Tensor]
    let centres: [Tensor]

    init() throws {
        weight = Parameter(try Tensor(shape: [3, 4], scalars: OptimizerGolden.weight))
        bias = Parameter(Tensor(OptimizerGolden.bias))
        curvatures = [
            try Tensor(shape: [3, 4], scalars: OptimizerGolden.weightCurvature),
            Tensor(OptimizerGolden.biasCurvature),
        ]
        centres = [
            try Tensor(shape: [3, 4], scalars: OptimizerGolden.weightCentre),
            Tensor(OptimizerGolden.biasCentre),
        ]
    }

    var named: [(name: String, parameter: Parameter)] {
        [("layer.weight", weight), ("layer.bias", bias)]
    }

    /// Sets each gradient to `a ⊙ (p − c)` in Float32, in PyTorch's operation order.
    func setGradients() {
        for (index, parameter) in [weight, bias].enumerated() {
            let a = curvatures[index].scalars, c = centres[index].scalars
            let p = parameter.value.scalars
            parameter.zeroGradient()
            try! parameter.accumulateGradient(
                Tensor(
                    shape: parameter.value.shape,
                    scalars: (0..<p.count).map { a[$0] * (p[$0] - c[$0]) }))
        }
    }

    /// Both parameters' values, weight then bias, flattened.
    var flattened: [Float] { weight.value.scalars + bias.value.scalars }
}

/// The optimizers of the golden file, configured as the script configures PyTorch's.
func makeGoldenOptimizer(
    _ name: String, _ parameters: [(name: String, parameter: Parameter)]
) throws -> Optimizer {
    switch name {
    case "sgd": return try SGD(parameters, learningRate: 0.1)
    case "sgdMomentum": return try SGD(parameters, learningRate: 0.1, momentum: 0.9)
    case "sgdDampening":
        return try SGD(parameters, learningRate: 0.1, momentum: 0.9, dampening: 0.1)
    case "sgdNesterov":
        return try SGD(parameters, learningRate: 0.1, momentum: 0.9, nesterov: true)
    case "sgdWeightDecay":
        return try SGD(parameters, learningRate: 0.1, momentum: 0.8, weightDecay: 0.05)
    case "sgdVaryingRate": return try SGD(parameters, learningRate: 0.3, momentum: 0.5)
    case "adam": return try Adam(parameters, learningRate: 0.05)
    case "adamWeightDecay":
        return try Adam(
            parameters, learningRate: 0.05, beta1: 0.8, beta2: 0.99, epsilon: 1e-6,
            weightDecay: 0.1)
    case "adamAmsgrad": return try Adam(parameters, learningRate: 0.05, amsgrad: true)
    case "adamW": return try AdamW(parameters, learningRate: 0.05, weightDecay: 0.1)
    case "rmsprop": return try RMSprop(parameters, learningRate: 0.01)
    case "rmspropMomentumCentered":
        return try RMSprop(
            parameters, learningRate: 0.01, alpha: 0.9, epsilon: 1e-6, weightDecay: 0.1,
            momentum: 0.9, centered: true)
    case "rmspropCentered": return try RMSprop(parameters, learningRate: 0.02, centered: true)
    default: throw NeuralNetError.invalidConfiguration("unknown golden optimizer \(name)")
    }
}

let varyingRates: [Float] = [0.3, 0.2, 0.1, 0.05, 0.01]

@Suite("Optimizers")
struct OptimizerTests {
    @Test(
        "5-step trajectories match torch.optim (Tools/reference/optim_golden.py)",
        arguments: OptimizerGolden.trajectories.keys.sorted())
    func goldenTrajectory(name: String) throws {
        let problem = try QuadraticProblem()
        let optimizer = try makeGoldenOptimizer(name, problem.named)
        let expected = try #require(OptimizerGolden.trajectories[name])
        #expect(expected.count == OptimizerGolden.steps)
        for (step, row) in expected.enumerated() {
            if name == "sgdVaryingRate" { optimizer.learningRate = varyingRates[step] }
            problem.setGradients()
            try optimizer.step()
            let worst = zip(problem.flattened, row).map { abs($0 - $1) / max(1, abs($1)) }.max()!
            #expect(worst < 1e-6, "step \(step + 1): relative error \(worst)")
        }
        #expect(optimizer.stepCount == OptimizerGolden.steps)
    }

    @Test(
        "state save → restore → continue is bit-identical to an uninterrupted run",
        arguments: OptimizerGolden.trajectories.keys.sorted())
    func stateRoundTrip(name: String) throws {
        let uninterrupted = try QuadraticProblem()
        let reference = try makeGoldenOptimizer(name, uninterrupted.named)
        for _ in 0..<5 {
            uninterrupted.setGradients()
            try reference.step()
        }

        let first = try QuadraticProblem()
        let before = try makeGoldenOptimizer(name, first.named)
        for _ in 0..<2 {
            first.setGradients()
            try before.step()
        }
        // Encode the scalar state through JSON, as a checkpoint would.
        let json = try JSONEncoder().encode(before.scalarState)
        let scalars = try JSONDecoder().decode(OptimizerScalarState.self, from: json)
        let tensors = before.stateTensors()

        let resumed = try QuadraticProblem()
        try resumed.weight.assign(first.weight.value)
        try resumed.bias.assign(first.bias.value)
        let after = try makeGoldenOptimizer(name, resumed.named)
        try after.loadState(tensors: tensors, scalars: scalars)
        #expect(after.stepCount == 2)
        for _ in 0..<3 {
            resumed.setGradients()
            try after.step()
        }
        #expect(resumed.flattened == uninterrupted.flattened)
        #expect(after.stateTensors() == reference.stateTensors())
    }

    @Test("state tensors are named <state>.<parameter dotted name>")
    func stateNames() throws {
        let expectations: [(String, [String])] = [
            ("sgd", []),
            ("sgdMomentum", ["momentum_buffer"]),
            ("adam", ["exp_avg", "exp_avg_sq"]),
            ("adamAmsgrad", ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"]),
            ("adamW", ["exp_avg", "exp_avg_sq"]),
            ("rmsprop", ["square_avg"]),
            ("rmspropMomentumCentered", ["square_avg", "momentum_buffer", "grad_avg"]),
        ]
        for (name, states) in expectations {
            let problem = try QuadraticProblem()
            let optimizer = try makeGoldenOptimizer(name, problem.named)
            #expect(optimizer.stateTensors().isEmpty)
            problem.setGradients()
            try optimizer.step()
            let expected = Set(states.flatMap { ["\($0).layer.weight", "\($0).layer.bias"] })
            #expect(Set(optimizer.stateTensors().keys) == expected, "\(name)")
            #expect(
                optimizer.stateTensors()["\(states.first ?? "").layer.weight"]?.shape
                    == (states.isEmpty ? nil : [3, 4]))
        }
        let problem = try QuadraticProblem()
        #expect(try makeGoldenOptimizer("adamW", problem.named).scalarState.optimizer == "AdamW")
    }

    @Test("loading a state is strict and names the offending tensor")
    func strictLoading() throws {
        let problem = try QuadraticProblem()
        let optimizer = try Adam(problem.named, learningRate: 0.1)
        problem.setGradients()
        try optimizer.step()
        let tensors = optimizer.stateTensors()
        let scalars = optimizer.scalarState
        let fresh = try Adam(problem.named, learningRate: 0.1)

        var missing = tensors
        missing["exp_avg_sq.layer.bias"] = nil
        #expect(
            message(try fresh.loadState(tensors: missing, scalars: scalars))
                .contains("missing state tensor exp_avg_sq.layer.bias"))

        var extra = tensors
        extra["exp_avg.layer.other"] = Tensor([1])
        #expect(
            message(try fresh.loadState(tensors: extra, scalars: scalars))
                .contains("unexpected state tensors: exp_avg.layer.other"))

        var misshaped = tensors
        misshaped["exp_avg.layer.weight"] = Tensor([1, 2])
        let shapeMessage = message(try fresh.loadState(tensors: misshaped, scalars: scalars))
        #expect(shapeMessage.contains("exp_avg.layer.weight") && shapeMessage.contains("[3, 4]"))

        let sgd = try SGD(problem.named, learningRate: 0.1, momentum: 0.9)
        #expect(
            message(try sgd.loadState(tensors: tensors, scalars: scalars))
                .contains("belongs to Adam"))
        // A fresh state (no step yet) has no tensors, so tensors with it are unexpected.
        let zero = OptimizerScalarState(optimizer: "Adam", stepCount: 0, learningRate: 0.1)
        #expect(throws: NeuralNetError.self) {
            try fresh.loadState(tensors: tensors, scalars: zero)
        }
        try fresh.loadState(tensors: tensors, scalars: scalars)
        #expect(fresh.stateTensors() == tensors)
    }

    @Test("invalid hyper-parameters, learning rates and gradient shapes throw")
    func validation() throws {
        let problem = try QuadraticProblem()
        let named = problem.named
        #expect(throws: NeuralNetError.self) { try SGD(named, learningRate: -1) }
        #expect(throws: NeuralNetError.self) {
            try SGD(named, learningRate: 0.1, nesterov: true)
        }
        #expect(throws: NeuralNetError.self) {
            try SGD(named, learningRate: 0.1, momentum: 0.9, dampening: 0.5, nesterov: true)
        }
        #expect(throws: NeuralNetError.self) { try Adam(named, beta1: 1) }
        #expect(throws: NeuralNetError.self) { try AdamW(named, beta2: -0.1) }
        #expect(throws: NeuralNetError.self) { try RMSprop(named, alpha: 1.5) }
        #expect(throws: NeuralNetError.self) { try RMSprop(named, momentum: -1) }
        // Two different parameters under one name.
        #expect(throws: NeuralNetError.self) {
            try SGD(
                [("w", Parameter(Tensor([1]))), ("w", Parameter(Tensor([2])))],
                learningRate: 0.1)
        }
        let sgd = try SGD(named, learningRate: 0.1)
        sgd.learningRate = .nan
        #expect(throws: NeuralNetError.self) { try sgd.step() }
        sgd.learningRate = 0.1
        problem.weight.gradient = Tensor([1, 2])
        #expect(message(try sgd.step()).contains("layer.weight"))
    }

    @Test(
        "a parameter spanning several parallel chunks updates exactly like small ones",
        arguments: OptimizerGolden.trajectories.keys.sorted())
    func chunking(name: String) throws {
        // 40,000 scalars span three 16,384-scalar chunks; the same scalars in 40 parameters of
        // 1,000 each are updated on one thread, chunk by chunk.
        var generator = Xoshiro256(seed: 21)
        let values = try Tensor.normal([40_000], using: &generator)
        let gradients = try (0..<3).map { _ in try Tensor.normal([40_000], using: &generator) }
        let big = Parameter(values)
        let small = try (0..<40).map {
            Parameter(try values.slice(batch: $0 * 1_000..<($0 + 1) * 1_000))
        }
        let bigOptimizer = try makeGoldenOptimizer(name, [("big", big)])
        let smallOptimizer = try makeGoldenOptimizer(
            name, small.enumerated().map { ("p\($0.offset)", $0.element) })
        for step in 0..<3 {
            if name == "sgdVaryingRate" {
                bigOptimizer.learningRate = varyingRates[step]
                smallOptimizer.learningRate = varyingRates[step]
            }
            big.zeroGradient()
            try big.accumulateGradient(gradients[step])
            for (index, parameter) in small.enumerated() {
                parameter.zeroGradient()
                try parameter.accumulateGradient(
                    gradients[step].slice(batch: index * 1_000..<(index + 1) * 1_000))
            }
            try bigOptimizer.step()
            try smallOptimizer.step()
        }
        #expect(big.value.scalars == small.flatMap(\.value.scalars))
    }

    @Test("a parameter shared under two names is updated once, as PyTorch dedups it")
    func sharedParameters() throws {
        let shared = Parameter(Tensor([1, 2]))
        let sgd = try SGD([("a", shared), ("b", shared)], learningRate: 0.5)
        #expect(sgd.namedParameters.count == 1)
        try shared.accumulateGradient(Tensor([1, 1]))
        try sgd.step()
        #expect(shared.value.scalars == [0.5, 1.5])
        sgd.zeroGradients()
        #expect(shared.gradient.scalars == [0, 0])
    }
}

/// The description of the error `body` throws, or "" if it does not throw.
func message(_ body: @autoclosure () throws -> Void) -> String {
    do {
        try body()
        return ""
    } catch {
        return String(describing: error)
    }
}
