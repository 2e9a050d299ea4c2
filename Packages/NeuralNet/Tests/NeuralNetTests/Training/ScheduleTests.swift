import Foundation
import NeuralNet
import Testing

/// The schedules of the golden file, configured as the script configures PyTorch's.
let goldenSchedules: [String: LearningRateSchedule] = [
    "step": .step(initial: 0.1, stepSize: 3, gamma: 0.5),
    "multiStep": .multiStep(initial: 0.1, milestones: [2, 5, 7], gamma: 0.1),
    "exponential": .exponential(initial: 0.1, gamma: 0.9),
    "cosine": .cosine(initial: 0.1, minimum: 0.001, period: 10),
    "oneCycle": .oneCycle(maximum: 0.1, totalSteps: 20),
    "oneCycleCustom": .oneCycle(
        maximum: 0.5, totalSteps: 17, warmupFraction: 0.25, divFactor: 10, finalDivFactor: 100),
    "warmupCosine": .linearWarmup(
        steps: 4, startFactor: 0.1, then: .cosine(initial: 0.1, minimum: 0, period: 8)),
    "warmupStep": .linearWarmup(
        steps: 3, startFactor: 0.25, then: .step(initial: 0.2, stepSize: 2, gamma: 0.5)),
]

@Suite("Learning-rate schedules")
struct ScheduleTests {
    @Test(
        "rates match torch.optim.lr_scheduler (Tools/reference/optim_golden.py)",
        arguments: ScheduleGolden.rates.keys.sorted())
    func golden(name: String) throws {
        let schedule = try #require(goldenSchedules[name])
        try schedule.validate()
        let expected = try #require(ScheduleGolden.rates[name])
        let actual = schedule.learningRates(count: expected.count)
        for (step, (a, b)) in zip(actual, expected).enumerated() {
            #expect(abs(a - b) <= 1e-6 * max(abs(b), 1e-3), "\(name) step \(step): \(a) vs \(b)")
        }
    }

    @Test("constant, limits and hand-computed values")
    func handComputed() {
        #expect(LearningRateSchedule.constant(0.05).learningRates(count: 3) == [0.05, 0.05, 0.05])
        let cosine = LearningRateSchedule.cosine(initial: 1, minimum: 0, period: 4)
        #expect(cosine.learningRate(at: 2) == 0.5)
        #expect(cosine.learningRate(at: 4) == 0)
        #expect(cosine.learningRate(at: 100) == 0)
        let oneCycle = LearningRateSchedule.oneCycle(maximum: 1, totalSteps: 10)
        #expect(oneCycle.learningRate(at: 0) == 0.04)
        #expect(oneCycle.learningRate(at: 2) == 1)
        #expect(abs(oneCycle.learningRate(at: 9) - 4e-6) < 1e-12)
        #expect(oneCycle.learningRate(at: 50) == oneCycle.learningRate(at: 9))
        let warm = LearningRateSchedule.linearWarmup(steps: 4, startFactor: 0, then: .constant(2))
        #expect(warm.learningRates(count: 6) == [0, 0.5, 1, 1.5, 2, 2])
        #expect(warm.learningRate(at: -3) == 0)
    }

    @Test("schedules round-trip through JSON")
    func codable() throws {
        for schedule in goldenSchedules.values {
            let data = try JSONEncoder().encode(schedule)
            #expect(try JSONDecoder().decode(LearningRateSchedule.self, from: data) == schedule)
        }
    }

    @Test("invalid schedules are rejected by validate()")
    func validation() {
        let invalid: [LearningRateSchedule] = [
            .constant(-1), .step(initial: 0.1, stepSize: 0),
            .multiStep(initial: 0.1, milestones: [5, 2]),
            .cosine(initial: 0.1, period: 0), .oneCycle(maximum: 0.1, totalSteps: 0),
            .oneCycle(maximum: 0.1, totalSteps: 10, warmupFraction: 1),
            .linearWarmup(steps: 0, startFactor: 0.1, then: .constant(0.1)),
            .linearWarmup(steps: 3, startFactor: 0.1, then: .constant(.nan)),
        ]
        for schedule in invalid {
            #expect(throws: NeuralNetError.self, "\(schedule)") { try schedule.validate() }
        }
    }
}
