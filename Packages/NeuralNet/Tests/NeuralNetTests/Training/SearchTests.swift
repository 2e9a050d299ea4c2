import Foundation
import NeuralNet
import TensorMath
import Testing

@Suite("Hyper-parameter search")
struct SearchTests {
    @Test("grid search enumerates every combination, the last dimension fastest")
    func grid() throws {
        let space = try SearchSpace([
            ("optimizer", .choices(["sgd", "adam"])), ("width", .integers(1...3)),
        ])
        let configurations = try space.grid()
        #expect(configurations.count == 6)
        #expect(
            configurations.map(\.description) == [
                "optimizer=sgd, width=1", "optimizer=sgd, width=2", "optimizer=sgd, width=3",
                "optimizer=adam, width=1", "optimizer=adam, width=2", "optimizer=adam, width=3",
            ])
        #expect(try configurations[4].int("width") == 2)
        #expect(try configurations[4].string("optimizer") == "adam")
        #expect(throws: NeuralNetError.self) { try configurations[0].double("optimizer") }
        #expect(throws: NeuralNetError.self) { try configurations[0].int("depth") }
        let continuous = try SearchSpace([("rate", .uniform(0...1))])
        #expect(throws: NeuralNetError.self) { try continuous.grid() }
    }

    @Test("random search is seeded: same seed, same trials; another seed, others")
    func seededRandom() throws {
        let space = try SearchSpace([
            ("learning_rate", .logUniform(1e-4...1e-1)), ("dropout", .uniform(0...0.5)),
            ("batch_size", .choices([32, 64, 128])), ("depth", .integers(2...5)),
        ])
        func search(_ seed: UInt64) throws -> HyperparameterSearch {
            try HyperparameterSearch(space: space, strategy: .random(trials: 20), seed: seed)
        }
        let first = try search(42).configurations()
        #expect(first == (try search(42).configurations()))
        #expect(first != (try search(43).configurations()))
        for configuration in first {
            let rate = try configuration.double("learning_rate")
            #expect(rate >= 1e-4 && rate <= 1e-1)
            #expect((0...0.5).contains(try configuration.double("dropout")))
            #expect([32, 64, 128].contains(try configuration.int("batch_size")))
            #expect((2...5).contains(try configuration.int("depth")))
        }
        // Log-uniform: about as many rates below 1e-2.5 as above.
        var generator = Xoshiro256(seed: 1)
        let domain = SearchSpace.Domain.logUniform(1e-4...1e-1)
        let below = (0..<2_000).filter { _ in
            domain.sample(using: &generator).doubleValue! < pow(10, -2.5)
        }.count
        #expect(abs(below - 1_000) < 120)
        // The trials get the same per-trial seeds for the same search seed.
        var seeds: [[UInt64]] = []
        for _ in 0..<2 {
            var run: [UInt64] = []
            _ = try search(42).run { _, context in
                run.append(context.seed)
                return TrialOutcome(score: 0)
            }
            seeds.append(run)
        }
        #expect(seeds[0] == seeds[1] && Set(seeds[0]).count == 20)
    }

    @Test("trials are ranked best first; failures are recorded and ranked last")
    func ranking() throws {
        let space = try SearchSpace([("x", .choices([1, 2, 3, 4]))])
        let search = try HyperparameterSearch(
            space: space, strategy: .grid, objective: .validationLoss)
        let result = try search.run { hyperparameters, _ in
            let x = try hyperparameters.double("x")
            if x == 3 { throw NeuralNetError.invalidConfiguration("x = 3 diverges") }
            return TrialOutcome(score: (x - 2) * (x - 2), epochs: 1)
        }
        #expect(result.trials.map(\.index) == [1, 0, 3, 2])
        #expect(try result.bestHyperparameters?.int("x") == 2)
        #expect(result.trials.last?.failure?.contains("diverges") == true)
        #expect(result.trials.last?.score == nil)
        let table = result.description
        #expect(table.contains("validation_loss") && table.contains("failed"))
        let data = try JSONEncoder().encode(result)
        #expect(
            try JSONDecoder().decode(SearchResult.self, from: data).trials.map(\.index)
                == [1, 0, 3, 2])
    }

    @Test("a real search on blobs: trials trained by Trainer, early stopping, best rate wins")
    func trainingSearch() throws {
        let training = blobBatches(seed: 11)
        let validation = blobBatches(perClass: 20, batchSize: 30, seed: 12)
        let search = try HyperparameterSearch(
            space: SearchSpace([("learning_rate", .choices([0.0, 0.1]))]),
            strategy: .grid, objective: .validationAccuracy, seed: 5,
            earlyStopping: EarlyStopping(patience: 1, mode: .maximize))
        let result = try search.run { hyperparameters, context in
            let model = makeTestMLP(seed: context.seed)
            let trainer = Trainer(
                model: model,
                optimizer: try SGD(
                    model, learningRate: try hyperparameters.float("learning_rate"),
                    momentum: 0.9))
            return try context.fit(
                trainer, epochs: 6, training: { _ in training }, validation: { validation })
        }
        let best = try #require(result.best)
        #expect(try best.hyperparameters.double("learning_rate") == 0.1)
        #expect(try #require(best.score) > 0.95)
        // The frozen model never improves, so early stopping ends it after 2 epochs.
        let frozen = try #require(result.trials.last)
        #expect(frozen.stoppedEarly && frozen.epochs == 2)
    }

    @Test("invalid searches and spaces throw")
    func validation() throws {
        #expect(throws: NeuralNetError.self) { try SearchSpace([("a", .choices([]))]) }
        #expect(throws: NeuralNetError.self) {
            try SearchSpace([("a", .choices([1])), ("a", .choices([2]))])
        }
        #expect(throws: NeuralNetError.self) { try SearchSpace([("a", .logUniform(0...1))]) }
        #expect(throws: NeuralNetError.self) {
            try SearchSpace([("a", .integers(Int.min...Int.max))])
        }
        let space = try SearchSpace([("a", .uniform(0...1))])
        #expect(throws: NeuralNetError.self) {
            try HyperparameterSearch(space: space, strategy: .random(trials: 0))
        }
        #expect(throws: NeuralNetError.self) {
            try HyperparameterSearch(space: space, strategy: .grid)
        }
        #expect(throws: NeuralNetError.self) {
            try HyperparameterSearch(
                space: space, strategy: .random(trials: 2), objective: .validationAccuracy,
                earlyStopping: EarlyStopping(mode: .minimize))
        }
        let bad = Data(#"{"dimensions": [{"name": "a", "domain": {"choices": {"_0": []}}}]}"#.utf8)
        #expect(throws: (any Error).self) { try JSONDecoder().decode(SearchSpace.self, from: bad) }
        let data = try JSONEncoder().encode(space)
        #expect(try JSONDecoder().decode(SearchSpace.self, from: data) == space)
    }
}
