import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A Chrome DevTools Protocol client over `--remote-debugging-pipe`: JSON messages, each ended
/// by a NUL byte, written to the browser's fd 3 and read from its fd 4. A reader thread files
/// the answers by id; every wait has a deadline, so a dead or stuck browser is an error, never
/// a hang.
///
/// ```swift
/// let devTools = DevToolsPipe(toBrowser: write, fromBrowser: read)
/// let target = try devTools.send("Target.createTarget", ["url": "about:blank"])
/// ```
final class DevToolsPipe {
    /// A decoded JSON object.
    typealias Object = [String: Any]

    private let output: Int32
    private let input: Int32
    private let condition = NSCondition()
    private var answers: [Int: Object] = [:]
    private var closed = false
    private var outputClosed = false
    private var nextID = 1
    /// No command waits past this moment, whatever its own timeout (the whole test's bound).
    var deadline = Date.distantFuture
    /// Exceptions the page threw and console errors it logged (`Runtime` events).
    private var pageErrors: [String] = []

    /// Starts reading `fromBrowser` (closed by the reader at end of file); commands are
    /// written to `toBrowser` (closed by ``close()``).
    init(toBrowser: Int32, fromBrowser: Int32) {
        output = toBrowser
        input = fromBrowser
        signal(SIGPIPE, SIG_IGN)  // a dead browser makes write fail with EPIPE instead
        let thread = Thread { [self] in readLoop() }
        thread.name = "DevToolsPipe reader"
        thread.start()
    }

    /// Sends `method` with `params` (to the flattened `session`, if given) and waits at most
    /// `timeout` seconds, and never past ``deadline``, for its result.
    /// - Throws: ``BrowserTestError/protocolError(method:message:)`` for an error answer,
    ///   ``BrowserTestError/timeout(_:)``, ``BrowserTestError/pipeClosed(_:)``.
    @discardableResult
    func send(
        _ method: String, _ params: Object = [:], session: String? = nil,
        timeout: TimeInterval = 10
    ) throws -> Object {
        condition.lock()
        let id = nextID
        nextID += 1
        condition.unlock()
        var message: Object = ["id": id, "method": method, "params": params]
        if let session { message["sessionId"] = session }
        var data = try JSONSerialization.data(withJSONObject: message)
        data.append(0)
        try write(data, method: method)

        let deadline = min(Date().addingTimeInterval(timeout), self.deadline)
        condition.lock()
        defer { condition.unlock() }
        while answers[id] == nil {
            if closed { throw BrowserTestError.pipeClosed("waiting for \(method)") }
            if !condition.wait(until: deadline) && answers[id] == nil {
                throw BrowserTestError.timeout("the answer to \(method)")
            }
        }
        let answer = answers.removeValue(forKey: id)!
        if let error = answer["error"] as? Object {
            throw BrowserTestError.protocolError(
                method: method, message: error["message"] as? String ?? "\(error)")
        }
        return answer["result"] as? Object ?? [:]
    }

    /// Closes the command pipe (the browser sees end of file and may exit).
    func close() {
        condition.lock()
        defer { condition.unlock() }
        guard !outputClosed else { return }
        outputClosed = true
        _ = Glibc.close(output)
    }

    /// Writes all of `data`, retrying short writes.
    private func write(_ data: Data, method: String) throws {
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(
                    output, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { throw BrowserTestError.pipeClosed("sending \(method)") }
                offset += written
            }
        }
    }

    /// The reader thread: splits the stream at NUL bytes and files every message.
    private func readLoop() {
        var pending = Data()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(input, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            pending.append(contentsOf: chunk[0..<count])
            while let end = pending.firstIndex(of: 0) {
                let message = pending[pending.startIndex..<end]
                pending = Data(pending[(end + 1)...])
                file(message)
            }
        }
        _ = Glibc.close(input)
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Files one message: an answer by its id, page errors from events; others are dropped.
    private func file(_ message: Data) {
        guard let object = try? JSONSerialization.jsonObject(with: message) as? Object else {
            return
        }
        condition.lock()
        defer { condition.unlock() }
        if let id = object["id"] as? Int {
            answers[id] = object
            condition.broadcast()
        } else if let method = object["method"] as? String, let params = object["params"] as? Object
        {
            if method == "Runtime.exceptionThrown",
                let details = params["exceptionDetails"] as? Object
            {
                let exception = details["exception"] as? Object
                pageErrors.append(
                    exception?["description"] as? String ?? details["text"] as? String ?? "?")
            } else if method == "Runtime.consoleAPICalled", params["type"] as? String == "error" {
                let args = params["args"] as? [Object] ?? []
                pageErrors.append(
                    "console.error: "
                        + args.map { "\($0["value"] ?? $0["description"] ?? "")" }.joined(
                            separator: " "))
            }
        }
    }

    /// The page's exceptions and console errors recorded so far.
    var errors: [String] {
        condition.lock()
        defer { condition.unlock() }
        return pageErrors
    }
}
