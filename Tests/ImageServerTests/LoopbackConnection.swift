import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/1.1 exchange over a plain TCP connection to 127.0.0.1, with blocking calls: the
/// tests can send a body in pieces (a slow client), hold a request in flight, and read the
/// answer. Run it off Swift's cooperative threads (``HTTPClient``), which the in-process
/// server needs.
final class LoopbackConnection {
    /// An answer: status, headers (lowercased names) and body.
    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]

        /// The body as a JSON object (empty when it is not one).
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
        }

        /// The body as text.
        var text: String { String(decoding: body, as: UTF8.self) }

        /// `error.code` of a JSON error answer.
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let socket: Int32

    /// Connects to `127.0.0.1:port`; reads time out after `timeout` seconds.
    init(port: Int, timeout: Double = 20) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket() failed: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(socket)
            throw Failure(description: "cannot connect to 127.0.0.1:\(port): errno \(errno)")
        }
        var time = timeval(
            tv_sec: Int(timeout), tv_usec: Int((timeout.truncatingRemainder(dividingBy: 1)) * 1e6))
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(socket) }

    /// Sends a request head (with `Content-Length: bodyLength` when given).
    func sendHead(
        _ method: String, _ path: String, headers: [(String, String)] = [],
        bodyLength: Int? = nil
    ) throws {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let bodyLength { head += "Content-Length: \(bodyLength)\r\n" }
        head += "\r\n"
        try send(Array(head.utf8))
    }

    /// Sends bytes.
    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw Failure(description: "send failed: errno \(errno)") }
            offset += sent
        }
    }

    /// Reads one answer (its body by `Content-Length`).
    func readAnswer() throws -> Answer {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        func fill() throws {
            let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            guard count > 0 else {
                throw Failure(
                    description: count == 0
                        ? "the server closed the connection" : "recv failed: errno \(errno)")
            }
            buffer += chunk[0..<count]
        }
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            try fill()
            if buffer.count >= 4 {
                headEnd = (0...(buffer.count - 4)).first {
                    Array(buffer[$0..<($0 + 4)]) == separator
                }
            }
        }
        let head = String(decoding: buffer[0..<headEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw Failure(description: "bad status line in \(head)")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] =
                line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        let bodyStart = headEnd! + 4
        while buffer.count < bodyStart + length { try fill() }
        return Answer(
            status: status, headers: headers, body: Array(buffer[bodyStart..<(bodyStart + length)]))
    }

    /// Sends one whole request and reads its answer.
    func exchange(
        _ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []
    ) throws -> Answer {
        try sendHead(
            method, path, headers: headers,
            bodyLength: body.isEmpty && method == "GET" ? nil : body.count)
        try send(body)
        return try readAnswer()
    }
}

/// Runs blocking HTTP exchanges on threads of their own.
enum HTTPClient {
    /// Runs `work` on a new thread; returns its result.
    static func onThread<T>(_ work: @escaping () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try work() })
            }
            thread.start()
        }
    }

    /// One request on a new connection.
    static func request(
        port: Int, _ method: String, _ path: String, headers: [(String, String)] = [],
        body: [UInt8] = []
    ) async throws -> LoopbackConnection.Answer {
        try await onThread {
            try LoopbackConnection(port: port).exchange(
                method, path, headers: headers, body: body)
        }
    }

    /// `GET path`.
    static func get(port: Int, _ path: String) async throws -> LoopbackConnection.Answer {
        try await request(port: port, "GET", path)
    }

    /// `POST` of an image body to `path`.
    static func post(
        port: Int, _ path: String, body: [UInt8], contentType: String = "image/png"
    ) async throws -> LoopbackConnection.Answer {
        try await request(
            port: port, "POST", path, headers: [("Content-Type", contentType)], body: body)
    }
}
