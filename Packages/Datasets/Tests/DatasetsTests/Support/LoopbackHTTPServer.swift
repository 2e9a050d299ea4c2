import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 for the download tests: serves fixed responses by path,
/// one request per connection, on a background thread. Bounded: it stops when released, and
/// waits at most 30 seconds for each request (generous, so that a busy machine does not fail a
/// test), so a test can never hang on it.
final class LoopbackHTTPServer: @unchecked Sendable {
    /// A canned response.
    struct Response {
        var status: Int
        var body: [UInt8]
    }

    /// The port the server listens on.
    private(set) var port: UInt16 = 0
    private let socketDescriptor: Int32
    private let lock = NSLock()
    private var routes: [String: Response]
    private var requestLog: [String] = []
    private var stopped = false
    private let finished = DispatchSemaphore(value: 0)

    /// The base URL, `http://127.0.0.1:<port>`.
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The paths requested so far.
    var requests: [String] {
        lock.lock()
        defer { lock.unlock() }
        return requestLog
    }

    init(routes: [String: Response]) throws {
        self.routes = routes
        socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketDescriptor >= 0 else { throw ServerError.setup("socket") }
        var yes: Int32 = 1
        let size = socklen_t(MemoryLayout<Int32>.size)
        setsockopt(socketDescriptor, SOL_SOCKET, SO_REUSEADDR, &yes, size)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(socketDescriptor, 8) == 0 else {
            close(socketDescriptor)
            throw ServerError.setup("bind/listen")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getsockname(socketDescriptor, $0, &length)
            }
        }
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in self.serve() }
        thread.start()
    }

    deinit {
        lock.lock()
        stopped = true
        lock.unlock()
        finished.wait()
        close(socketDescriptor)
    }

    /// Replaces the response for `path`.
    func setRoute(_ path: String, _ response: Response) {
        lock.lock()
        routes[path] = response
        lock.unlock()
    }

    private func isStopped() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func serve() {
        defer { finished.signal() }
        while !isStopped() {
            var poller = pollfd(fd: socketDescriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let client = accept(socketDescriptor, nil, nil)
            guard client >= 0 else { continue }
            handle(client)
            close(client)
        }
    }

    private func handle(_ client: Int32) {
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !request.containsHeaderEnd(), request.count < 65536 {
            let n = recv(client, &buffer, buffer.count, 0)
            if n <= 0 { return }
            request += buffer[0..<n]
        }
        let line = String(decoding: request.prefix { $0 != 0x0D }, as: UTF8.self)
        let parts = line.split(separator: " ")
        let path = parts.count >= 2 ? String(parts[1]) : "/"
        lock.lock()
        requestLog.append(path)
        let response = routes[path] ?? Response(status: 404, body: Array("not found".utf8))
        lock.unlock()
        let reason = response.status == 200 ? "OK" : "Error"
        let head =
            "HTTP/1.1 \(response.status) \(reason)\r\nContent-Length: \(response.body.count)"
            + "\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n"
        sendAll(client, Array(head.utf8) + response.body)
    }

    private func sendAll(_ client: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes {
                send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if n <= 0 { return }
            offset += n
        }
    }

    enum ServerError: Error { case setup(String) }
}

extension Array where Element == UInt8 {
    fileprivate func containsHeaderEnd() -> Bool {
        guard count >= 4 else { return false }
        for i in 0...(count - 4)
        where self[i] == 13 && self[i + 1] == 10 && self[i + 2] == 13 && self[i + 3] == 10 {
            return true
        }
        return false
    }
}
