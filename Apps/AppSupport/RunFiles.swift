import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where a training command reads and writes: the data folder, the model file, the training
/// checkpoint, the epoch log and the curves. Kept in every checkpoint, so that `--resume` reads
/// the same data and writes the same files without the flags being given again.
public struct RunFiles: Codable, Equatable, Sendable {
    /// The data folder given with `--data`, absolute; `nil` when the app's environment variable
    /// or default folder was used.
    public var data: String?
    /// The model file written at the end (`--output`).
    public var output: String
    /// The training checkpoint, rewritten after every epoch (`--checkpoint`, default
    /// `OUTPUT.checkpoint`).
    public var checkpoint: String
    /// The JSON-lines epoch log (`--log`, default `OUTPUT.log.jsonl`).
    public var log: String
    /// The training curves, rewritten after every epoch (`--plot`, default none).
    public var plot: String?
    /// The TensorBoard event folder (`--tensorboard`, default none).
    public var tensorboard: String?
    /// The CSV history, rewritten after every epoch (`--csv`, default none).
    public var csv: String?

    /// Creates the files of a run; see the properties.
    public init(
        data: String?, output: String, checkpoint: String, log: String, plot: String?,
        tensorboard: String? = nil, csv: String? = nil
    ) {
        self.data = data
        self.output = output
        self.checkpoint = checkpoint
        self.log = log
        self.plot = plot
        self.tensorboard = tensorboard
        self.csv = csv
    }

    /// The files of a run from the flags: each flag given, else (on `--resume`) the saved run's
    /// file, else the default (`defaultOutput`, then `OUTPUT.checkpoint` and
    /// `OUTPUT.log.jsonl`). Paths are kept as given; a checkpoint stores them ``absolute()``.
    ///
    /// A new run never replaces an earlier run's files unless `--overwrite` is given.
    /// - Parameters:
    ///   - data: The `--data` flag.
    ///   - defaultOutput: The app's model file name when neither `--output` nor a saved run
    ///     names one.
    ///   - saved: The resumed run's files, if any.
    /// - Throws: ``AppError`` for a new run without `--overwrite` whose model file, checkpoint
    ///   or log exists, naming the file and what to do.
    public init(
        options: TrainingOptions, data: String?, defaultOutput: String, saved: RunFiles?
    ) throws {
        let output = options.output ?? saved?.output ?? defaultOutput
        self.init(
            data: data ?? saved?.data, output: output,
            checkpoint: options.checkpoint ?? saved?.checkpoint ?? output + ".checkpoint",
            log: options.log ?? saved?.log ?? output + ".log.jsonl",
            plot: options.plot ?? saved?.plot,
            tensorboard: options.tensorboard ?? saved?.tensorboard, csv: options.csv ?? saved?.csv)
        try checkDestinations()
        if options.resume == nil, !options.overwrite { try refuseOverwriting() }
    }

    /// Throws unless every file the run writes can be written: each is a regular file or new,
    /// in an existing folder (the log's folder is created). Checked before training, so that a
    /// run does not end, hours later, on an `--output` that names a folder or a device.
    private func checkDestinations() throws {
        let files =
            [("--output", output), ("--checkpoint", checkpoint), ("--log", log)]
            + (plot.map { [("--plot", $0)] } ?? []) + (csv.map { [("--csv", $0)] } ?? [])
        for (flag, path) in files {
            var status = stat()
            if stat(path, &status) == 0 {
                guard (status.st_mode & S_IFMT) == S_IFREG else {
                    throw AppError(
                        "\(path) (\(flag)) is not a regular file: a folder, device or FIFO is "
                            + "never replaced; name a file")
                }
                continue
            }
            if flag == "--log" { continue }
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            guard stat(folder, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else {
                throw AppError("the folder \(folder) of \(path) (\(flag)) does not exist")
            }
        }
    }

    /// Throws unless the model file, checkpoint and log are all new.
    private func refuseOverwriting() throws {
        let exists = { FileManager.default.fileExists(atPath: $0) }
        if exists(checkpoint) && !exists(output) {
            throw AppError(
                "\(checkpoint) holds an unfinished run: continue it with --resume \(checkpoint), "
                    + "or start again with --overwrite")
        }
        if let earlier = [output, checkpoint, log].first(where: exists) {
            throw AppError(
                "\(earlier) is from an earlier run: give --overwrite to replace the model "
                    + "\(output), its checkpoint and log, or --output for another name")
        }
    }

    /// The same files with absolute paths (relative ones taken from the current folder), so
    /// that a saved run resumes from any folder.
    public func absolute() -> RunFiles {
        func absolute(_ path: String) -> String { URL(fileURLWithPath: path).standardized.path }
        return RunFiles(
            data: data.map(absolute), output: absolute(output), checkpoint: absolute(checkpoint),
            log: absolute(log), plot: plot.map(absolute),
            tensorboard: tensorboard.map(absolute), csv: csv.map(absolute))
    }
}
