import Foundation
import Hummingbird
import ImageClassification
import NIOCore

/// Routes every request of `classify serve` (see `ClassificationServer` for the API) and turns
/// every failure into the contract's JSON error: 404 for an unknown path or model, 405 with
/// `Allow` for a known path and another method.
struct ServerResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let core: ServerCore

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        let method = request.method
        func only(_ allowed: HTTPRequest.Method, _ answer: () async -> Response) async -> Response {
            guard method == allowed else { return Self.methodNotAllowed(method, allowed: allowed) }
            return await answer()
        }
        if let file = core.web.files[path] {
            return await only(.get) {
                Response(
                    status: .ok, headers: [.contentType: file.contentType],
                    body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
            }
        }
        switch path {
        case "/healthz":
            return await only(.get) { core.health() }
        case "/metrics":
            return await only(.get) {
                Response(
                    status: .ok,
                    headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(bytes: core.metrics.exposition())))
            }
        case "/v1/models", "/v1/models/":
            return await only(.get) { core.listModels() }
        default:
            break
        }
        let prefix = "/v1/models/"
        guard path.hasPrefix(prefix) else {
            return Self.error(
                APIError(status: 404, code: "not_found", message: "no such path: \(path)"))
        }
        let target = String(path.dropFirst(prefix.count))
        guard !target.contains("/") else {
            return Self.error(
                APIError(status: 404, code: "not_found", message: "no such path: \(path)"))
        }
        guard let colon = target.lastIndex(of: ":") else {
            return await only(.get) { core.describeModel(named: target) }
        }
        let name = String(target[..<colon])
        let action = target[target.index(after: colon)...]
        switch action {
        case "classify":
            return await only(.post) { await core.classify(request, modelName: name) }
        case "visualize":
            return await only(.post) { await core.visualize(request, modelName: name) }
        default:
            return Self.error(
                APIError(
                    status: 404, code: "not_found",
                    message: "no such action :\(action) (use :classify or :visualize)"))
        }
    }

    /// A JSON answer.
    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        do {
            return json(bytes: try JSONCoding.encode(value), status: status)
        } catch {
            return Self.error(
                APIError(
                    status: 500, code: "internal", message: "cannot encode the answer: \(error)"))
        }
    }

    /// A JSON answer already encoded.
    static func json(bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The JSON answer of an error.
    static func error(_ error: APIError, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(
            status: HTTPResponse.Status(code: error.status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: error.json)))
    }

    /// 405 with the allowed method.
    static func methodNotAllowed(_ method: HTTPRequest.Method, allowed: HTTPRequest.Method)
        -> Response
    {
        error(
            APIError(
                status: 405, code: "method_not_allowed",
                message: "\(method.rawValue) is not allowed here; use \(allowed.rawValue)"),
            headers: [.allow: allowed.rawValue])
    }
}
