import Foundation
import NeuralNet
import TensorMath
import Testing

@Suite("Early stopping")
struct EarlyStoppingTests {
    @Test("minimize: stops after `patience` epochs without an improvement beyond minDelta")
    func minimize() throws {
        var stopper = try EarlyStopping(patience: 2, minDelta: 0.1)
        #expect(stopper.update(1.0, epoch: 0) == .improved)
        #expect(stopper.update(0.95, epoch: 1) == .noImprovement)  // within minDelta
        #expect(stopper.update(0.85, epoch: 2) == .improved)
        #expect(stopper.update(0.80, epoch: 3) == .noImprovement)
        #expect(!stopper.shouldStop)
        #expect(stopper.update(.nan, epoch: 4) == .stop)
        #expect(stopper.shouldStop)
        #expect(
            stopper.state
                == EarlyStopping.State(
                    bestValue: 0.85, bestEpoch: 2, epochsWithoutImprovement: 2, stopped: true))
    }

    @Test("maximize, and patience 0 stops at the first non-improvement")
    func maximize() throws {
        var stopper = try EarlyStopping(patience: 0, mode: .maximize)
        #expect(stopper.update(0.5, epoch: 0) == .improved)
        #expect(stopper.update(0.6, epoch: 1) == .improved)
        #expect(stopper.update(0.6, epoch: 2) == .stop)
        #expect(stopper.state.bestValue == 0.6)
    }

    @Test("the best weights are kept, survive later updates, and restore into the model")
    func bestWeights() throws {
        let model = makeTestMLP(seed: 1)
        let dense = try #require(model.layers[0] as? TestDense)
        var stopper = try EarlyStopping(patience: 3)
        stopper.update(1.0, epoch: 0, model: model)
        let best = model.stateDictionary
        // Change the weights in place, as an optimizer does.
        let sgd = try SGD(model, learningRate: 1)
        try dense.weight.accumulateGradient(
            Tensor(
                repeating: 1, shape: dense.weight.value.shape))
        try sgd.step()
        #expect(model.stateDictionary != best)
        stopper.update(2.0, epoch: 1, model: model)
        #expect(stopper.bestWeights == best)
        try stopper.restoreBestWeights(into: model)
        #expect(model.stateDictionary == best)

        let noCopy = try EarlyStopping(restoreBest: false)
        #expect(throws: NeuralNetError.self) { try noCopy.restoreBestWeights(into: model) }
    }

    @Test("state round-trips through JSON and restores exactly")
    func stateRoundTrip() throws {
        var stopper = try EarlyStopping(patience: 4, mode: .maximize)
        stopper.update(0.7, epoch: 0)
        stopper.update(0.6, epoch: 1)
        let data = try JSONEncoder().encode(stopper.state)
        let state = try JSONDecoder().decode(EarlyStopping.State.self, from: data)
        var resumed = try EarlyStopping(patience: 4, mode: .maximize)
        try resumed.restore(state: state, bestWeights: nil)
        #expect(resumed.state == stopper.state)
        #expect(resumed.update(0.65, epoch: 2) == stopper.update(0.65, epoch: 2))
        #expect(throws: NeuralNetError.self) {
            try resumed.restore(
                state: .init(bestValue: nil, bestEpoch: 3, epochsWithoutImprovement: 0),
                bestWeights: nil)
        }
    }

    @Test("invalid configurations throw")
    func validation() {
        #expect(throws: NeuralNetError.self) { try EarlyStopping(patience: -1) }
        #expect(throws: NeuralNetError.self) { try EarlyStopping(minDelta: -0.1) }
        #expect(throws: NeuralNetError.self) { try EarlyStopping(minDelta: .infinity) }
    }
}
