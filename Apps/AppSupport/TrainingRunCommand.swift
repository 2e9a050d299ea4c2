import ArgumentParser
import Datasets

/// A training command (`mnist train`, `four-class train`) split in two: ``prepareRun()``
/// reads the data and builds the ``TrainingSession`` its flags describe, and the caller runs
/// it. `train` runs one; `compare` and `search` (``VariantRun``) parse argument lists as the
/// command and run each, so every flag of `train` works in them, through the one training
/// path.
public protocol TrainingRunCommand: ParsableCommand {
    /// The app's name, first in a recorded command line (`mnist`).
    static var appName: String { get }
    /// The training flags (the checkpoint, output and resume flags included).
    var options: TrainingOptions { get }
    /// Reads the data, resolves the configuration (a new run or `--resume`), checks the files
    /// and builds the session.
    /// - Returns: The run, or `nil` when the flags ask for something else, done at once
    ///   (`--print-layers` prints the network).
    /// - Throws: Usage errors (`ValidationError`) and the data's, files' and session's errors.
    func prepareRun() throws -> PreparedRun?
    /// Throws the usage error ``prepareRun()`` would throw for settings that do not go
    /// together (``TrainingSettings/checkCombination()``), without reading any data, so that
    /// `compare` and `search` refuse a bad variant before training any.
    func checkCombination() throws
}

/// A training session ready to run, with the test set it is evaluated on at the end.
public struct PreparedRun {
    /// The session (network, data, optimizer, schedule, files).
    public var session: TrainingSession
    /// Reads the held-out test set (when the run is done; only rank 0 of an `mpirun` job
    /// needs it).
    public var testData: () throws -> any LabeledImageSource

    /// Creates a prepared run.
    public init(
        session: TrainingSession, testData: @escaping () throws -> any LabeledImageSource
    ) {
        self.session = session
        self.testData = testData
    }
}
