import Datasets
import Foundation
import Hummingbird
import ImageClassification

extension ServerCore {
    /// `POST /v1/models/{name}:classify[?top=K]`: one raw image, or a JSON batch
    /// `{"images": [base64, ...], "top": K}`.
    func classify(_ request: Request, modelName: String) async -> Response {
        await admitted(request, modelName: modelName) { model, ticket, deadline, start in
            let kind = try ImageUpload.kind(contentType: request.headers[.contentType])
            let top = try Self.top(request.uri.queryParameters["top"].map(String.init))
            let body = try await RequestBodyReader.read(
                request, limit: self.configuration.maxBodyBytes, deadline: deadline)
            switch kind {
            case .image:
                return try await self.classifyImage(
                    body, model: model, ticket: ticket, top: top, deadline: deadline,
                    start: start)
            case .json:
                return try await self.classifyBatch(
                    body, model: model, ticket: ticket, top: top, deadline: deadline,
                    start: start)
            }
        }
    }

    /// The answer for one raw image: its ranking and the size of the pass it rode in.
    private func classifyImage(
        _ body: [UInt8], model: ServedModel, ticket: InferenceBatcher.Ticket, top: Int,
        deadline: Double, start: Double
    ) async throws -> Response {
        let image = try ImageUpload.prepared(
            body, source: "the request body", maxPixels: configuration.maxPixels,
            pipeline: model.classifier.pipeline)
        let outcome = try await Self.withRequestTimeout {
            try await model.batcher.classify(
                [image.prepared], ticket: ticket, deadline: deadline)
        }
        let answer = ClassifyResponses.Single(
            model: model.name, version: model.version,
            predictions: try Self.ranking(outcome.probabilities[0], top: top, model: model),
            batchSize: outcome.batchSize,
            timing: .init(
                queue: outcome.queueSeconds, inference: outcome.inferenceSeconds,
                total: InferenceBatcher.now() - start))
        guard let bytes = answer.jsonBytes() else { return ServerResponder.json(answer) }
        return ServerResponder.json(bytes: bytes)
    }

    /// The answer for a JSON batch: a ranking or an error per image, in order; the images
    /// that decode run in one job (one forward pass unless it exceeds the batch limit).
    private func classifyBatch(
        _ body: [UInt8], model: ServedModel, ticket: InferenceBatcher.Ticket, top queryTop: Int,
        deadline: Double, start: Double
    ) async throws -> Response {
        let batch = try ImageUpload.batch(body, maxImages: configuration.maxImagesPerRequest)
        let top = try batch.top.map { try Self.top(String($0)) } ?? queryTop
        var results: [ClassifyResponses.Result?] = []
        var prepared: [Image] = []
        for (index, text) in batch.images.enumerated() {
            do {
                let bytes = try ImageUpload.decodeBase64(text, index: index)
                prepared.append(
                    try ImageUpload.prepared(
                        bytes, source: "images[\(index)]", maxPixels: configuration.maxPixels,
                        pipeline: model.classifier.pipeline
                    ).prepared)
                results.append(nil)
            } catch {
                results.append(.error(APIError.forImage(error)))
            }
        }
        var queue = 0.0, inference = 0.0
        if !prepared.isEmpty {
            let images = prepared
            let outcome = try await Self.withRequestTimeout {
                try await model.batcher.classify(images, ticket: ticket, deadline: deadline)
            }
            var rows = outcome.probabilities.makeIterator()
            for index in results.indices where results[index] == nil {
                guard let row = rows.next() else { break }
                results[index] = .predictions(try Self.ranking(row, top: top, model: model))
            }
            (queue, inference) = (outcome.queueSeconds, outcome.inferenceSeconds)
        }
        let missing = APIError(
            status: 500, code: "internal", message: "the model gave no answer for this image")
        return ServerResponder.json(
            ClassifyResponses.Batch(
                model: model.name, version: model.version,
                results: results.map { $0 ?? .error(missing) },
                timing: .init(
                    queue: queue, inference: inference, total: InferenceBatcher.now() - start)))
    }
}
