import Datasets
import Foundation
import Hummingbird
import ImageClassification
import TensorMath

/// The endpoints of `classify serve` behind ``ServerResponder``: models, limits, metrics and
/// the draining state.
final class ServerCore: Sendable {
    let models: [ServedModel]
    let configuration: ServerConfiguration
    let metrics: ServerMetrics
    let state = ServerState()
    let web: WebFiles

    init(
        models: [ServedModel], configuration: ServerConfiguration, metrics: ServerMetrics,
        web: WebFiles
    ) {
        self.models = models
        self.configuration = configuration
        self.metrics = metrics
        self.web = web
    }

    /// The model named `name`.
    func model(named name: String) throws -> ServedModel {
        guard let model = models.first(where: { $0.name == name }) else {
            throw APIError(
                status: 404, code: "model_not_found",
                message: "no model named \"\(name)\" (served: "
                    + models.map(\.name).joined(separator: ", ") + ")")
        }
        return model
    }

    // MARK: GET

    /// `GET /healthz`: 200 `{"status":"ok","models":N}`, or 503 `{"status":"draining"}`.
    func health() -> Response {
        struct Health: Encodable {
            var status: String
            var models: Int?
        }
        if state.draining {
            return ServerResponder.json(Health(status: "draining"), status: .serviceUnavailable)
        }
        return ServerResponder.json(Health(status: "ok", models: models.count))
    }

    /// `GET /v1/models`.
    func listModels() -> Response {
        struct List: Encodable { var models: [ModelInfo] }
        return ServerResponder.json(List(models: models.map(\.info)))
    }

    /// `GET /v1/models/{name}`.
    func describeModel(named name: String) -> Response {
        do {
            return ServerResponder.json(try model(named: name).info)
        } catch {
            return ServerResponder.error(error as? APIError ?? .badRequest("\(error)"))
        }
    }

    // MARK: The rules of POST requests

    /// Runs a `:classify` or `:visualize` request under the server's rules: 503 while
    /// draining, 429 past the concurrency limit, 404 for an unknown model, the request
    /// timeout, the in-flight gauge, and the request counter and latency by model and status.
    func admitted(
        _ request: Request, modelName: String,
        _ body:
            (ServedModel, InferenceBatcher.Ticket, _ deadline: Double, _ start: Double)
            async throws -> Response
    ) async -> Response {
        let start = InferenceBatcher.now()
        let clock = ContinuousClock.now
        var label = "unknown"
        let response: Response
        do {
            guard !state.draining else {
                throw APIError.unavailable("the server is shutting down")
            }
            let model = try model(named: modelName)
            label = model.name
            guard state.admit(limit: configuration.maxConcurrent) else {
                throw APIError(
                    status: 429, code: "too_many_requests",
                    message: "more than \(configuration.maxConcurrent) requests in flight "
                        + "(--max-concurrent); retry later")
            }
            metrics.started()
            let ticket = model.batcher.expect()
            defer {
                model.batcher.settle(ticket)
                metrics.finished()
                state.release()
            }
            response = try await body(
                model, ticket, start + configuration.requestTimeout, start)
        } catch let error as APIError {
            response = ServerResponder.error(error)
        } catch {
            response = ServerResponder.error(
                APIError(status: 500, code: "internal", message: "\(error)"))
        }
        metrics.record(
            model: label, status: Int(response.status.code), duration: ContinuousClock.now - clock)
        return response
    }

    /// The `top` parameter: default 5, at least 1.
    /// - Throws: ``APIError`` 400 for a value that is not an integer of at least 1.
    static func top(_ text: String?) throws -> Int {
        guard let text else { return 5 }
        guard let value = Int(text), value >= 1 else {
            throw APIError.badRequest("top must be an integer of at least 1, got \"\(text)\"")
        }
        return value
    }

    /// The `top` most probable classes of one image's probabilities, ranked as `classify`
    /// ranks them (``ImageClassifier/ranked(_:top:)``).
    static func ranking(_ row: [Float], top: Int, model: ServedModel) throws
        -> [ClassifyResponses.Prediction]
    {
        let probabilities = try Tensor(shape: [1, row.count], scalars: row)
        return (model.classifier.ranked(probabilities, top: top).first ?? []).map {
            ClassifyResponses.Prediction($0)
        }
    }

    /// `work`'s result (a batcher job given the request's deadline), or 503 `unavailable` when
    /// the deadline passed before the job's pass started.
    static func withRequestTimeout<T>(_ work: () async throws -> T) async throws -> T {
        do {
            return try await work()
        } catch is InferenceBatcher.DeadlinePassed {
            throw APIError.unavailable(
                "the request waited longer than the --request-timeout for the model")
        }
    }
}
