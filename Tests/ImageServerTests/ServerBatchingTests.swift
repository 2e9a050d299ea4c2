import Foundation
import ImageServer
import Testing

/// Dynamic batching: concurrent requests share forward passes, and `--no-batching` runs each
/// alone; the metrics count them.
@Suite struct ServerBatchingTests {
    /// The `batch_size` of `count` concurrent classifications of a digit.
    static func concurrentBatchSizes(_ count: Int, port: Int) async throws -> [Int] {
        let seven = try ServerTestSupport.digit("7-png-grey.png")
        return try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<count {
                group.addTask {
                    let answer = try await HTTPClient.post(
                        port: port, "/v1/models/mnist:classify", body: seven)
                    #expect(answer.status == 200)
                    #expect(ServerClassifyTests.ranking(answer.json["predictions"]).first?.0 == "7")
                    return answer.json["batch_size"] as? Int ?? 0
                }
            }
            var sizes: [Int] = []
            for try await size in group { sizes.append(size) }
            return sizes
        }
    }

    @Test func concurrentRequestsShareForwardPasses() async throws {
        try await RunningServer.with({ $0.batchWindowMilliseconds = 200 }) { server in
            let sizes = try await Self.concurrentBatchSizes(16, port: server.port)
            #expect(sizes.count == 16)
            #expect(sizes.allSatisfy { (1...32).contains($0) })
            #expect(sizes.contains { $0 > 1 }, "batch sizes \(sizes)")

            let metrics = try await HTTPClient.get(port: server.port, "/metrics").text
            #expect(metrics.contains("classify_requests_total{model=\"mnist\",status=\"200\"} 16"))
            #expect(metrics.contains("# TYPE classify_request_duration_seconds histogram"))
            #expect(metrics.contains("classify_request_duration_seconds_count{model=\"mnist\"} 16"))
            #expect(metrics.contains("# TYPE classify_batch_size histogram"))
            // Fewer passes than requests: some images shared a pass.
            let passes = metrics.split(separator: "\n").first {
                $0.hasPrefix("classify_batch_size_count{model=\"mnist\"}")
            }
            let count = passes.flatMap { Int(Double($0.split(separator: " ").last ?? "") ?? 0) }
            #expect((count ?? 16) < 16, "\(passes ?? "no batch count")")
            #expect(metrics.contains("classify_inflight_requests 0.0"))
        }
    }

    @Test func aLoneRequestDoesNotWaitForTheWindow() async throws {
        let seven = try ServerTestSupport.digit("7-png-grey.png")
        try await RunningServer.with({ $0.batchWindowMilliseconds = 5000 }) { server in
            for _ in 0..<3 {
                let start = Date()
                let answer = try await HTTPClient.post(
                    port: server.port, "/v1/models/mnist:classify", body: seven)
                #expect(answer.status == 200)
                #expect(answer.json["batch_size"] as? Int == 1)
                #expect(Date().timeIntervalSince(start) < 2.5)
            }
        }
    }

    @Test func noBatchingRunsEachRequestAlone() async throws {
        try await RunningServer.with({
            $0.batching = false
            $0.batchWindowMilliseconds = 200
        }) { server in
            let sizes = try await Self.concurrentBatchSizes(8, port: server.port)
            #expect(sizes == [Int](repeating: 1, count: 8))
        }
    }

    @Test func errorsAreCountedByStatus() async throws {
        try await RunningServer.with { server in
            _ = try await HTTPClient.post(
                port: server.port, "/v1/models/mnist:classify", body: Array("x".utf8))
            _ = try await HTTPClient.post(
                port: server.port, "/v1/models/other:classify", body: Array("x".utf8))
            let metrics = try await HTTPClient.get(port: server.port, "/metrics").text
            #expect(metrics.contains("classify_requests_total{model=\"mnist\",status=\"415\"} 1"))
            #expect(
                metrics.contains("classify_requests_total{model=\"unknown\",status=\"404\"} 1"))
        }
    }
}
