import Foundation
import NeuralNet

#if canImport(Glibc)
import Glibc
#endif

/// A training run's curves for TensorBoard (`--tensorboard DIR`): one event file per run (or
/// resumed part of a run) in `DIR`, named as TensorFlow names them
/// (`events.out.tfevents.<seconds>.<host>.<pid>.swiftcnn`), with the scalars Keras' TensorBoard
/// callback writes after each epoch: `epoch_loss`, `epoch_accuracy`, `epoch_val_loss`,
/// `epoch_val_accuracy`, `epoch_learning_rate` and `epoch_images_per_second`, at step = the
/// epoch counted from 1. `tensorboard --logdir DIR` shows them; a resumed run adds a file that
/// continues the steps.
public final class TensorBoardLog {
    private let handle: FileHandle
    /// The event file's path.
    public let path: String

    /// Creates `folder` if needed and a new event file in it.
    /// - Throws: ``AppError`` naming the folder or file if it cannot be created or written.
    public init(folder: String) throws {
        var status = stat()
        if stat(folder, &status) == 0, (status.st_mode & S_IFMT) != S_IFDIR {
            throw AppError("the TensorBoard folder \(folder) is not a folder")
        }
        let now = Date().timeIntervalSince1970
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init)
        let name =
            "events.out.tfevents.\(Int(now)).\(host ?? "localhost").\(getpid()).swiftcnn"
        path = URL(fileURLWithPath: folder).appendingPathComponent(name).path
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true)
            try Data().write(to: URL(fileURLWithPath: path))
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        } catch {
            throw AppError("cannot create the TensorBoard events \(path): \(error)")
        }
        try write(TensorBoardEvents.fileVersion(wallTime: now))
    }

    deinit { try? handle.close() }

    /// Appends an epoch's scalars.
    /// - Throws: ``AppError`` naming the file if the write fails.
    public func append(_ summary: EpochSummary) throws {
        var values = [
            "epoch_loss": summary.trainingLoss, "epoch_accuracy": summary.trainingAccuracy,
            "epoch_learning_rate": Double(summary.learningRate),
            "epoch_images_per_second": summary.imagesPerSecond,
        ]
        values["epoch_val_loss"] = summary.validationLoss
        values["epoch_val_accuracy"] = summary.validationAccuracy
        try write(
            TensorBoardEvents.scalars(
                values, step: summary.epoch + 1, wallTime: Date().timeIntervalSince1970))
    }

    private func write(_ event: [UInt8]) throws {
        do {
            try handle.write(contentsOf: TensorBoardEvents.record(event))
            try handle.synchronize()
        } catch {
            throw AppError("cannot write the TensorBoard events \(path): \(error)")
        }
    }
}
