import Foundation
import NeuralNet
import Testing

/// PyTorch's epoch schedulers in closed form, as `torch.optim.lr_scheduler` documents them:
/// StepLR `lr·γ^⌊e/s⌋`, MultiStepLR `lr·γ^(milestones ≤ e)`, ExponentialLR `lr·γ^e`.
@Suite("Epoch schedules laid out in steps")
struct SteppedPerEpochTests {
    static let stepsPerEpoch = 7

    /// Every step of every epoch of `schedule` (stepped per epoch) against `pytorch(epoch)`.
    func check(_ schedule: LearningRateSchedule, epochs: Int, _ pytorch: (Int) -> Double)
        throws
    {
        let steps = try schedule.steppedPerEpoch(stepsPerEpoch: Self.stepsPerEpoch)
        try steps.validate()
        for epoch in 0..<epochs {
            for step in 0..<Self.stepsPerEpoch {
                let rate = steps.learningRate(at: epoch * Self.stepsPerEpoch + step)
                let expected = pytorch(epoch)
                #expect(
                    abs(Double(rate) - expected) <= 1e-6 * max(expected, 1e-3),
                    "epoch \(epoch) step \(step): \(rate) vs \(expected)")
            }
        }
    }

    @Test("StepLR(step_size=3, gamma=0.5)")
    func step() throws {
        try check(.step(initial: 0.1, stepSize: 3, gamma: 0.5), epochs: 10) {
            0.1 * pow(0.5, Double($0 / 3))
        }
    }

    @Test("MultiStepLR(milestones=[2, 5, 7], gamma=0.1)")
    func multiStep() throws {
        try check(.multiStep(initial: 0.1, milestones: [2, 5, 7], gamma: 0.1), epochs: 10) {
            epoch in 0.1 * pow(0.1, Double([2, 5, 7].filter { $0 <= epoch }.count))
        }
    }

    @Test("ExponentialLR(gamma=0.9)")
    func exponential() throws {
        try check(.exponential(initial: 0.1, gamma: 0.9), epochs: 10) {
            0.1 * pow(0.9, Double($0))
        }
    }

    @Test("a warm-up of epochs becomes steps; constant stays; cosine and one-cycle refuse")
    func warmupAndRefusals() throws {
        let warm = try LearningRateSchedule.linearWarmup(
            steps: 1, startFactor: 0.5, then: .step(initial: 1, stepSize: 1, gamma: 0.5)
        ).steppedPerEpoch(stepsPerEpoch: 2)
        #expect(warm.learningRates(count: 6) == [0.5, 0.75, 1, 1, 0.5, 0.5])
        #expect(
            try LearningRateSchedule.constant(0.3).steppedPerEpoch(stepsPerEpoch: 5)
                == .constant(0.3))
        #expect(throws: NeuralNetError.self) {
            try LearningRateSchedule.cosine(initial: 1, period: 3).steppedPerEpoch(
                stepsPerEpoch: 2)
        }
        #expect(throws: NeuralNetError.self) {
            try LearningRateSchedule.constant(1).steppedPerEpoch(stepsPerEpoch: 0)
        }
        #expect(throws: NeuralNetError.self) {
            try LearningRateSchedule.step(initial: 1, stepSize: Int.max / 2)
                .steppedPerEpoch(stepsPerEpoch: 4)
        }
    }
}
