import Hummingbird

/// Reads a request's body into memory with two limits enforced while it streams in: its size
/// (a `Content-Length` above the limit is refused before a byte is read; a chunked body as soon
/// as it passes the limit), and the request's deadline, checked at every chunk (a client that
/// stops sending altogether is cut off by the connection's idle timeout).
enum RequestBodyReader {
    /// The body of `request`, at most `limit` bytes.
    /// - Throws: ``APIError`` 413 `body_too_large` naming the limit; 503 `unavailable` past
    ///   `deadline` (seconds on ``InferenceBatcher/now()``'s clock); 400 `bad_request` when
    ///   the connection fails mid-body.
    static func read(_ request: Request, limit: Int, deadline: Double) async throws -> [UInt8] {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw tooLarge(limit, got: "\(declared) bytes")
        }
        var bytes: [UInt8] = []
        do {
            for try await chunk in request.body {
                guard bytes.count + chunk.readableBytes <= limit else {
                    throw tooLarge(limit, got: "more")
                }
                guard InferenceBatcher.now() <= deadline else {
                    throw APIError.unavailable(
                        "the request body arrived too slowly: the request took longer than "
                            + "the --request-timeout")
                }
                bytes += chunk.readableBytesView
            }
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.badRequest("cannot read the request body: \(error)")
        }
        return bytes
    }

    static func tooLarge(_ limit: Int, got: String) -> APIError {
        APIError(
            status: 413, code: "body_too_large",
            message: "the request body (\(got)) is larger than the limit of \(limit) bytes "
                + "(--max-body-bytes)")
    }
}
