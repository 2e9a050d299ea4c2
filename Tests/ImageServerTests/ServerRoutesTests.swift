import Foundation
import ImageServer
import Testing

/// The GET endpoints, the page's files, and the answers for unknown paths and wrong methods.
@Suite struct ServerRoutesTests {
    @Test func healthzAndModels() async throws {
        try await RunningServer.with { server in
            let health = try await HTTPClient.get(port: server.port, "/healthz")
            #expect(health.status == 200)
            #expect(health.json["status"] as? String == "ok")
            #expect(health.json["models"] as? Int == 1)

            let list = try await HTTPClient.get(port: server.port, "/v1/models")
            #expect(list.status == 200)
            #expect(list.headers["content-type"] == "application/json")
            let models = try #require(list.json["models"] as? [[String: Any]])
            #expect(models.count == 1)
            let model = try #require(models.first)
            #expect(model["name"] as? String == "mnist")
            let version = try #require(model["version"] as? String)
            #expect(version.count == 12 && version.allSatisfy(\.isHexDigit))
            let file = try Data(contentsOf: ServerTestSupport.bundledModel)
            #expect(version == String(file.withUnsafeBytes { SHA256.hex($0) }.prefix(12)))
            #expect(model["classes"] as? [String] == (0...9).map(String.init))
            let input = try #require(model["input"] as? [String: Int])
            #expect(input == ["channels": 1, "height": 28, "width": 28])
            let preprocessing = try #require(model["preprocessing"] as? [String: Any])
            #expect(preprocessing["method"] as? String == "mnist-centering")
            #expect(model.keys.contains("provenance"))
            let layers = try #require(model["layers"] as? [[String: Any]])
            #expect(layers.first?["type"] as? String == "Conv2D")
            #expect(layers.first?["output_shape"] as? [Int] == [16, 28, 28])
            #expect(layers.map { $0["index"] as? Int } == Array(0..<layers.count))
            let total = layers.compactMap { $0["parameters"] as? Int }.reduce(0, +)
            #expect(total == model["parameters"] as? Int)
            #expect(layers.last?["output_shape"] as? [Int] == [10])

            let one = try await HTTPClient.get(port: server.port, "/v1/models/mnist")
            #expect(one.status == 200)
            #expect(one.json["name"] as? String == "mnist")
            #expect(one.json["version"] as? String == version)

            let missing = try await HTTPClient.get(port: server.port, "/v1/models/nope")
            #expect(missing.status == 404)
            #expect(missing.errorCode == "model_not_found")
            let error = try #require(missing.json["error"] as? [String: Any])
            #expect(error["status"] as? Int == 404)
            #expect((error["message"] as? String)?.contains("nope") == true)
        }
    }

    @Test func pageFilesFromMemory() async throws {
        try await RunningServer.with { server in
            for (path, type) in [
                ("/", "text/html"), ("/static/app.js", "text/javascript"),
                ("/static/style.css", "text/css"),
            ] {
                let answer = try await HTTPClient.get(port: server.port, path)
                #expect(answer.status == 200, "\(path)")
                #expect(answer.headers["content-type"]?.hasPrefix(type) == true, "\(path)")
                #expect(!answer.body.isEmpty, "\(path)")
            }
            let page = try await HTTPClient.get(port: server.port, "/")
            #expect(page.text.contains("<html"))
        }
    }

    @Test func unknownPathsAndWrongMethods() async throws {
        try await RunningServer.with { server in
            for path in ["/nothing", "/static/other.js", "/v1/models/mnist:explode", "/v1/x"] {
                let answer = try await HTTPClient.get(port: server.port, path)
                #expect(answer.status == 404, "\(path)")
                #expect(answer.errorCode == "not_found", "\(path)")
            }
            let get = try await HTTPClient.get(port: server.port, "/v1/models/mnist:classify")
            #expect(get.status == 405)
            #expect(get.errorCode == "method_not_allowed")
            #expect(get.headers["allow"] == "POST")
            let post = try await HTTPClient.request(port: server.port, "POST", "/healthz")
            #expect(post.status == 405)
            #expect(post.headers["allow"] == "GET")
            let delete = try await HTTPClient.request(port: server.port, "DELETE", "/v1/models")
            #expect(delete.status == 405)
        }
    }

    @Test func refusesBadConfigurationsAndDuplicateNames() throws {
        var configuration = ServerConfiguration(port: 0)
        configuration.maxBatch = 0
        #expect(throws: ServerStartError.self) {
            try ClassificationServer(
                modelFiles: [ServerTestSupport.bundledModel], configuration: configuration)
        }
        #expect(
            throws: ServerStartError.duplicateModelName(
                name: "mnist",
                paths: [ServerTestSupport.bundledModel.path, ServerTestSupport.bundledModel.path])
        ) {
            try ClassificationServer(
                modelFiles: [ServerTestSupport.bundledModel, ServerTestSupport.bundledModel],
                configuration: ServerConfiguration(port: 0))
        }
        let missing = URL(fileURLWithPath: "/nonexistent/model.safetensors")
        #expect {
            try ClassificationServer(
                modelFiles: [missing], configuration: ServerConfiguration(port: 0))
        } throws: { error in
            "\(error)".contains("/nonexistent/model.safetensors")
        }
    }

    @Test func sha256KnownAnswers() {
        func hex(_ text: String) -> String { Array(text.utf8).withUnsafeBytes { SHA256.hex($0) } }
        #expect(hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(hex(long) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            hex(String(repeating: "a", count: 1000))
                == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}
