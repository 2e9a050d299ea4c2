import Foundation

/// Appends one JSON object per line to a file (a training log: one line per epoch).
public final class JSONLinesLog {
    private let handle: FileHandle
    /// The log's path.
    public let path: String

    /// Opens `path` for appending, creating it (and its folder) if needed.
    /// - Throws: a file-system error naming the path.
    public init(path: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
        }
        handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
    }

    deinit { try? handle.close() }

    /// Writes `record` as one line of JSON with sorted keys.
    public func append<Record: Encodable>(_ record: Record) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = try encoder.encode(record)
        data.append(0x0A)
        try handle.write(contentsOf: data)
    }
}
