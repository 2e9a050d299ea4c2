extension LearningRateSchedule {
    /// This schedule read in epochs (PyTorch's `StepLR`, `MultiStepLR` and `ExponentialLR`
    /// stepped once per epoch, as PyTorch's examples do) turned into the equivalent schedule of
    /// optimizer steps, for a ``Trainer`` that sets the rate before every step: every step of
    /// epoch `e` gets the rate of epoch `e`.
    ///
    /// - ``step(initial:stepSize:gamma:)``: the step size times `stepsPerEpoch`;
    /// - ``multiStep(initial:milestones:gamma:)``: each milestone times `stepsPerEpoch`;
    /// - ``exponential(initial:gamma:)``: a ``step(initial:stepSize:gamma:)`` of one epoch;
    /// - ``constant(_:)``: unchanged;
    /// - ``linearWarmup(steps:startFactor:then:)``: its epochs of warm-up become steps (the
    ///   rate rises every step) and the schedule after it is converted too.
    ///
    /// ```swift
    /// // 0.1 for epochs 0–1, 0.01 for epochs 2–3, … with 50 steps per epoch.
    /// let perStep = try LearningRateSchedule.step(initial: 0.1, stepSize: 2, gamma: 0.1)
    ///     .steppedPerEpoch(stepsPerEpoch: 50)
    /// ```
    /// - Parameter stepsPerEpoch: The optimizer steps of an epoch, at least 1.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` for `stepsPerEpoch < 1`, a
    ///   product that overflows, or a cosine or one-cycle schedule (they change every step:
    ///   give their period in steps).
    public func steppedPerEpoch(stepsPerEpoch: Int) throws -> LearningRateSchedule {
        try require(stepsPerEpoch >= 1, "steppedPerEpoch: stepsPerEpoch must be at least 1")
        func steps(_ epochs: Int) throws -> Int {
            let (product, overflow) = epochs.multipliedReportingOverflow(by: stepsPerEpoch)
            try require(!overflow, "steppedPerEpoch: \(epochs) epochs overflow in steps")
            return product
        }
        switch self {
        case .constant:
            return self
        case let .step(initial, stepSize, gamma):
            return .step(initial: initial, stepSize: try steps(stepSize), gamma: gamma)
        case let .multiStep(initial, milestones, gamma):
            return .multiStep(
                initial: initial, milestones: try milestones.map(steps), gamma: gamma)
        case let .exponential(initial, gamma):
            return .step(initial: initial, stepSize: stepsPerEpoch, gamma: gamma)
        case let .linearWarmup(warmup, startFactor, then):
            return .linearWarmup(
                steps: try steps(warmup), startFactor: startFactor,
                then: try then.steppedPerEpoch(stepsPerEpoch: stepsPerEpoch))
        case .cosine, .oneCycle:
            throw NeuralNetError.invalidConfiguration(
                "steppedPerEpoch: \(self) changes every step; give its period in steps")
        }
    }
}
