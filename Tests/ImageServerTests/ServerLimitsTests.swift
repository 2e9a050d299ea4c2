import Foundation
import ImageServer
import Testing

/// The limits: body size (413), pixels (413), concurrency (429), request time and draining
/// (503).
@Suite struct ServerLimitsTests {
    static let path = "/v1/models/mnist:classify"

    @Test func bodyTooLargeByLengthAndWhileStreaming() async throws {
        try await RunningServer.with({ $0.maxBodyBytes = 1000 }) { server in
            let big = [UInt8](repeating: 0x89, count: 5000)
            let declared = try await HTTPClient.post(port: server.port, Self.path, body: big)
            #expect(declared.status == 413)
            #expect(declared.errorCode == "body_too_large")
            let message = (declared.json["error"] as? [String: Any])?["message"] as? String
            #expect(message?.contains("1000 bytes") == true)

            // Chunked: no length announced; refused once the streamed bytes pass the limit.
            let chunked = try await HTTPClient.onThread {
                let connection = try LoopbackConnection(port: server.port)
                try connection.sendHead(
                    "POST", Self.path,
                    headers: [("Content-Type", "image/png"), ("Transfer-Encoding", "chunked")])
                for _ in 0..<3 {
                    try connection.send(Array("200\r\n".utf8) + [UInt8](repeating: 1, count: 512))
                    try connection.send(Array("\r\n".utf8))
                }
                try connection.send(Array("0\r\n\r\n".utf8))
                return try connection.readAnswer()
            }
            #expect(chunked.status == 413)
            #expect(chunked.errorCode == "body_too_large")

            // A small image still passes.
            let seven = try ServerTestSupport.digit("7-png-grey.png")
            try #require(seven.count < 1000)
            let small = try await HTTPClient.post(port: server.port, Self.path, body: seven)
            #expect(small.status == 200)
        }
    }

    @Test func tooManyPixelsFromTheHeader() async throws {
        // A 50-byte PNG that declares 30000 x 30000 pixels: refused before decoding.
        let huge = ServerTestSupport.pngHeader(width: 30000, height: 30000)
        try await RunningServer.with { server in
            let answer = try await HTTPClient.post(port: server.port, Self.path, body: huge)
            #expect(answer.status == 413, "\(answer.text)")
            #expect(answer.errorCode == "too_many_pixels")
        }
        // Real images above a small limit, PNG and JPEG; in a JSON batch, an error entry.
        try await RunningServer.with({ $0.maxPixels = 100 }) { server in
            for name in ["7-png-grey.png", "3-jpeg-baseline.jpg"] {
                let answer = try await HTTPClient.post(
                    port: server.port, Self.path, body: try ServerTestSupport.digit(name),
                    contentType: "application/octet-stream")
                #expect(answer.status == 413, "\(name)")
                #expect(answer.errorCode == "too_many_pixels", "\(name)")
                let message = (answer.json["error"] as? [String: Any])?["message"] as? String
                #expect(message?.contains("100 pixels") == true, "\(message ?? "")")
            }
        }
    }

    @Test func tooManyRequestsWhileOthersAreInFlight() async throws {
        let seven = try ServerTestSupport.digit("7-png-grey.png")
        try await RunningServer.with({ $0.maxConcurrent = 1 }) { server in
            // Hold one request in flight: its head and half its body.
            let slow = try LoopbackConnection(port: server.port)
            try slow.sendHead(
                "POST", Self.path, headers: [("Content-Type", "image/png")],
                bodyLength: seven.count)
            try slow.send(Array(seven.prefix(seven.count / 2)))
            try await Self.waitForInflight(1, port: server.port)

            let refused = try await HTTPClient.post(port: server.port, Self.path, body: seven)
            #expect(refused.status == 429)
            #expect(refused.errorCode == "too_many_requests")

            let finished = try await HTTPClient.onThread {
                try slow.send(Array(seven.dropFirst(seven.count / 2)))
                return try slow.readAnswer()
            }
            #expect(finished.status == 200)
            let again = try await HTTPClient.post(port: server.port, Self.path, body: seven)
            #expect(again.status == 200)
        }
    }

