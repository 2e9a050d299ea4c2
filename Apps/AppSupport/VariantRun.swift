import ArgumentParser
import Datasets
import Foundation
import NeuralNet
import TensorMath

/// One training run of `compare` or `search`: a ``TrainingRunCommand`` parsed from an
/// argument list and trained to its end, then evaluated on the test set and saved.
public struct VariantRun: Codable, Sendable {
    /// The variant's name (`optimizer=sgd`, `learning-rate=0.1 batch-size=64`).
    public var name: String
    /// The arguments of `train` that reproduce the run (without the files).
    public var arguments: [String]
    /// The network's trainable parameters.
    public var parameters: Int
    /// A 64-bit FNV-1a hash of the initial weights (shapes and values, in the network's order,
    /// not their names), in hexadecimal: equal for runs that started from the same weights,
    /// such as a preset and the same network written with `--layers`.
    public var initialWeights: String
    /// Every epoch.
    public var history: [EpochSummary]
    /// The accuracy on the test set, in [0, 1].
    public var testAccuracy: Double
    /// Seconds of training steps (the epochs' sum).
    public var trainingSeconds: Double
    /// The model file.
    public var model: String

    /// The last epoch's validation accuracy, `nil` without validation.
    public var finalValidationAccuracy: Double? { history.last?.validationAccuracy }
    /// The best validation accuracy and its epoch (from 1), `nil` without validation.
    public var bestValidationAccuracy: (accuracy: Double, epoch: Int)? {
        history.compactMap { summary in summary.validationAccuracy.map { ($0, summary.epoch + 1) } }
            .max { $0.0 < $1.0 }
    }

    /// The `train` command of `command`'s app with `arguments`, parsed, with its files named
    /// `stem` + `.safetensors`, `.checkpoint`, `.log.jsonl`, `.csv` (replacing earlier ones).
    /// - Throws: ArgumentParser's usage errors, and ``AppError`` for file flags in `arguments`
    ///   (the run's files are the caller's).
    public static func command<Command: TrainingRunCommand>(
        _ command: Command.Type, arguments: [String], stem: String
    ) throws -> Command {
        let owned = [
            "--output", "--checkpoint", "--log", "--csv", "--resume", "--overwrite",
            "--print-layers",
        ]
        if let flag = arguments.first(where: { argument in
            owned.contains { argument == $0 || argument.hasPrefix($0 + "=") }
        }) {
            throw ValidationError(
                "\(flag) is not for compare and search: they name every run's files (in "
                    + "--output-dir) and train every run; leave it out")
        }
        return try Command.parse(
            arguments + [
                "--output", stem + ".safetensors", "--checkpoint", stem + ".checkpoint",
                "--log", stem + ".log.jsonl", "--csv", stem + ".csv", "--overwrite",
            ])
    }

    /// Trains a run prepared by a command (``TrainingRunCommand/prepareRun()`` of
    /// ``command(_:arguments:stem:)``), printing each epoch's line after `[name]`, then
    /// evaluates it on the test set and saves the model file.
    /// - Parameters:
    ///   - prepared: The session and test set.
    ///   - name: The variant's name.
    ///   - arguments: The `train` arguments, recorded in the model file.
    ///   - appName: The app (`mnist`), recorded in the model file.
    /// - Returns: The run, or `nil` if a signal interrupted it.
    /// - Throws: The session's errors.
    public static func train(
        _ prepared: PreparedRun, name: String, arguments: [String], appName: String
    ) throws -> VariantRun? {
        let session = prepared.session
        let weights = initialWeightsHash(session.model)
        print(
            "[\(name)] training \(session.configuration.architecture.name) "
                + "(\(session.model.parameterCount) parameters) on \(session.trainingSet.count) "
                + "images, validating on \(session.validationSet?.count ?? 0)")
        guard try session.run(output: { print("[\(name)] " + $0) }) == .finished else {
            return nil
        }
        let report = try EvaluationReport(
            model: session.model, data: try prepared.testData(),
            normalization: session.normalization, classNames: session.template.classNames,
            modelPath: session.files.output)
        try session.saveModel(
            to: session.files.output,
            metrics: ["test_accuracy": report.accuracy, "test_loss": report.loss],
            command: ([appName, "train"] + arguments).joined(separator: " "))
        let history = session.trainer.state.history
        print(String(format: "[\(name)] test accuracy %.2f%%", report.accuracy * 100))
        return VariantRun(
            name: name, arguments: arguments, parameters: session.model.parameterCount,
            initialWeights: weights, history: history, testAccuracy: report.accuracy,
            trainingSeconds: history.reduce(0) { $0 + $1.seconds }, model: session.files.output)
    }

    /// FNV-1a over the parameters' shapes and bits, in the network's order.
    static func initialWeightsHash(_ model: Layer) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        for (_, parameter) in model.namedParameters {
            for byte in parameter.value.shape.description.utf8 { mix(byte) }
            for value in parameter.value.scalars {
                var bits = value.bitPattern
                for _ in 0..<4 {
                    mix(UInt8(truncatingIfNeeded: bits))
                    bits >>= 8
                }
            }
        }
        return String(hash, radix: 16)
    }

    private enum CodingKeys: String, CodingKey {
        case name, arguments, parameters, initialWeights = "initial_weights", history
        case testAccuracy = "test_accuracy", trainingSeconds = "training_seconds", model
    }
}
