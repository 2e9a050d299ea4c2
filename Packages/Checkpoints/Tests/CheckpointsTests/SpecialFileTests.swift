import Checkpoints
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A FIFO, a device or a folder where a model or checkpoint file is expected is refused at
/// once, naming the path: opening a FIFO for reading must not wait for a writer forever.
@Suite struct SpecialFileTests {
    @Test func fifoIsRefusedWithoutWaitingForAWriter() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let fifo = folder.file("model.safetensors")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let outcome = try finishes(within: 5, unblocking: fifo.path) {
            do {
                _ = try SafeTensorsFile(contentsOf: fifo)
                return "opened"
            } catch {
                return "\(error)"
            }
        }
        #expect(outcome.contains(fifo.path) && outcome.contains("not a regular file"), "\(outcome)")
    }

    @Test func devicesAndFoldersAreRefused() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        for url in [URL(fileURLWithPath: "/dev/zero"), folder.url] {
            let error = try #require(throws: CheckpointError.self) {
                try SafeTensorsFile(contentsOf: url)
            }
            #expect(error.description.contains("not a regular file"), "\(error)")
        }
    }
}

/// Runs `body` on a thread and returns its result, or records an issue if it has not finished
/// after `seconds`; then opens `fifo` for writing, which releases a reader stuck in open(2).
func finishes(
    within seconds: Double, unblocking fifo: String, _ body: @escaping @Sendable () -> String
) throws -> String {
    let done = DispatchSemaphore(value: 0)
    let result = Mutex("")
    Thread {
        result.withLock { $0 = body() }
        done.signal()
    }.start()
    if done.wait(timeout: .now() + seconds) == .timedOut {
        Issue.record("still waiting after \(seconds) s: opening a FIFO blocked")
        let writer = open(fifo, O_WRONLY | O_NONBLOCK)
        if writer >= 0 { close(writer) }
        done.wait()
    }
    return result.withLock { $0 }
}

/// Atomic writes replace regular files only, and clean up after writers that were killed.
@Suite struct AtomicFileDestinationTests {
    @Test func devicesFIFOsAndFoldersAreNotReplaced() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let fifo = folder.file("fifo.safetensors")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let device = folder.file("device.safetensors")
        try FileManager.default.createSymbolicLink(
            atPath: device.path, withDestinationPath: "/dev/null")
        let subfolder = folder.file("folder.safetensors")
        try FileManager.default.createDirectory(at: subfolder, withIntermediateDirectories: false)
        for url in [fifo, device, subfolder] {
            let error = try #require(throws: CheckpointError.self) {
                try AtomicFile.write([1, 2, 3], to: url)
            }
            #expect(error.description.contains(url.path), "\(error)")
            #expect(error.description.contains("not a regular file"), "\(error)")
        }
        var status = stat()
        #expect(stat(fifo.path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFIFO)
        #expect(stat(device.path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFCHR)
        #expect(
            try folder.contents().sorted() == [
                "device.safetensors", "fifo.safetensors", "folder.safetensors",
            ])
    }

    @Test func temporaryFilesOfDeadWritersAreRemoved() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let url = folder.file("model.safetensors")
        // A writer that no longer runs (a child that has exited), one that does (this
        // process), one of another destination, and an old one without a process id.
        let dead = deadProcessID()
        let names = [
            ".model.safetensors.tmp-\(dead)-AbC123", ".model.safetensors.tmp-\(getpid())-XyZ789",
            ".other.safetensors.tmp-\(dead)-AbC123", ".model.safetensors.tmp-Old123",
        ]
        for name in names { try Data([7]).write(to: folder.file(name)) }
        let old = Date(timeIntervalSinceNow: -7200)
        try FileManager.default.setAttributes(
            [.modificationDate: old], ofItemAtPath: folder.file(names[3]).path)
        try AtomicFile.write([1], to: url)
        #expect(try folder.contents().sorted() == [names[1], names[2], "model.safetensors"])
    }
}

/// The process id of a child process that has exited and been reaped.
func deadProcessID() -> pid_t {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try? process.run()
    process.waitUntilExit()
    return process.processIdentifier
}
