import Foundation
import TensorMath

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Atomic file replacement: every file Checkpoints writes goes through here.
///
/// The bytes go to a new temporary file in the destination's folder
/// (`.<name>.tmp-<pid>-XXXXXX`), which is flushed to disk (`fsync`) and then renamed over the
/// destination; the folder is synced too. A reader therefore sees either the previous file or
/// the complete new one, never a mixture, and a crash, a full disk or an error thrown half-way
/// through a save leaves the previous file untouched (and removes the temporary file, unless
/// the process dies: the next write to the same destination removes the temporary files of
/// processes that no longer run).
///
/// Only regular files are replaced: a destination that is a device (`/dev/full`), a FIFO, a
/// socket or a folder is refused before anything is written, since renaming over it would
/// replace the device node rather than write to it.
///
/// A new file gets mode `0644`; a replaced file keeps its mode.
///
/// ```swift
/// try AtomicFile.write(to: url) { writer in
///     try writer.write(header)
///     for chunk in chunks { try writer.write(chunk) }
/// }
/// ```
public enum AtomicFile {
    /// Streams bytes into the temporary file of an atomic write.
    public final class Writer {
        fileprivate let descriptor: Int32
        fileprivate let path: String
        /// The number of bytes written so far.
        public private(set) var byteCount = 0

        fileprivate init(descriptor: Int32, path: String) {
            self.descriptor = descriptor
            self.path = path
        }

        /// Appends `bytes`.
        /// - Throws: ``CheckpointError/fileSystem(path:operation:message:)`` (a full disk,
        ///   an I/O error), naming the destination file.
        public func write(_ bytes: UnsafeRawBufferPointer) throws {
            guard var address = bytes.baseAddress else { return }
            var remaining = bytes.count
            while remaining > 0 {
                let result = systemWrite(descriptor, address, min(remaining, 1 << 30))
                if result < 0 {
                    if errno == EINTR { continue }
                    throw FileBytes.systemError(path, "write")
                }
                address += result
                remaining -= result
                byteCount += result
            }
        }

        /// Appends `bytes`.
        public func write(_ bytes: [UInt8]) throws {
            try bytes.withUnsafeBytes { try write($0) }
        }
    }

