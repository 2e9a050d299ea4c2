import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `classify serve --port 0` run as a child process: started, its address read from the line
/// `classify serve: listening on http://HOST:PORT`, and stopped.
final class ServeProcess {
    /// The server process.
    let process: ChildProcess
    /// The server's base URL, `http://HOST:PORT`.
    let baseURL: String
    /// Where the server's standard error goes.
    let logPath: String

    /// The line's prefix before the URL.
    static let listeningPrefix = "classify serve: listening on "

    /// Starts `classify serve` with `arguments` after `--port 0 --host 127.0.0.1`, and waits at
    /// most `timeout` seconds for its listening line.
    /// - Throws: ``BrowserTestError/serverFailed(_:)`` if it exits first, with its standard
    ///   error; ``BrowserTestError/timeout(_:)``.
    init(classify: URL, arguments: [String] = [], folder: URL, timeout: TimeInterval = 30) throws {
        logPath = folder.appendingPathComponent("serve.log").path
        let log = try ChildProcess.openForWriting(logPath)
        defer { _ = close(log) }
        let output = try ChildProcess.pipe()
        do {
            process = try ChildProcess(
                classify.path, ["serve", "--port", "0", "--host", "127.0.0.1"] + arguments,
                descriptors: [1: output.write, 2: log])
        } catch {
            _ = close(output.read)
            _ = close(output.write)
            throw error
        }
        _ = close(output.write)
        do {
            let line = try Self.readLine(from: output.read, timeout: timeout) { [logPath] in
                let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
                return "it exited before listening; standard error:\n\(log)"
            }
            guard line.hasPrefix(Self.listeningPrefix) else {
                throw BrowserTestError.serverFailed("unexpected first line: \(line)")
            }
            baseURL = String(line.dropFirst(Self.listeningPrefix.count))
        } catch {
            process.kill()
            _ = close(output.read)
            throw error
        }
        Self.drain(output.read)
    }

    /// Reads and drops the rest of `fd` on a thread of its own until end of file, then closes
    /// it (so the server never blocks on, or dies of, a full or closed standard output).
    private static func drain(_ fd: Int32) {
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(fd, &buffer, buffer.count)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
            }
            _ = close(fd)
        }
        thread.name = "classify serve stdout"
        thread.start()
    }

    /// Reads the first line from `fd`, polling with a deadline.
    private static func readLine(
        from fd: Int32, timeout: TimeInterval, exitMessage: () -> String
    ) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else {
                throw BrowserTestError.timeout("classify serve's listening line")
            }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(left, 1) * 1000))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { continue }
            let count = read(fd, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            guard count == 1 else { throw BrowserTestError.serverFailed(exitMessage()) }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
            if bytes.count > 4096 { throw BrowserTestError.serverFailed("a first line of 4 KiB") }
        }
    }

    /// Stops the server (SIGTERM, then SIGKILL after 3 s).
    func stop() {
        process.kill(grace: 3)
    }
}
