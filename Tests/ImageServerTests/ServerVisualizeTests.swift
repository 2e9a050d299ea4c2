import Datasets
import Foundation
import ImageServer
import Testing

/// `:visualize` answers the pictures `classify --visualize` writes, pixel for pixel.
@Suite struct ServerVisualizeTests {
    /// The image of a PNG data URL.
    static func image(_ value: Any?) throws -> Image {
        let url = try #require(value as? String)
        let prefix = "data:image/png;base64,"
        try #require(url.hasPrefix(prefix))
        let data = try #require(Data(base64Encoded: String(url.dropFirst(prefix.count))))
        return try Image(encoded: Array(data))
    }

    @Test func picturesEqualClassifyVisualize() async throws {
        let name = "4-png-grey.png"
        let folder = try ServerTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (status, _) = try ServerTestSupport.run(
            ServerTestSupport.executable("classify"),
            ["--visualize", folder.path, try ServerTestSupport.digitPath(name)])
        #expect(status == 0)
        let written = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".png") }.sorted()

        try await RunningServer.with { server in
            let answer = try await HTTPClient.post(
                port: server.port, "/v1/models/mnist:visualize",
                body: try ServerTestSupport.digit(name))
            #expect(answer.status == 200, "\(answer.text.prefix(300))")
            let json = answer.json
            #expect(json["model"] as? String == "mnist")
            let prediction = try #require(json["prediction"] as? [String: Any])
            #expect(prediction["class"] as? String == "4")
            let probabilities = try #require(json["probabilities"] as? [Double])
            #expect(probabilities.count == 10)
            #expect(abs(probabilities.reduce(0, +) - 1) < 1e-4)

            func file(_ name: String) throws -> Image {
                try Image(contentsOf: folder.appendingPathComponent(name).path)
            }
            let input = try #require(json["input"] as? [String: Any])
            let inputImage = try Self.image(input["png"])
            #expect(inputImage == (try file("00-input.png")))
            #expect(input["width"] as? Int == inputImage.width)

            let filters = try #require(json["filters"] as? [String: Any])
            let filtersFile = try #require(written.first { $0.hasPrefix("filters-") })
            #expect(filtersFile == "filters-\(filters["layer"] as? String ?? "?").png")
            #expect(try Self.image(filters["png"]) == (try file(filtersFile)))

            let layers = try #require(json["layers"] as? [[String: Any]])
            let mapFiles = written.filter { $0.hasSuffix("-feature-maps.png") }
            #expect(layers.count == mapFiles.count)
            #expect(layers.count >= 4)
            for (layer, fileName) in zip(layers, mapFiles) {
                let layerName = layer["name"] as? String ?? "?"
                #expect(fileName.contains(layerName), "\(fileName) vs \(layerName)")
                let image = try Self.image(layer["png"])
                #expect(image == (try file(fileName)), "\(fileName)")
                #expect(layer["width"] as? Int == image.width)
                #expect((layer["output_shape"] as? [Int])?.count == 3)
                #expect((layer["summary"] as? String)?.isEmpty == false)
            }
            #expect(layers.first?["type"] as? String == "Conv2D")
        }
    }

    @Test func visualizeRefusesBadImages() async throws {
        try await RunningServer.with { server in
            let answer = try await HTTPClient.post(
                port: server.port, "/v1/models/mnist:visualize", body: Array("no".utf8))
            #expect(answer.status == 415)
            let missing = try await HTTPClient.post(
                port: server.port, "/v1/models/other:visualize",
                body: try ServerTestSupport.digit("7-png-grey.png"))
            #expect(missing.status == 404)
            #expect(missing.errorCode == "model_not_found")
        }
    }
}
