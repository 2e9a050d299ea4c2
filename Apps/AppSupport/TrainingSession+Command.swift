import ArgumentParser
import Datasets

extension TrainingSession {
    /// A session of a training command, its files named by the shared flags: the checkpoint at
    /// `--checkpoint` (default `OUTPUT.checkpoint`), the log at `--log` (default
    /// `OUTPUT.log.jsonl`) and the curves at `--plot` (default none).
    /// - Parameters:
    ///   - output: The model file the command will write (`--output` or the app's default).
    ///   - resume: The saved run to continue (`--resume`), if any.
    /// - Throws: As ``init(configuration:data:normalization:template:checkpointPath:logPath:resume:plotPath:)``.
    public convenience init(
        configuration: TrainingConfiguration, data: any LabeledImageSource,
        normalization: Normalization, template: ModelTemplate, options: TrainingOptions,
        output: String, resume: SavedRun?
    ) throws {
        try self.init(
            configuration: configuration, data: data, normalization: normalization,
            template: template, checkpointPath: options.checkpoint ?? output + ".checkpoint",
            logPath: options.log ?? output + ".log.jsonl", resume: resume,
            plotPath: options.plot)
    }

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
                    + detail + ", validating on \(validationSet?.count ?? 0)")
        }
        guard try run() == .finished else { throw ExitCode(130) }
    }
}
