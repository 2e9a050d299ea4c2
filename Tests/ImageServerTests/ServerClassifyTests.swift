import Checkpoints
import Foundation
import ImageServer
import Testing

/// `:classify` with raw images and JSON batches: the answers equal `classify`'s, and bad input
/// gets its status without hurting the server.
@Suite struct ServerClassifyTests {
    /// The classes and probabilities of a JSON ranking.
    static func ranking(_ value: Any?) -> [(String, Double)] {
        ((value as? [[String: Any]]) ?? []).map {
            ($0["class"] as? String ?? "?", ($0["probability"] as? NSNumber)?.doubleValue ?? -1)
        }
    }

    @Test func answersEscapeClassNamesAsJSON() async throws {
        // The bundled model's weights under class names JSON must escape (quotes, backslash,
        // control characters) or keep as they are (slash, other UTF-8).
        let bundled = try SafeTensorsFile(contentsOf: ServerTestSupport.bundledModel)
        var description = try bundled.modelDescription()
        let names = [
            "zero \"0\"", "one\\1", "two\t2", "three\n3", "four/4", "fünf", "six\u{1}6",
            "seven", "eight 🎱", "nine\r\u{1F}9",
        ]
        description.classNames = names
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("serve-json-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("escapes.safetensors")
        try SafeTensorsFile.write(try bundled.tensors(), description: description, to: file)
        try await RunningServer.with(modelFiles: [file]) { server in
            let answer = try await HTTPClient.post(
                port: server.port, "/v1/models/escapes:classify?top=10",
                body: try ServerTestSupport.digit("7-png-grey.png"))
            #expect(answer.status == 200, "\(answer.text)")
            #expect(answer.json["model"] as? String == "escapes")
            let served = Self.ranking(answer.json["predictions"])
            #expect(served.first?.0 == "seven", "\(answer.text)")
            #expect(Set(served.map(\.0)) == Set(names), "\(answer.text)")
            #expect(answer.text.contains("four/4"))
        }
    }

    @Test func predictionsEqualTheCommandLine() async throws {
        let names = ["7-png-grey.png", "3-jpeg-baseline.jpg", "0-png-grey.png"]
        let paths = try names.map(ServerTestSupport.digitPath)
        let (status, output) = try ServerTestSupport.run(
            ServerTestSupport.executable("classify"), ["--json", "--top", "3"] + paths)
        #expect(status == 0)
        let expected = try #require(
            try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]])
        try await RunningServer.with { server in
            for (index, name) in names.enumerated() {
                let answer = try await HTTPClient.post(
                    port: server.port, "/v1/models/mnist:classify?top=3",
                    body: try ServerTestSupport.digit(name),
                    contentType: name.hasSuffix(".png") ? "image/png" : "image/jpeg")
                #expect(answer.status == 200, "\(name): \(answer.text)")
                #expect(answer.json["model"] as? String == "mnist")
                #expect((answer.json["batch_size"] as? Int ?? 0) >= 1)
                let timing = try #require(answer.json["timing_ms"] as? [String: Double])
                #expect(Set(timing.keys) == ["queue", "inference", "total"])
                let served = Self.ranking(answer.json["predictions"])
                let cli = Self.ranking(expected[index]["top"])
                #expect(served.count == 3)
                #expect(served.map(\.0) == cli.map(\.0), "\(name)")
                for (a, b) in zip(served, cli) {
                    #expect(abs(a.1 - b.1) < 1e-5, "\(name): \(a) vs \(b)")
                }
                #expect(served.first?.0 == String(name.prefix(1)))
            }
        }
    }

    @Test func topDefaultsToFiveAndIsClampedAndChecked() async throws {
        let seven = try ServerTestSupport.digit("7-png-grey.png")
        try await RunningServer.with { server in
            let plain = try await HTTPClient.post(
                port: server.port, "/v1/models/mnist:classify", body: seven,
                contentType: "application/octet-stream")
            #expect(Self.ranking(plain.json["predictions"]).count == 5)
            let all = try await HTTPClient.post(
                port: server.port, "/v1/models/mnist:classify?top=50", body: seven)
            #expect(Self.ranking(all.json["predictions"]).count == 10)
            for bad in ["0", "-1", "abc"] {
                let answer = try await HTTPClient.post(
                    port: server.port, "/v1/models/mnist:classify?top=\(bad)", body: seven)
                #expect(answer.status == 400, "top=\(bad)")
                #expect(answer.errorCode == "bad_request")
            }
        }
    }

    @Test func corruptUploadsAreRefusedAndTheServerKeepsAnswering() async throws {
        let seven = try ServerTestSupport.digit("7-png-grey.png")
        try await RunningServer.with { server in
            let path = "/v1/models/mnist:classify"
            // A PNG cut short, and a PNG with damaged image data.
            var damaged = seven
            for i in stride(from: 60, to: damaged.count - 12, by: 7) { damaged[i] ^= 0x5A }
            for body in [Array(seven.prefix(seven.count / 2)), damaged] {
                let answer = try await HTTPClient.post(port: server.port, path, body: body)
                #expect(answer.status == 400, "\(answer.text)")
                #expect(answer.errorCode == "bad_request")
            }
            // Bytes that are no image at all, and a type that is not accepted.
            let text = try await HTTPClient.post(
                port: server.port, path, body: Array("hello".utf8))
            #expect(text.status == 415)
            #expect(text.errorCode == "unsupported_media_type")
            let gif = try await HTTPClient.post(
                port: server.port, path, body: seven, contentType: "image/gif")
            #expect(gif.status == 415)
            let form = try await HTTPClient.post(
                port: server.port, path, body: seven,
                contentType: "application/x-www-form-urlencoded")
            #expect(form.status == 415)
            // Still serving.
            let health = try await HTTPClient.get(port: server.port, "/healthz")
            #expect(health.status == 200)
            let good = try await HTTPClient.post(port: server.port, path, body: seven)
            #expect(good.status == 200)
            #expect(Self.ranking(good.json["predictions"]).first?.0 == "7")
        }
    }

    @Test func expectContinueGetsAGoAhead() async throws {
        let seven = try ServerTestSupport.digit("7-png-grey.png")
        try await RunningServer.with { server in
            let (interim, final) = try await HTTPClient.onThread {
                let connection = try LoopbackConnection(port: server.port)
                try connection.sendHead(
                    "POST", "/v1/models/mnist:classify",
                    headers: [("Content-Type", "image/png"), ("Expect", "100-continue")],
                    bodyLength: seven.count)
                let interim = try connection.readAnswer()  // sent before the body
                try connection.send(seven)
                return (interim, try connection.readAnswer())
            }
            #expect(interim.status == 100)
            #expect(final.status == 200)
            #expect(Self.ranking(final.json["predictions"]).first?.0 == "7")
        }
    }

    @Test func jsonBatchWithOneCorruptImage() async throws {
        let seven = try ServerTestSupport.digit("7-png-grey.png")
        let three = try ServerTestSupport.digit("3-jpeg-baseline.jpg")
        let corrupt = Array(seven.prefix(40))
        let images = [seven, corrupt, three].map { Data($0).base64EncodedString() }
        let body = try JSONSerialization.data(withJSONObject: ["images": images, "top": 2])
        try await RunningServer.with { server in
            let answer = try await HTTPClient.post(
                port: server.port, "/v1/models/mnist:classify", body: Array(body),
                contentType: "application/json")
            #expect(answer.status == 200, "\(answer.text)")
            #expect(answer.json["model"] as? String == "mnist")
            #expect(answer.json["timing_ms"] is [String: Any])
            let results = try #require(answer.json["results"] as? [[String: Any]])
            #expect(results.count == 3)
            #expect(Self.ranking(results[0]["predictions"]).map(\.0).first == "7")
            #expect(Self.ranking(results[0]["predictions"]).count == 2)
            let error = try #require(results[1]["error"] as? [String: Any])
            #expect(error["status"] as? Int == 400)
            #expect((error["message"] as? String)?.contains("images[1]") == true)
            #expect(Self.ranking(results[2]["predictions"]).map(\.0).first == "3")

            // Every image bad: still 200, with errors.
            let allBad = try JSONSerialization.data(withJSONObject: ["images": ["!!!", "AAAA"]])
            let bad = try await HTTPClient.post(
                port: server.port, "/v1/models/mnist:classify", body: Array(allBad),
                contentType: "application/json")
            #expect(bad.status == 200)
            let errors = try #require(bad.json["results"] as? [[String: Any]])
            #expect(errors.allSatisfy { $0["error"] != nil })

            // Malformed JSON, no images, a bad top.
            for text in ["{", "{\"images\": []}", "{\"images\": [\"\(images[0])\"], \"top\": 0}"] {
                let answer = try await HTTPClient.post(
                    port: server.port, "/v1/models/mnist:classify", body: Array(text.utf8),
                    contentType: "application/json")
                #expect(answer.status == 400, "\(text.prefix(30))")
                #expect(answer.errorCode == "bad_request")
            }
        }
    }
}
