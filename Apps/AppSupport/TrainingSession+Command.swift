import ArgumentParser

extension TrainingSession {
    /// Runs a command's training to its end: a new run first says what it trains
    /// (`training LeNet5 (61706 parameters) on 55000 images, validating on 5000`, with
    /// `detail` after the image count), then ``run(output:)``.
    /// - Parameter detail: Text after `on N images` (` of bird, cat`); default none.
    /// - Throws: `ExitCode(130)` when a signal interrupted the run (its checkpoint is saved);
    ///   the errors of ``run(output:)``.
    public func runCommand(detail: String = "") throws {
        if !isResumed {
            print(
                "training \(configuration.architecture.name) "
                    + "(\(model.parameterCount) parameters) on \(trainingSet.count) images"
                    + detail + ", validating on \(validationSet?.count ?? 0)" + Processes.summary)
        }
        guard try run() == .finished else { throw ExitCode(130) }
    }
}
