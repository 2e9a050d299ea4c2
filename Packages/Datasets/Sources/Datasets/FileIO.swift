import TensorMath

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and atomic writes over POSIX calls: cheaper than Foundation per file, which
/// matters when a data set has 60,000 small images.
enum FileIO {
    /// The bytes of the regular file at `path`.
    /// - Throws: ``DatasetError/unreadable(path:reason:)`` if it is missing, not a regular file
    ///   or unreadable; ``DatasetError/limitExceeded(path:reason:)`` if larger than `maxBytes`.
    static func read(_ path: String, maxBytes: Int) throws -> [UInt8] {
        // O_NONBLOCK: opening a FIFO (or a device) must not wait for a writer; anything but a
        // regular file is refused below, and reads from regular files never block anyway.
        let descriptor = FileSystemName.withCString(path) {
            open($0, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        }
        guard descriptor >= 0 else {
            throw DatasetError.unreadable(path: path, reason: errorText())
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw DatasetError.unreadable(path: path, reason: errorText())
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw DatasetError.unreadable(path: path, reason: "not a regular file")
        }
        let size = Int(status.st_size)
        guard size <= maxBytes else {
            throw DatasetError.limitExceeded(
                path: path, reason: "\(size) bytes exceed the limit of \(maxBytes) bytes")
        }
        var failure: String?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = 0
            while count < size {
                let n = systemRead(descriptor, buffer.baseAddress! + count, size - count)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errorText()
                    break
                }
                if n == 0 { break }  // the file shrank while we read it
                count += n
            }
        }
        if let failure { throw DatasetError.unreadable(path: path, reason: failure) }
        guard bytes.count == size else {
            throw DatasetError.unreadable(path: path, reason: "the file changed while reading")
        }
        return bytes
    }

    /// Writes `bytes` to `path` atomically: into a temporary file in the same folder, flushed,
    /// then renamed over `path`. An interrupted write never leaves a partial `path` behind, and
    /// the temporary files of writers that were killed are removed by the next write to the
    /// same path. Only a regular file is replaced: renaming over a device such as `/dev/full`,
    /// a FIFO or a folder would replace the node itself, so those are refused.
    /// - Throws: ``DatasetError/writeFailed(path:reason:)``.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        var destination = stat()
        if FileSystemName.withCString(path, { stat($0, &destination) }) == 0,
            (destination.st_mode & S_IFMT) != S_IFREG
        {
            throw DatasetError.writeFailed(
                path: path,
                reason: "not a regular file (a device, FIFO, socket or folder): refusing to "
                    + "replace it")
        }
        removeAbandonedTemporaryFiles(beside: path)
        let temporary = temporaryPath(beside: path)
        let descriptor = FileSystemName.withCString(temporary) {
            open($0, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        }
        guard descriptor >= 0 else {
            throw DatasetError.writeFailed(path: path, reason: errorText())
        }
        var failure: String?
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errorText()
                    return
                }
                offset += n
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = errorText() }
        if close(descriptor) != 0, failure == nil { failure = errorText() }
        if failure == nil,
            FileSystemName.withCString(
                temporary,
                { old in
                    FileSystemName.withCString(path) { rename(old, $0) }
                }) != 0
        {
            failure = errorText()
        }
        if let failure {
            _ = FileSystemName.withCString(temporary) { unlink($0) }
            throw DatasetError.writeFailed(path: path, reason: failure)
        }
    }

    /// A fresh temporary file name in the folder of `path`: `.NAME.PID.RANDOM.partial`.
    static func temporaryPath(beside path: String) -> String {
        let (folder, name) = split(path)
        return "\(folder).\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).partial"
    }

    /// The folder (with its slash, or empty) and the name of `path`.
    private static func split(_ path: String) -> (folder: String, name: String) {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return (folder, name)
    }

    /// Removes the temporary files of `path` (see ``temporaryPath(beside:)``) whose writing
    /// process no longer runs. Best effort.
    static func removeAbandonedTemporaryFiles(beside path: String) {
        let (folder, name) = split(path)
        guard let names = try? contents(ofDirectory: folder.isEmpty ? "." : folder) else { return }
        let prefix = ".\(name)."
        for candidate in names where candidate.hasPrefix(prefix) && candidate.hasSuffix(".partial")
        {
            let parts = candidate.dropFirst(prefix.count).dropLast(".partial".count)
                .split(separator: ".")
            guard parts.count == 2, let pid = pid_t(parts[0]), UInt32(parts[1]) != nil,
                pid != getpid(), kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            _ = FileSystemName.withCString(folder + candidate) { unlink($0) }
        }
    }

    /// Whether `path` names an existing directory.
    static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return FileSystemName.withCString(path) { stat($0, &status) } == 0
            && (status.st_mode & S_IFMT) == S_IFDIR
    }

    /// Whether something (of any type) exists at `path`, following symbolic links.
    static func exists(_ path: String) -> Bool {
        var status = stat()
        return FileSystemName.withCString(path) { stat($0, &status) } == 0
    }

    /// Whether `path` names an existing regular file.
    static func isFile(_ path: String) -> Bool {
        var status = stat()
        return FileSystemName.withCString(path) { stat($0, &status) } == 0
            && (status.st_mode & S_IFMT) == S_IFREG
    }

    /// The names in a directory, without `.` and `..`, sorted by their UTF-8 bytes.
    /// - Throws: ``DatasetError/unreadable(path:reason:)``.
    static func contents(ofDirectory path: String) throws -> [String] {
        guard let names = FileSystemName.entries(ofDirectory: path) else {
            throw DatasetError.unreadable(path: path, reason: errorText())
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The current `errno` as text.
    static func errorText() -> String {
        String(cString: strerror(errno))
    }

    /// Joins a folder and a name with one slash.
    static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}

/// `read(2)`, under a name that does not clash with Swift's.
@inline(__always)
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutablePointer<UInt8>, _ count: Int)
    -> Int
{
    read(descriptor, buffer, count)
}
