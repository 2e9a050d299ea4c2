import Datasets
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A FIFO, a device or a folder where an image or data file is expected is refused at once,
/// naming the path: opening a FIFO for reading must not wait for a writer forever.
@Suite struct SpecialFileTests {
    @Test func fifoIsRefusedWithoutWaitingForAWriter() throws {
        let folder = try TemporaryDirectory()
        let fifo = folder.file("digit.png")
        #expect(mkfifo(fifo, 0o600) == 0)
        let outcome = try finishes(within: 5, unblocking: fifo) {
            do {
                _ = try Image(contentsOf: fifo)
                return "opened"
            } catch {
                return "\(error)"
            }
        }
        #expect(outcome.contains(fifo) && outcome.contains("not a regular file"), "\(outcome)")
        let idx = folder.file("labels.idx")
        #expect(mkfifo(idx, 0o600) == 0)
        let idxOutcome = try finishes(within: 5, unblocking: idx) {
            do {
                _ = try IDXArray(contentsOf: idx)
                return "opened"
            } catch {
                return "\(error)"
            }
        }
        #expect(idxOutcome.contains("not a regular file"), "\(idxOutcome)")
    }

    @Test func devicesAndFoldersAreRefused() throws {
        let folder = try TemporaryDirectory()
        for path in ["/dev/zero", "/dev/null", folder.path] {
            #expect {
                try Image(contentsOf: path)
            } throws: { error in
                describes(error, path, "not a regular file")
            }
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

/// Writes replace regular files only, and clean up after writers that were killed.
@Suite struct AtomicWriteTests {
    @Test func devicesFIFOsAndFoldersAreNotReplaced() throws {
        let folder = try TemporaryDirectory()
        let image = try Image(width: 2, height: 2, format: .grey)
        let fifo = folder.file("fifo.png")
        #expect(mkfifo(fifo, 0o600) == 0)
        let device = folder.file("device.png")
        #expect(symlink("/dev/null", device) == 0)
        let subfolder = folder.file("folder.png")
        #expect(mkdir(subfolder, 0o755) == 0)
        for path in [fifo, device, subfolder] {
            #expect {
                try image.write(to: path)
            } throws: { error in
                describes(error, path, "not a regular file")
            }
        }
        var status = stat()
        #expect(stat(fifo, &status) == 0 && (status.st_mode & S_IFMT) == S_IFIFO)
        #expect(stat(device, &status) == 0 && (status.st_mode & S_IFMT) == S_IFCHR)
        #expect(try folder.contents().sorted() == ["device.png", "fifo.png", "folder.png"])
    }

    @Test func temporaryFilesOfDeadWritersAreRemoved() throws {
        let folder = try TemporaryDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        let dead = process.processIdentifier
        let names = [
            ".digit.png.\(dead).12345.partial", ".digit.png.\(getpid()).777.partial",
            ".other.png.\(dead).12345.partial",
        ]
        for name in names { _ = try folder.write([1], to: name) }
        try Image(width: 2, height: 2, format: .grey).write(to: folder.file("digit.png"))
        #expect(try folder.contents().sorted() == [names[1], names[2], "digit.png"])
    }
}
