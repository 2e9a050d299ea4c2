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
