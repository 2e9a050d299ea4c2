import Datasets
import Foundation
import Hummingbird
import ImageClassification

/// What a `:classify` or `:visualize` request uploads: one image as the raw body
/// (`image/png`, `image/jpeg` or `application/octet-stream`, recognised by its magic bytes),
/// or a JSON batch `{"images": ["<base64 PNG or JPEG>", …], "top": K}`.
enum ImageUpload {
    /// The body's kind, from its `Content-Type`.
    enum Kind: Equatable {
        /// One image; the bytes decide PNG or JPEG.
        case image
        /// A JSON batch of base64 images.
        case json
    }

    /// The JSON batch's fields.
    struct Batch: Decodable {
        var images: [String]
        var top: Int?
    }

    /// The kind of body a `Content-Type` announces (none: sniff the bytes, as
    /// `application/octet-stream`).
    /// - Throws: ``APIError`` 415 `unsupported_media_type` naming the type and the accepted
    ///   ones.
    static func kind(contentType: String?) throws -> Kind {
        guard let contentType else { return .image }
        let type = contentType.split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        switch type ?? "" {
        case "image/png", "image/jpeg", "image/jpg", "application/octet-stream": return .image
        case "application/json": return .json
        default:
            throw APIError(
                status: 415, code: "unsupported_media_type",
                message: "Content-Type \(contentType) is not accepted: send image/png, "
                    + "image/jpeg or application/octet-stream with the image as the body, or "
                    + "application/json {\"images\": [base64, ...]}")
        }
    }

    /// The JSON batch in `body`.
    /// - Throws: ``APIError`` 400 for JSON that is not `{"images": [strings], "top": int}`,
    ///   an empty list, or more than `maxImages` images.
    static func batch(_ body: [UInt8], maxImages: Int) throws -> Batch {
        let batch: Batch
        do {
            batch = try JSONDecoder().decode(Batch.self, from: Data(body))
        } catch {
            throw APIError.badRequest(
                "the body is not JSON of the form {\"images\": [\"<base64 PNG or JPEG>\", ...], "
                    + "\"top\": K}: \(describe(error))")
        }
        guard !batch.images.isEmpty else {
            throw APIError.badRequest("\"images\" is empty: send at least one image")
        }
        guard batch.images.count <= maxImages else {
            throw APIError.badRequest(
                "\(batch.images.count) images in one request; the limit is \(maxImages)")
        }
        return batch
    }

    /// The bytes of one base64 image of a JSON batch (a `data:…;base64,` prefix is allowed).
    /// - Throws: ``APIError`` 400 naming the image for text that is not base64.
    static func decodeBase64(_ text: String, index: Int) throws -> [UInt8] {
        var text = Substring(text)
        if text.hasPrefix("data:"), let comma = text.firstIndex(of: ",") {
            text = text[text.index(after: comma)...]
        }
        guard let data = Data(base64Encoded: String(text), options: .ignoreUnknownCharacters),
            !data.isEmpty || text.isEmpty
        else {
            throw APIError.badRequest("images[\(index)] is not valid base64")
        }
        return Array(data)
    }

    /// Decodes `bytes` (PNG or JPEG, refused from its header above `maxPixels`) and prepares
    /// the image for `pipeline`.
    /// - Throws: ``APIError`` 415 for bytes that are neither PNG nor JPEG, 413
    ///   `too_many_pixels`, 400 for a damaged image; each names `source`.
    static func prepared(
        _ bytes: [UInt8], source: String, maxPixels: Int, pipeline: PreprocessingPipeline
    ) throws -> (image: Image, prepared: Image) {
        do {
            let image = try Image(encoded: bytes, source: source, maxPixels: maxPixels)
            return (image, try pipeline.preparedImage(image))
        } catch {
            throw APIError.forImage(error)
        }
    }

    /// A decoding error in one line.
    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context):
            return context.debugDescription
        case DecodingError.keyNotFound(let key, _):
            return "\"\(key.stringValue)\" is missing"
        case DecodingError.typeMismatch(_, let context),
            DecodingError.valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "\(path): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }
}
