import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real `classify serve` binary: its listening line, and a graceful shutdown on SIGTERM
/// that lets a request in flight finish and exits 0.
@Suite struct ServeBinaryTests {
    /// A started `classify serve` process and its port.
    struct Served {
        var process: Process
        var port: Int
    }

    /// Starts `classify serve --port 0 ARGUMENTS` and reads its listening line.
    static func start(_ arguments: [String] = []) async throws -> Served {
        let process = Process()
        process.executableURL = try ServerTestSupport.executable("classify")
        process.arguments = ["serve", "--port", "0"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = try await HTTPClient.onThread { () -> String in
            var bytes: [UInt8] = []
            let handle = output.fileHandleForReading
            while true {
                let data = handle.readData(ofLength: 1)
                guard let byte = data.first, byte != 0x0A else { break }
                bytes.append(byte)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        let prefix = "classify serve: listening on http://127.0.0.1:"
        guard line.hasPrefix(prefix), let port = Int(line.dropFirst(prefix.count)) else {
            process.terminate()
            throw LoopbackConnection.Failure(description: "unexpected first line: \(line)")
        }
        return Served(process: process, port: port)
    }

    /// Waits up to `seconds` for `process` to exit; its status, or `nil` if it still runs.
    static func exitStatus(_ process: Process, within seconds: Double) async throws -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline {
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    @Test func sigtermLetsTheRequestInFlightFinishAndExitsZero() async throws {
        let seven = try ServerTestSupport.digit("7-png-grey.png")
        let served = try await Self.start()
        defer { if served.process.isRunning { kill(served.process.processIdentifier, SIGKILL) } }
        let health = try await HTTPClient.get(port: served.port, "/healthz")
        #expect(health.status == 200)

        // A request in flight: its head and half its body sent.
        let slow = try LoopbackConnection(port: served.port)
        try slow.sendHead(
            "POST", "/v1/models/mnist:classify?top=1", headers: [("Content-Type", "image/png")],
            bodyLength: seven.count)
        try slow.send(Array(seven.prefix(seven.count / 2)))
        try await ServerLimitsTests.waitForInflight(1, port: served.port)

        kill(served.process.processIdentifier, SIGTERM)
        try await Task.sleep(nanoseconds: 300_000_000)
        #expect(served.process.isRunning, "the server exited with a request in flight")

        let answer = try await HTTPClient.onThread {
            try slow.send(Array(seven.dropFirst(seven.count / 2)))
            return try slow.readAnswer()
        }
        #expect(answer.status == 200, "\(answer.text)")
        #expect(ServerClassifyTests.ranking(answer.json["predictions"]).first?.0 == "7")

        let status = try await Self.exitStatus(served.process, within: 10)
        #expect(status == 0)
        #expect(served.process.terminationReason == .exit)
    }

    @Test func sigintOnAnIdleServerExitsZero() async throws {
        let served = try await Self.start(["--no-batching"])
        defer { if served.process.isRunning { kill(served.process.processIdentifier, SIGKILL) } }
        let models = try await HTTPClient.get(port: served.port, "/v1/models/mnist")
        #expect(models.status == 200)
        kill(served.process.processIdentifier, SIGINT)
        #expect(try await Self.exitStatus(served.process, within: 10) == 0)
    }

    @Test func usageErrorsExitTwo() throws {
        let classify = try ServerTestSupport.executable("classify")
        let model = ServerTestSupport.bundledModel.path
        for arguments in [
            ["serve", "--model", model, "--model", model],
            ["serve", "--max-batch", "0"],
            ["serve", "--port", "70000"],
            ["serve", "--no-such-flag"],
        ] {
            let (status, _) = try ServerTestSupport.run(classify, arguments)
            #expect(status == 2, "\(arguments)")
        }
        let (status, help) = try ServerTestSupport.run(classify, ["serve", "--help"])
        #expect(status == 0)
        #expect(help.contains("--batch-window-ms"))
        let (missing, _) = try ServerTestSupport.run(
            classify, ["serve", "--port", "0", "--model", "/nonexistent/x.safetensors"])
        #expect(missing == 1)
    }
}
