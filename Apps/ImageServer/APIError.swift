import Datasets
import Foundation
import ImageClassification

/// An error answer of the HTTP API: its status, a stable machine-readable code and a sentence
/// for people that names the limit or the problem. Encoded as
/// `{"error": {"status": 413, "code": "body_too_large", "message": "…"}}`.
public struct APIError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The HTTP status (400, 404, 405, 413, 415, 429, 500 or 503).
    public var status: Int
    /// The code: `bad_request`, `model_not_found`, `not_found`, `method_not_allowed`,
    /// `body_too_large`, `too_many_pixels`, `unsupported_media_type`, `too_many_requests`,
    /// `unavailable` or `internal`.
    public var code: String
    /// What went wrong, for people.
    public var message: String

    /// Creates an error answer.
    public init(status: Int, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(status) \(code): \(message)" }

    /// 400: a corrupt image, bad JSON or base64, a bad parameter.
    static func badRequest(_ message: String) -> APIError {
        APIError(status: 400, code: "bad_request", message: message)
    }

    /// 503: draining at shutdown or past the request timeout.
    static func unavailable(_ message: String) -> APIError {
        APIError(status: 503, code: "unavailable", message: message)
    }

    /// The answer for an error thrown while decoding or preparing an uploaded image:
    /// 415 for bytes that are neither PNG nor JPEG, 413 for an image that declares more pixels
    /// than allowed, 400 for a damaged one.
    static func forImage(_ error: Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as DatasetError:
            switch error {
            case .unsupportedFormat:
                return APIError(
                    status: 415, code: "unsupported_media_type", message: error.description)
            case .limitExceeded(_, let reason) where reason.contains("pixels"):
                return APIError(
                    status: 413, code: "too_many_pixels",
                    message: error.description + " (--max-pixels)")
            default:
                return .badRequest(error.description)
            }
        default:
            return .badRequest("\(error)")
        }
    }

    /// The JSON body of the answer.
    var json: [UInt8] {
        let body = Envelope(error: .init(status: status, code: code, message: message))
        return (try? JSONCoding.encode(body)) ?? Array("{}".utf8)
    }

    private struct Envelope: Encodable {
        struct Body: Encodable {
            var status: Int
            var code: String
            var message: String
        }
        var error: Body
    }
}

/// The JSON encoder of every answer: keys as written, slashes unescaped.
enum JSONCoding {
    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return Array(try encoder.encode(value))
    }
}
