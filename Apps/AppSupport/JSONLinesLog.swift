import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Appends one JSON object per line to a file: a training run's log, one line per epoch
/// (``EpochLogRecord``). A resumed run appends to the same file.
public final class JSONLinesLog {
    private let handle: FileHandle
    /// The log's path.
    public let path: String

    /// Opens `path` for appending, creating it (and its folder) if needed.
    /// - Parameter truncate: Empty an existing file first (a fresh run); default false.
    /// - Throws: ``AppError`` naming the path if it cannot be opened, or if it is not a regular
    ///   file (a FIFO would block the run, a device swallow the log).
    public init(path: String, truncate: Bool = false) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        var status = stat()
        if stat(path, &status) == 0, (status.st_mode & S_IFMT) != S_IFREG {
            throw AppError("cannot open the log \(path): not a regular file")
        }
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            if truncate || !FileManager.default.fileExists(atPath: path) {
                try Data().write(to: url)
            }
            handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
        } catch {
            throw AppError("cannot open the log \(path): \(error.localizedDescription)")
        }
    }

    deinit { try? handle.close() }

    /// Writes `text` and a newline as they are (the step CSV of `--csv` shares this append-only
    /// file handling).
    /// - Throws: ``AppError`` naming the path if the write fails.
    public func appendLine(_ text: String) throws {
        do {
            try handle.write(contentsOf: Data((text + "\n").utf8))
        } catch {
            throw AppError("cannot write the log \(path): \(error.localizedDescription)")
        }
    }

    /// Writes `record` as one line of JSON with sorted keys.
    /// - Throws: An encoding error, or ``AppError`` naming the path if the write fails.
    public func append<Record: Encodable>(_ record: Record) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(record)
        data.append(0x0A)
        do {
            try handle.write(contentsOf: data)
        } catch {
            throw AppError("cannot write the log \(path): \(error.localizedDescription)")
        }
    }
}
