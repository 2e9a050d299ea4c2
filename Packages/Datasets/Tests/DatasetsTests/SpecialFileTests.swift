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
