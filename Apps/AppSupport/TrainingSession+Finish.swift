import Datasets
import Foundation

extension TrainingSession {
    /// The end of a finished training command: evaluates the network on `testData` (with the
    /// session's normalization and classes), saves the model file (``RunFiles/output``) with
    /// the test metrics and the command line in its provenance, and prints the test loss, the
    /// saved file with the wall time since `started`, and `accuracy: xx.xx%` as the last line.
    /// Only rank 0 of a data-parallel run does this; the other ranks return `nil` at once.
    /// - Parameters:
    ///   - testData: The held-out test set.
    ///   - commandName: The app's name, put before the arguments in the recorded command.
    ///   - started: When the command started.
    /// - Returns: The test-set report (`nil` on ranks other than 0).
    /// - Throws: ``EvaluationReport``'s errors; ``AppError`` if the model cannot be saved.
    @discardableResult
    public func evaluateAndSave(
        testData: any LabeledImageSource, commandName: String, started: Date
    ) throws -> EvaluationReport? {
        guard communicator.isRoot else { return nil }
        let output = files.output
        let report = try EvaluationReport(
            model: model, data: testData, normalization: normalization,
            classNames: template.classNames, modelPath: output)
        let command = ([commandName] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        try saveModel(
            to: output, metrics: ["test_accuracy": report.accuracy, "test_loss": report.loss],
            command: command)
        print(String(format: "test loss: %.4f", report.loss))
        print(
            String(
                format: "saved %@ (%@ wall time)", output,
                ProgressBar.duration(Date().timeIntervalSince(started))))
        print(String(format: "accuracy: %.2f%%", report.accuracy * 100))
        return report
    }
}
