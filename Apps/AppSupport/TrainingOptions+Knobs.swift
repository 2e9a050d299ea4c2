import ArgumentParser

/// The ranges of the optimizer, loss and schedule flags, checked when the flags are parsed
/// (each flag on its own; ``TrainingSettings/checkCombination()`` checks how they go together).
extension TrainingOptions {
    /// `5,8` → `[5, 8]`: positive, strictly increasing epoch numbers (`--milestones`).
    /// - Throws: `ValidationError` naming the text.
    static func epochList(_ text: String) throws -> [Int] {
        let values = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.count <= 1000, values.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ValidationError(
                "--milestones \(text): give positive epoch numbers separated by commas, 5,8")
        }
        let epochs = values.map { $0! }
        guard zip(epochs, epochs.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw ValidationError("--milestones \(text): the epochs must increase")
        }
        return epochs
    }

    /// Checks the ranges of `--momentum`, `--beta1`, `--beta2`, `--step-size`, `--gamma` and
    /// `--warmup`.
    func validateKnobs() throws {
        func check(_ condition: Bool, _ message: String) throws {
            if !condition { throw ValidationError(message) }
        }
        let unit = { (value: Float?) in value.map { $0 >= 0 && $0 < 1 } ?? true }
        try check(unit(momentum), "--momentum must be in [0, 1)")
        try check(unit(beta1), "--beta1 must be in [0, 1)")
        try check(unit(beta2), "--beta2 must be in [0, 1)")
        try check(
            (1...Self.limits.epochs).contains(stepSize ?? 1),
            "--step-size must be in 1...\(Self.limits.epochs) epochs")
        try check(
            gamma.map { $0 > 0 && $0.isFinite } ?? true, "--gamma must be a positive number")
        try check(
            (0...Self.limits.epochs).contains(warmup ?? 0),
            "--warmup must be in 0...\(Self.limits.epochs) epochs")
        try check(
            (milestones?.last ?? 0) <= Self.limits.epochs,
            "--milestones must be at most \(Self.limits.epochs)")
    }
}
