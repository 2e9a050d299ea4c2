import CheckpointedTraining
import Checkpoints
import Foundation

/// A training checkpoint written by a ``TrainingSession``, read once for a resume: the run's
/// configuration, how far it got, the model's classes, and the checkpoint to restore.
public struct SavedRun {
    /// The checkpoint's path, as given.
    public let path: String
    /// The checkpoint (tensors and state), restored into the session's trainer.
    public let checkpoint: TrainingCheckpoint
    /// The run's configuration, as the session stored it.
    public let configuration: TrainingConfiguration
    /// The epochs already finished.
    public let finishedEpochs: Int
    /// The run's data folder and files, when the checkpoint keeps them.
    public let files: RunFiles?

    /// The class names of the checkpoint's model description, if it has one.
    public var classNames: [String]? { checkpoint.modelDescription?.classNames }

    /// Reads the checkpoint at `path`.
    /// - Throws: ``AppError`` naming the file if it is unreadable, is not a training
    ///   checkpoint, or was not written by a training command.
    public init(path: String) throws {
        self.path = path
        do {
            checkpoint = try TrainingCheckpoint(contentsOf: URL(fileURLWithPath: path))
            finishedEpochs = try checkpoint.snapshot().scalars.trainer.epoch
        } catch {
            throw AppError("cannot read the checkpoint \(path): \(error)")
        }
        guard checkpoint.sourceFormatVersion == TrainingCheckpoint.formatVersion else {
            throw AppError(
                "\(path) is a training checkpoint of format \(checkpoint.sourceFormatVersion), "
                    + "written by an earlier SwiftCNN whose run configuration this version does "
                    + "not read; start the run again (its weights load as a model with the "
                    + "CheckpointedTraining library)")
        }
        guard let stored = checkpoint.userInfo[TrainingSession.configurationKey] else {
            throw AppError(
                "\(path) is a training checkpoint without a session configuration "
                    + "(user_info.\(TrainingSession.configurationKey)); it was not written by a "
                    + "training command")
        }
        files = try? checkpoint.userInfo[TrainingSession.filesKey]?.decode(as: RunFiles.self)
        do {
            configuration = try stored.decode(as: TrainingConfiguration.self)
        } catch {
            throw AppError("\(path): the stored training configuration does not decode: \(error)")
        }
    }

    /// Throws unless the saved run trains one of `architectures` (names matched without
    /// regard to case): a checkpoint of another app's network is refused with its name, not
    /// half-resumed into the wrong model and data.
    /// - Parameter command: The command resuming, e.g. `"four-class train"`, for the message.
    public func requireArchitecture(in architectures: [String], command: String) throws {
        let name = configuration.architecture.name
        guard architectures.contains(where: { $0.lowercased() == name.lowercased() }) else {
            throw AppError(
                "\(path) is a checkpoint of a \(name) network, which `\(command)` does not train "
                    + "(it trains \(architectures.joined(separator: ", "))); resume it with the "
                    + "command that wrote it")
        }
    }
}
