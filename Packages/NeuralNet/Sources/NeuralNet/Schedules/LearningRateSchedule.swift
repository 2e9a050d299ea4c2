import Foundation

/// A learning rate as a function of the step (or epoch) number, like PyTorch's
/// `torch.optim.lr_scheduler` classes in closed form.
///
/// A schedule is a plain Codable value: apps store it in configurations and checkpoints, and a
/// ``Trainer`` sets `optimizer.learningRate = schedule.learningRate(at: step)` before each step
/// (or epoch). Steps count from 0, the first step using `learningRate(at: 0)`.
///
/// ```swift
/// let schedule = LearningRateSchedule.linearWarmup(
///     steps: 500, startFactor: 0.01, then: .cosine(initial: 0.1, minimum: 0, period: 9_500))
/// optimizer.learningRate = schedule.learningRate(at: step)
/// ```
public indirect enum LearningRateSchedule: Codable, Hashable, Sendable {
    /// Always `value`.
    case constant(Float)
    /// `initial · gamma^⌊t / stepSize⌋` (PyTorch's `StepLR`).
    case step(initial: Float, stepSize: Int, gamma: Float = 0.1)
    /// `initial · gamma^(number of milestones ≤ t)` (PyTorch's `MultiStepLR`).
    case multiStep(initial: Float, milestones: [Int], gamma: Float = 0.1)
    /// `initial · gamma^t` (PyTorch's `ExponentialLR`).
    case exponential(initial: Float, gamma: Float)
    /// Cosine annealing from `initial` to `minimum` over `period` steps:
    /// `minimum + (initial − minimum)(1 + cos(π t / period)) / 2` (PyTorch's
    /// `CosineAnnealingLR` with `T_max = period`, `eta_min = minimum`). After `period` the rate
    /// stays at `minimum` (PyTorch's would rise again).
    case cosine(initial: Float, minimum: Float = 0, period: Int)
    /// The one-cycle policy (Smith & Topin, 2017) as PyTorch's `OneCycleLR` with cosine
    /// annealing and two phases: from `maximum / divFactor` up to `maximum` over the first
    /// `warmupFraction` of `totalSteps`, then down to `maximum / (divFactor · finalDivFactor)`
    /// at step `totalSteps − 1`, where it stays. Momentum is not cycled.
    case oneCycle(
        maximum: Float, totalSteps: Int, warmupFraction: Float = 0.3, divFactor: Float = 25,
        finalDivFactor: Float = 1e4)
    /// Linear warm-up composed with another schedule: for `t < steps` the rate is
    /// `then(0) · (startFactor + (1 − startFactor) · t / steps)`, afterwards `then(t − steps)`
    /// (PyTorch's `SequentialLR` of `LinearLR(start_factor, total_iters: steps)` and the other
    /// schedule, with milestone `steps`). `startFactor` is in `[0, 1]` (PyTorch's default is
    /// 1/3; 0 is allowed here, making the first step's rate 0).
    case linearWarmup(steps: Int, startFactor: Float, then: LearningRateSchedule)

    /// The learning rate for step (or epoch) `t`, counted from 0; negative `t` counts as 0.
    public func learningRate(at t: Int) -> Float {
        let t = Swift.max(t, 0)
        switch self {
        case let .constant(value):
            return value
        case let .step(initial, stepSize, gamma):
            return Float(decimalDouble(initial) * power(gamma, t / Swift.max(stepSize, 1)))
        case let .multiStep(initial, milestones, gamma):
            let passed = milestones.filter { $0 <= t }.count
            return Float(decimalDouble(initial) * power(gamma, passed))
        case let .exponential(initial, gamma):
            return Float(decimalDouble(initial) * power(gamma, t))
        case let .cosine(initial, minimum, period):
            guard period > 0, t < period else { return period > 0 ? minimum : initial }
            let (high, low) = (decimalDouble(initial), decimalDouble(minimum))
            return Float(low + (high - low) * (1 + cos(Double.pi * Double(t) / Double(period))) / 2)
        case let .oneCycle(maximum, totalSteps, warmupFraction, divFactor, finalDivFactor):
            return Float(
                Self.oneCycle(
                    t, maximum: decimalDouble(maximum), totalSteps: totalSteps,
                    warmupFraction: decimalDouble(warmupFraction),
                    divFactor: decimalDouble(divFactor),
                    finalDivFactor: decimalDouble(finalDivFactor)))
        case let .linearWarmup(steps, startFactor, then):
            guard t < steps else { return then.learningRate(at: t - steps) }
            let start = decimalDouble(startFactor)
            let factor = start + (1 - start) * Double(t) / Double(steps)
            return Float(decimalDouble(then.learningRate(at: 0)) * factor)
        }
    }

    /// The learning rates for steps `0..<count`.
    public func learningRates(count: Int) -> [Float] {
        (0..<Swift.max(count, 0)).map(learningRate(at:))
    }

    /// Throws unless every value is usable: finite non-negative rates, positive step sizes,
    /// periods and step counts, a warm-up fraction in `(0, 1)`, positive div factors.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` naming the schedule and value.
    public func validate() throws {
        func rate(_ value: Float, _ name: String) throws {
            try require(value.isFinite && value >= 0, "\(self): \(name) must be finite, ≥ 0")
        }
        switch self {
        case let .constant(value):
            try rate(value, "the learning rate")
        case let .step(initial, stepSize, gamma):
            try rate(initial, "initial")
            try require(stepSize > 0, "\(self): step size must be positive")
            try rate(gamma, "gamma")
        case let .multiStep(initial, milestones, gamma):
            try rate(initial, "initial")
            try require(
                milestones == milestones.sorted() && milestones.allSatisfy { $0 >= 0 },
                "\(self): milestones must be non-negative and increasing")
            try rate(gamma, "gamma")
        case let .exponential(initial, gamma):
            try rate(initial, "initial")
            try rate(gamma, "gamma")
        case let .cosine(initial, minimum, period):
            try rate(initial, "initial")
            try rate(minimum, "minimum")
            try require(period > 0, "\(self): period must be positive")
        case let .oneCycle(maximum, totalSteps, warmupFraction, divFactor, finalDivFactor):
            try rate(maximum, "maximum")
            try require(totalSteps > 0, "\(self): total steps must be positive")
            try require(
                warmupFraction > 0 && warmupFraction < 1,
                "\(self): warm-up fraction must be in (0, 1)")
            try require(
                divFactor > 0 && finalDivFactor > 0 && divFactor.isFinite
                    && finalDivFactor.isFinite, "\(self): div factors must be positive")
        case let .linearWarmup(steps, startFactor, then):
            try require(steps > 0, "\(self): warm-up steps must be positive")
            try require(
                startFactor >= 0 && startFactor <= 1,
                "\(self): start factor must be in [0, 1]")
            try then.validate()
        }
    }

    /// `gamma^exponent` in `Double`.
    private func power(_ gamma: Float, _ exponent: Int) -> Double {
        Foundation.pow(decimalDouble(gamma), Double(exponent))
    }

    /// PyTorch's `OneCycleLR.get_lr` (two phases, cosine annealing) in closed form.
    static func oneCycle(
        _ t: Int, maximum: Double, totalSteps: Int, warmupFraction: Double, divFactor: Double,
        finalDivFactor: Double
    ) -> Double {
        let initial = maximum / divFactor
        let minimum = initial / finalDivFactor
        let step = Double(Swift.min(t, totalSteps - 1))
        let warmupEnd = warmupFraction * Double(totalSteps) - 1
        let phases: [(end: Double, start: Double, stop: Double)] = [
            (warmupEnd, initial, maximum), (Double(totalSteps - 1), maximum, minimum),
        ]
        var phaseStart = 0.0
        for (index, phase) in phases.enumerated() {
            if step <= phase.end || index == phases.count - 1 {
                let length = phase.end - phaseStart
                let fraction =
                    length > 0
                    ? Swift.min(Swift.max((step - phaseStart) / length, 0), 1) : 1
                return phase.stop + (phase.start - phase.stop) / 2 * (cos(Double.pi * fraction) + 1)
            }
            phaseStart = phase.end
        }
        return minimum
    }
}
