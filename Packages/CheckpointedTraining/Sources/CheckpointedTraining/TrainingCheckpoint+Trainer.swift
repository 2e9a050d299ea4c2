import Checkpoints
import Foundation
import NeuralNet
import TensorMath

/// A ``NeuralNet/Trainer``'s run as a training-checkpoint file: the tensors of its
/// ``NeuralNet/TrainingSnapshot`` in the checkpoint's three groups, and the snapshot's scalars
/// (position, history, optimizer scalars, early stopping, every random generator) as the
/// checkpoint's state document.
///
/// ```swift
/// try trainer.saveCheckpoint(to: url)                 // after an epoch, or on Ctrl-C
/// // … later, in a new process, with a trainer configured the same way:
/// try trainer.resume(from: url)
/// try trainer.fit(epochs: 10, training: { loader.batches(epoch: $0) })   // continues
/// ```
extension TrainingCheckpoint {
    /// Captures `trainer`'s run (see ``NeuralNet/Trainer/snapshot(generators:)``).
    /// - Parameters:
    ///   - generators: The caller's own random generators, by name; default none.
    ///   - userInfo: Anything else to keep (a run's configuration), by name; default none.
    ///   - modelDescription: Makes the checkpoint inspectable like a model file; default none.
    /// - Throws: ``Checkpoints/CheckpointError`` if the state does not encode.
    public init(
        trainer: Trainer, generators: [String: Xoshiro256] = [:],
        userInfo: [String: JSONValue] = [:], modelDescription: ModelDescription? = nil
    ) throws {
        let snapshot = trainer.snapshot(generators: generators)
        let state: JSONValue
        do {
            state = try JSONValue(encoding: snapshot.scalars)
        } catch {
            throw CheckpointError.invalidArgument(
                operation: "TrainingCheckpoint(trainer:)", reason: "\(error)")
        }
        self.init(
            modelState: snapshot.modelState, optimizerState: snapshot.optimizerState,
            extraTensors: snapshot.extraTensors, state: state, userInfo: userInfo,
            modelDescription: modelDescription)
    }

    /// The trainer's snapshot stored in this checkpoint.
    /// - Throws: ``ResumeError`` if the state is not a trainer's.
    public func snapshot() throws -> TrainingSnapshot {
        let scalars: TrainingSnapshot.Scalars
        do {
            scalars = try state.decode(as: TrainingSnapshot.Scalars.self)
        } catch {
            throw ResumeError(reason: "the checkpoint's state is not a trainer's: \(error)")
        }
        return TrainingSnapshot(
            modelState: modelState, optimizerState: optimizerState, extraTensors: extraTensors,
            scalars: scalars)
    }

    /// Restores the run into `trainer`, which must be configured as the saved one was (same
    /// architecture, optimizer and early stopping), generators of its `Dropout` layers
    /// included.
    /// - Returns: The caller's own generators, by name.
    /// - Throws: ``ResumeError`` naming what does not fit (a missing or mis-shaped tensor,
    ///   another optimizer, early stopping configured differently).
    @discardableResult
    public func restore(into trainer: Trainer) throws -> [String: Xoshiro256] {
        let snapshot = try snapshot()
        do {
            return try trainer.restore(snapshot)
        } catch {
            throw ResumeError(reason: "\(error)")
        }
    }
}

extension Trainer {
    /// Writes everything needed to resume this run to `url`, atomically (an interrupted save
    /// leaves the previous file intact).
    /// - Parameters:
    ///   - generators: The caller's own random generators, by name; default none.
    ///   - userInfo: Anything else to keep, by name; default none.
    ///   - modelDescription: Makes the checkpoint inspectable like a model file; default none.
    /// - Throws: ``Checkpoints/CheckpointError`` naming the file.
    public func saveCheckpoint(
        to url: URL, generators: [String: Xoshiro256] = [:], userInfo: [String: JSONValue] = [:],
        modelDescription: ModelDescription? = nil
    ) throws {
        try TrainingCheckpoint(
            trainer: self, generators: generators, userInfo: userInfo,
            modelDescription: modelDescription
        ).write(to: url)
    }

    /// Continues the run saved at `url` (by ``saveCheckpoint(to:generators:userInfo:modelDescription:)``):
    /// reads the file once and restores model, optimizer, early stopping, position, history
    /// and generators. The next ``fit(epochs:training:validation:hooks:)`` carries on where
    /// the saved run stopped, bit for bit, provided the batches of each epoch are the same.
    /// - Returns: The caller's own generators, by name.
    /// - Throws: ``Checkpoints/CheckpointError`` naming the file (unreadable, not a checkpoint,
    ///   an unknown format version); ``ResumeError`` naming the file and what does not fit.
    @discardableResult
    public func resume(from url: URL) throws -> [String: Xoshiro256] {
        let checkpoint = try TrainingCheckpoint(contentsOf: url)
        do {
            return try checkpoint.restore(into: self)
        } catch var error as ResumeError {
            error.path = url.path
            throw error
        }
    }
}
