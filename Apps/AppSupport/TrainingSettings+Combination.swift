import ArgumentParser

extension TrainingSettings {
    /// Throws unless the settings go together: `--momentum` only with an optimizer that takes
    /// one (and above 0 for nesterov), `--beta1`/`--beta2` only with adam or adamw, each
    /// schedule's values only with it (and the required ones given), `--warmup` shorter than
    /// the run and not with onecycle, `--label-smoothing` only with cross-entropy.
    /// - Throws: `ValidationError` (a usage error) saying why.
    public func checkCombination() throws {
        func check(_ condition: Bool, _ message: String) throws {
            if !condition { throw ValidationError(message) }
        }
        let optimizerName = "--optimizer \(optimizer.rawValue)"
        try check(
            momentum == nil || optimizer.takesMomentum,
            "--momentum is for --optimizer momentum, nesterov or rmsprop; this run uses "
                + optimizerName)
        try check(
            optimizer != .nesterov || (momentum ?? 0.9) > 0,
            "--optimizer nesterov needs a momentum above 0 (--momentum)")
        try check(
            (beta1 == nil && beta2 == nil) || optimizer.takesBetas,
            "--beta1 and --beta2 are for --optimizer adam or adamw; this run uses "
                + optimizerName)
        let scheduleName = "--schedule \(schedule.rawValue)"
        try check(
            stepSize == nil || schedule == .step,
            "--step-size is for --schedule step; this run uses \(scheduleName)")
        try check(
            stepSize != nil || schedule != .step,
            "--schedule step needs --step-size EPOCHS (and optionally --gamma, default 0.1)")
        try check(
            milestones == nil || schedule == .multistep,
            "--milestones is for --schedule multistep; this run uses \(scheduleName)")
        try check(
            milestones != nil || schedule != .multistep,
            "--schedule multistep needs --milestones EPOCHS,EPOCHS (and optionally --gamma)")
        try check(
            gamma == nil || [.step, .multistep, .exponential].contains(schedule),
            "--gamma is for --schedule step, multistep or exponential; this run uses "
                + scheduleName)
        try check(
            gamma != nil || schedule != .exponential,
            "--schedule exponential needs --gamma G, the factor per epoch (0.9)")
        try check(
            warmup == nil || schedule != .onecycle,
            "--warmup does not go with --schedule onecycle, which warms up on its own")
        try check(
            (warmup ?? 0) < epochs,
            "--warmup \(warmup ?? 0) must be shorter than the run's \(epochs) epochs")
        try check(
            loss == .crossEntropy || labelSmoothing == 0,
            "--label-smoothing smooths the cross-entropy's targets; leave it out with "
                + "--loss \(loss.rawValue)")
    }
}
