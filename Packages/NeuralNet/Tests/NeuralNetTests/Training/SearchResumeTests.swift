import Foundation
import NeuralNet
import Testing

@Suite("Hyper-parameter search: resuming and stopping")
struct SearchResumeTests {
    let space: SearchSpace
    init() throws {
        space = try SearchSpace([
            ("learning_rate", .choices([0.1, 0.03])), ("batch_size", .choices([64, 128])),
        ])
    }

    @Test("finished trials read back from JSON are skipped; only the rest run")
    func completedTrialsAreSkipped() throws {
        let search = try HyperparameterSearch(space: space, strategy: .grid)
        var logged: [Trial] = []
        let first = try search.run(onTrial: { logged.append($0) }) { hyperparameters, _ in
            TrialOutcome(score: try hyperparameters.double("learning_rate"))
        }
        #expect(logged.map(\.index) == [0, 1, 2, 3])
        // Two trials logged as JSON (1.0-style numbers come back as integers), then resumed.
        let data = try JSONEncoder().encode(Array(logged.prefix(2)))
        let completed = try JSONDecoder().decode([Trial].self, from: data)
        var ran: [Int] = []
        var loggedAgain: [Int] = []
        let second = try search.run(completed: completed, onTrial: { loggedAgain.append($0.index) })
        {
            hyperparameters, context in
            ran.append(context.index)
            return TrialOutcome(score: try hyperparameters.double("learning_rate"))
        }
        #expect(ran == [2, 3] && loggedAgain == [2, 3])
        #expect(second.trials.map(\.index) == first.trials.map(\.index))
        #expect(second.best?.hyperparameters.description == first.best?.hyperparameters.description)
    }

    @Test("a completed trial of another configuration is not taken")
    func mismatchedTrialRunsAgain() throws {
        let search = try HyperparameterSearch(space: space, strategy: .grid)
        var stale = Trial(
            index: 0,
            hyperparameters: Hyperparameters([("learning_rate", 0.5), ("batch_size", 64)]))
        stale.score = 1
        var ran: [Int] = []
        _ = try search.run(completed: [stale]) { _, context in
            ran.append(context.index)
            return TrialOutcome(score: 0)
        }
        #expect(ran == [0, 1, 2, 3])
        #expect(
            Hyperparameters([("a", .double(2))]).hasSameValues(as: Hyperparameters([("a", 2)])))
        #expect(
            !Hyperparameters([("a", .double(2))]).hasSameValues(as: Hyperparameters([("b", 2)])))
    }

    @Test("Stop ends the search at once without recording the trial")
    func stopEndsTheSearch() throws {
        let search = try HyperparameterSearch(space: space, strategy: .grid)
        var logged: [Int] = []
        #expect(throws: HyperparameterSearch.Stop.self) {
            try search.run(onTrial: { logged.append($0.index) }) { _, context in
                if context.index == 1 { throw HyperparameterSearch.Stop() }
                return TrialOutcome(score: 0)
            }
        }
        #expect(logged == [0])
    }
}
