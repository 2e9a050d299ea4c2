import Checkpoints
import Foundation
import NeuralNet

/// A training run's history as CSV (`--csv FILE`), like Keras' `CSVLogger`: a header, then one
/// row per finished epoch, rewritten atomically after every epoch (so a resumed run's file holds
/// the whole history):
///
/// ```
/// epoch,loss,accuracy,val_loss,val_accuracy,learning_rate,seconds,images_per_second
/// 1,0.2150,0.9342,0.0841,0.9741,0.001,5.12,10546.9
/// ```
///
/// Epochs count from 1, as printed; without a validation set its two columns are empty.
public enum CSVLog {
    /// The header line.
    public static let header =
        "epoch,loss,accuracy,val_loss,val_accuracy,learning_rate,seconds,images_per_second"

    /// The header of the per-step file (``stepsPath(for:)``), one row per optimizer step,
    /// appended as training goes (a resumed run appends; after a kill, the steps since the last
    /// checkpoint appear twice).
    public static let stepHeader = "step,epoch,batch,loss,accuracy,learning_rate,images_per_second"

    /// Where `--csv FILE` puts the per-step rows: `FILE` with `.csv` replaced by `.steps.csv`
    /// (or `.steps.csv` added).
    public static func stepsPath(for path: String) -> String {
        (path.hasSuffix(".csv") ? String(path.dropLast(4)) : path) + ".steps.csv"
    }

    /// One per-step row: the optimizer step and epoch counted from 1, the batch from 1.
    public static func stepRow(_ progress: BatchProgress) -> String {
        [
            "\(progress.globalStep)", "\(progress.epoch + 1)", "\(progress.batch + 1)",
            "\(progress.loss)", "\(progress.accuracy)", "\(progress.learningRate)",
            "\(progress.imagesPerSecond)",
        ].joined(separator: ",")
    }

    /// The file's text for `history`.
    public static func text(_ history: [EpochSummary]) -> String {
        var lines = [header]
        for summary in history {
            let fields: [String] = [
                "\(summary.epoch + 1)", "\(summary.trainingLoss)", "\(summary.trainingAccuracy)",
                summary.validationLoss.map { "\($0)" } ?? "",
                summary.validationAccuracy.map { "\($0)" } ?? "",
                "\(summary.learningRate)", "\(summary.seconds)", "\(summary.imagesPerSecond)",
            ]
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `history` to `path` atomically.
    /// - Throws: ``AppError`` naming the path.
    public static func write(_ history: [EpochSummary], to path: String) throws {
        do {
            try AtomicFile.write(Array(text(history).utf8), to: URL(fileURLWithPath: path))
        } catch {
            throw AppError("cannot write the CSV log \(path): \(error)")
        }
    }
}