    /// Writes a file atomically: `body` writes the content through the ``Writer``; if it
    /// returns, the content replaces `url`; if it throws, `url` is left as it was and the
    /// error is rethrown.
    /// - Throws: What `body` throws, or ``CheckpointError/fileSystem(path:operation:message:)``
    ///   naming the destination and the failing call (a missing or read-only folder, a full
    ///   disk, a destination that is a folder).
    public static func write(to url: URL, _ body: (Writer) throws -> Void) throws {
        let path = url.path
        let folder = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        // Keep the temporary name within NAME_MAX (255 bytes) whatever the destination's.
        let stem = String(decoding: Array(name.utf8.prefix(200)), as: UTF8.self)
        var destination = stat()
        if FileSystemName.withCString(path, { stat($0, &destination) }) == 0,
            (destination.st_mode & S_IFMT) != S_IFREG
        {
            throw CheckpointError.fileSystem(
                path: path, operation: "replace",
                message: "not a regular file (a device, FIFO, socket or folder): refusing to "
                    + "replace it")
        }
        removeAbandonedTemporaryFiles(in: folder, stem: stem)
        var template =
            FileSystemName.bytes(of: "\(folder)/.\(stem).tmp-\(getpid())-XXXXXX")
            .map { CChar(bitPattern: $0) } + [0]
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw FileBytes.systemError(path, "create a temporary file") }
        let temporaryPath = FileSystemName.string(
            fromBytes: template.dropLast().map { UInt8(bitPattern: $0) })
        var isOpen = true
        do {
            testPause("atomic-write-begin", path)
            var existing = stat()
            let mode: mode_t =
                FileSystemName.withCString(path, { stat($0, &existing) }) == 0
                ? existing.st_mode & 0o7777 : 0o644
            guard fchmod(descriptor, mode) == 0 else { throw FileBytes.systemError(path, "chmod") }
            try body(Writer(descriptor: descriptor, path: path))
            guard fsync(descriptor) == 0 else { throw FileBytes.systemError(path, "fsync") }
            isOpen = false
            guard close(descriptor) == 0 else { throw FileBytes.systemError(path, "close") }
            testPause("atomic-write-rename", path)
            guard
                FileSystemName.withCString(
                    temporaryPath, { old in FileSystemName.withCString(path) { rename(old, $0) } })
                    == 0
            else {
                throw FileBytes.systemError(path, "rename")
            }
        } catch {
            if isOpen { close(descriptor) }
            _ = FileSystemName.withCString(temporaryPath) { unlink($0) }
            throw error
        }
        syncFolder(folder)
    }

    /// Writes `bytes` to `url` atomically.
    /// - Throws: ``CheckpointError/fileSystem(path:operation:message:)``.
    public static func write(_ bytes: [UInt8], to url: URL) throws {
        try write(to: url) { try $0.write(bytes) }
    }

    /// The test hook's pause, from `SWIFTCNN_TEST_WRITE_PAUSE_MS` (unset in normal use).
    private static let pauseMilliseconds: UInt32? = ProcessInfo.processInfo
        .environment["SWIFTCNN_TEST_WRITE_PAUSE_MS"].flatMap { UInt32($0) }

    /// A test hook that makes the write window observable: with `SWIFTCNN_TEST_WRITE_PAUSE_MS`
    /// set to N, each write prints `<event> <path>` on standard error as it creates its
    /// temporary file (`atomic-write-begin`) and before it renames it (`atomic-write-rename`),
    /// and waits N milliseconds at each, so that a test can kill the process inside the write.
    private static func testPause(_ event: String, _ path: String) {
        guard let milliseconds = pauseMilliseconds else { return }
        fputs("\(event) \(path)\n", stderr)
        fflush(stderr)
        usleep(milliseconds * 1000)
    }

    /// Removes `.<stem>.tmp-<pid>-XXXXXX` files in `folder` left by processes that no longer
    /// run (killed while writing), and unnamed-process ones (`.<stem>.tmp-XXXXXX`, written
    /// before the process id was part of the name) older than an hour. Best effort.
    static func removeAbandonedTemporaryFiles(in folder: String, stem: String) {
        guard let names = FileSystemName.entries(ofDirectory: folder) else { return }
        let prefix = ".\(stem).tmp-"
        for name in names {
            guard name.hasPrefix(prefix) else { continue }
            let suffix = name.dropFirst(prefix.count)
            let parts = suffix.split(separator: "-")
            let path = "\(folder)/\(name)"
            if parts.count == 2, let pid = pid_t(parts[0]) {
                if pid != getpid(), kill(pid, 0) != 0, errno == ESRCH {
                    _ = FileSystemName.withCString(path) { unlink($0) }
                }
            } else if parts.count == 1, suffix.count == 6 {
                var status = stat()
                if FileSystemName.withCString(path, { lstat($0, &status) }) == 0,
                    (status.st_mode & S_IFMT) == S_IFREG,
                    time(nil) - status.st_mtim.tv_sec > 3600
                {
                    _ = FileSystemName.withCString(path) { unlink($0) }
                }
            }
        }
    }

    /// Makes a rename in `folder` durable. Best effort: some file systems refuse to sync
    /// folders, and the file's own content is already on disk.
    private static func syncFolder(_ folder: String) {
        let descriptor = FileSystemName.withCString(folder) { open($0, O_RDONLY | O_CLOEXEC) }
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }
}

/// The system `write(2)`, under a name that the method `Writer.write` does not shadow.
@inline(__always)
private func systemWrite(_ descriptor: Int32, _ address: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, address, count)
}
