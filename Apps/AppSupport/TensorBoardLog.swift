import Datasets
import Foundation
import ImageClassification
import NeuralNet
import TensorMath

#if canImport(Glibc)
import Glibc
#endif

/// A training run's curves for TensorBoard (`--tensorboard DIR`): one event file per run (or
/// resumed part of a run) in `DIR`, named as TensorFlow names them
/// (`events.out.tfevents.<seconds>.<host>.<pid>.swiftcnn`), with the scalars Keras' TensorBoard
/// callback writes after each epoch: `epoch_loss`, `epoch_accuracy`, `epoch_val_loss`,
/// `epoch_val_accuracy`, `epoch_learning_rate` and `epoch_images_per_second`, at step = the
/// epoch counted from 1; per optimizer step `batch_loss`, `batch_accuracy` and
/// `batch_learning_rate` (step = the optimizer step, counted from 1); and after each epoch a
/// histogram of every parameter (`weights/NAME`) and of its gradient from the epoch's last
/// batch (`gradients/NAME`), and the feature maps of every convolution for one fixed image
/// (`feature_maps/NAME`, the grids of `classify --visualize`). `tensorboard --logdir DIR` shows
/// them; a resumed run adds a file that continues the steps.
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

    /// Appends one optimizer step's scalars (written, not yet flushed to disk: the epoch's
    /// ``append(_:)`` flushes).
    /// - Throws: ``AppError`` naming the file if the write fails.
    public func appendStep(_ progress: BatchProgress) throws {
        try write(
            TensorBoardEvents.scalars(
                [
                    "batch_loss": progress.loss, "batch_accuracy": progress.accuracy,
                    "batch_learning_rate": Double(progress.learningRate),
                ], step: progress.globalStep, wallTime: Date().timeIntervalSince1970),
            flush: false)
    }

    /// Appends the histograms of `model`'s parameters and gradients and, with `image` (one
    /// normalized input `[1, C, H, W]`), the feature-map grids of its convolutions for that
    /// image, at step = `epoch` + 1. The model runs in evaluation mode for the image (no
    /// batch-norm statistics change, no dropout draws) and is put back in its mode after.
    /// - Throws: ``AppError`` naming the file if the write fails; the model's errors.
    public func appendEpochDetails(model: Layer, image: Tensor?, epoch: Int) throws {
        let now = Date().timeIntervalSince1970
        var histograms: [String: [Float]] = [:]
        for (name, parameter) in model.namedParameters {
            histograms["weights/\(name)"] = parameter.value.scalars
            histograms["gradients/\(name)"] = parameter.gradient.scalars
        }
        try write(TensorBoardEvents.histograms(histograms, step: epoch + 1, wallTime: now))
        guard let image else { return }
        let wasTraining = model.isTraining
        model.setTraining(false)
        defer { model.setTraining(wasTraining) }
        let trace = try model.forwardTrace(image)
        var pictures: [String: (png: [UInt8], width: Int, height: Int, channels: Int)] = [:]
        for step in trace.steps where step.layer is Conv2D && step.output.shape.count == 4 {
            let scale = FeatureMapGrid.scale(forSide: step.output.shape[2], target: 32)
            let grid = try FeatureMapGrid.image(featureMaps: step.output, scale: scale)
            pictures["feature_maps/\(step.name)"] = (
                try grid.pngData(), grid.width, grid.height, grid.channels
            )
        }
        if !pictures.isEmpty {
            try write(TensorBoardEvents.images(pictures, step: epoch + 1, wallTime: now))
        }
    }

    private func write(_ event: [UInt8], flush: Bool = true) throws {
        do {
            try handle.write(contentsOf: TensorBoardEvents.record(event))
            if flush { try handle.synchronize() }
        } catch {
            throw AppError("cannot write the TensorBoard events \(path): \(error)")
        }
    }
}
