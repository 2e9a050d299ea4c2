import Datasets
import Foundation
import Hummingbird
import ImageClassification

extension ServerCore {
    /// `POST /v1/models/{name}:visualize`: one image (raw, or a JSON batch of one).
    func visualize(_ request: Request, modelName: String) async -> Response {
        await admitted(request, modelName: modelName) { model, ticket, deadline, start in
            let kind = try ImageUpload.kind(contentType: request.headers[.contentType])
            var body = try await RequestBodyReader.read(
                request, limit: self.configuration.maxBodyBytes, deadline: deadline)
            if kind == .json {
                let batch = try ImageUpload.batch(body, maxImages: 1)
                body = try ImageUpload.decodeBase64(batch.images[0], index: 0)
            }
            let image = try ImageUpload.prepared(
                body, source: "the request body", maxPixels: self.configuration.maxPixels,
                pipeline: model.classifier.pipeline)
            let outcome = try await Self.withRequestTimeout {
                try await model.batcher.trace(image.prepared, ticket: ticket, deadline: deadline)
            }
            let pictures = try NetworkVisualization.Pictures(
                outcome.trace, classifier: model.classifier)
            let probabilities = outcome.trace.probabilities.withUnsafeBufferPointer(Array.init)
            func url(_ image: Image) throws -> String {
                "data:image/png;base64," + Data(try image.pngData()).base64EncodedString()
            }
            return ServerResponder.json(
                ClassifyResponses.Visualization(
                    model: model.name, version: model.version,
                    prediction: .init(pictures.prediction), probabilities: probabilities,
                    input: .init(
                        png: try url(pictures.input.image), width: pictures.input.file.width,
                        height: pictures.input.file.height),
                    filters: try pictures.filters.map {
                        .init(
                            layer: $0.file.layer, png: try url($0.image), width: $0.file.width,
                            height: $0.file.height)
                    },
                    layers: try pictures.featureMaps.enumerated().map { index, map in
                        .init(
                            index: index, name: map.file.layer, type: map.file.type,
                            outputShape: map.file.shape, png: try url(map.image),
                            width: map.file.width, height: map.file.height,
                            summary: map.file.summary)
                    },
                    timing: .init(
                        queue: outcome.queueSeconds, inference: outcome.inferenceSeconds,
                        total: InferenceBatcher.now() - start)))
        }
    }
}