    @Test func requestTimeoutWhileQueued() async throws {
        let seven = try ServerTestSupport.digit("7-png-grey.png")
        // A request that stopped mid-body (its connection is closed 2 s after its last byte)
        // keeps the batcher waiting for it, up to the window (10 s); a request queued
        // meanwhile waits past its timeout (1 s).
        try await RunningServer.with({
            $0.requestTimeout = 1
            $0.batchWindowMilliseconds = 10000
        }) { server in
            let stalled = try LoopbackConnection(port: server.port)
            try stalled.sendHead(
                "POST", Self.path, headers: [("Content-Type", "image/png")],
                bodyLength: seven.count)
            try stalled.send(Array(seven.prefix(10)))
            try await Self.waitForInflight(1, port: server.port)

            let start = Date()
            let answer = try await HTTPClient.post(port: server.port, Self.path, body: seven)
            #expect(answer.status == 503)
            #expect(answer.errorCode == "unavailable")
            let message = (answer.json["error"] as? [String: Any])?["message"] as? String
            #expect(message?.contains("--request-timeout") == true)
            #expect(Date().timeIntervalSince(start) < 5)
        }
    }

    @Test func slowBodyPastTheTimeout() async throws {
        let seven = try ServerTestSupport.digit("7-png-grey.png")
        try await RunningServer.with({ $0.requestTimeout = 1 }) { server in
            // A client that trickles its body, a byte every 0.1 s: 503 once past the timeout
            // (each pause is well within the connection's idle timeout).
            let trickle = try await HTTPClient.onThread {
                let connection = try LoopbackConnection(port: server.port)
                try connection.sendHead(
                    "POST", Self.path, headers: [("Content-Type", "image/png")],
                    bodyLength: seven.count)
                for byte in seven.prefix(15) {
                    try connection.send([byte])
                    Thread.sleep(forTimeInterval: 0.1)
                }
                try connection.send(Array(seven.dropFirst(15)))
                return try connection.readAnswer()
            }
            #expect(trickle.status == 503)
            #expect(trickle.errorCode == "unavailable")

            // A client that stops sending: the connection is closed after the idle timeout.
            let stalled = try await HTTPClient.onThread { () -> String in
                let connection = try LoopbackConnection(port: server.port, timeout: 5)
                try connection.sendHead(
                    "POST", Self.path, headers: [("Content-Type", "image/png")],
                    bodyLength: seven.count)
                try connection.send(Array(seven.prefix(10)))
                do {
                    let answer = try connection.readAnswer()
                    return "answered \(answer.status)"
                } catch {
                    return "\(error)"
                }
            }
            #expect(
                stalled == "the server closed the connection" || stalled == "answered 503",
                "\(stalled)")
            let health = try await HTTPClient.get(port: server.port, "/healthz")
            #expect(health.status == 200)
        }
    }

    @Test func drainingRefusesNewWork() async throws {
        let seven = try ServerTestSupport.digit("7-png-grey.png")
        try await RunningServer.with { server in
            server.server.drain()
            #expect(server.server.isDraining)
            let health = try await HTTPClient.get(port: server.port, "/healthz")
            #expect(health.status == 503)
            #expect(health.json["status"] as? String == "draining")
            let answer = try await HTTPClient.post(port: server.port, Self.path, body: seven)
            #expect(answer.status == 503)
            #expect(answer.errorCode == "unavailable")
        }
    }

    /// Waits until `/metrics` shows `count` requests in flight.
    static func waitForInflight(_ count: Int, port: Int) async throws {
        let line = "classify_inflight_requests \(Double(count))"
        for _ in 0..<200 {
            let metrics = try await HTTPClient.get(port: port, "/metrics")
            if metrics.text.contains(line) { return }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        Issue.record("the server never had \(count) requests in flight")
    }
}
