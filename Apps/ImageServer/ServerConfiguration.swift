/// The settings of a ``ClassificationServer``: where it listens, its limits against slow, huge
/// or too many clients, and how it batches images into forward passes. `classify serve`'s
/// flags set them; the defaults are the contract's (`docs/serve-api.md`, the brief's HTTP
/// contract).
public struct ServerConfiguration: Sendable, Equatable {
    /// The address to bind: `127.0.0.1` (default) for this machine only, `0.0.0.0` for all.
    public var host: String
    /// The TCP port; 0 (the tests' choice) picks a free one. Default 8080.
    public var port: Int
    /// The largest request body accepted, in bytes; larger bodies are refused with 413
    /// `body_too_large` as soon as their `Content-Length` or their streamed bytes pass it.
    /// Default 16 MiB.
    public var maxBodyBytes: Int
    /// The most pixels an uploaded image may declare in its header (width × height); larger
    /// images are refused with 413 `too_many_pixels` before they are decoded. Default 40 MP.
    public var maxPixels: Int
    /// The most `:classify` and `:visualize` requests in flight at once (reading their body,
    /// queued or running); one more is answered 429 `too_many_requests`. Default 256.
    public var maxConcurrent: Int
    /// How long a request may take from its first byte to its answer, in seconds; past it the
    /// answer is 503 `unavailable` (checked as the body streams in and while it is queued). A
    /// connection that sends nothing for a second longer is closed (``idleTimeout``): a
    /// client that stops mid-body is cut off. Default 30.
    public var requestTimeout: Double
    /// How long a batcher waits, in milliseconds, after the first image of a batch arrives for
    /// more to join it. Default 2.
    public var batchWindowMilliseconds: Double
    /// The most images in one forward pass (a JSON request with more images than this runs
    /// them all in one pass). Default 32.
    public var maxBatch: Int
    /// Whether concurrent requests share forward passes (dynamic batching); `false` runs each
    /// request's images alone (`--no-batching`, for the load comparison). Default `true`.
    public var batching: Bool
    /// The most images in one JSON request; more is a 400 `bad_request`. Default 256.
    public var maxImagesPerRequest: Int

    /// The configuration with the contract's defaults, listening on `host:port`.
    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
        maxBodyBytes = 16 << 20
        maxPixels = 40_000_000
        maxConcurrent = 256
        requestTimeout = 30
        batchWindowMilliseconds = 2
        maxBatch = 32
        batching = true
        maxImagesPerRequest = 256
    }

    /// How long a connection may stay silent, in seconds: the request timeout and a second.
    public var idleTimeout: Double { requestTimeout + 1 }

    /// The most images a batcher puts in one forward pass: 1 without batching.
    var effectiveMaxBatch: Int { batching ? max(1, maxBatch) : 1 }

    /// The batching window in seconds: 0 without batching.
    var effectiveWindow: Double { batching ? max(0, batchWindowMilliseconds) / 1000 : 0 }

    /// The first setting out of its range, described for a usage error, or `nil`.
    public var problem: String? {
        if host.isEmpty { return "--host must not be empty" }
        if !(0...65535).contains(port) { return "--port must be in 0...65535, got \(port)" }
        if maxBodyBytes < 1 { return "--max-body-bytes must be at least 1, got \(maxBodyBytes)" }
        if maxPixels < 1 { return "--max-pixels must be at least 1, got \(maxPixels)" }
        if maxConcurrent < 1 {
            return "--max-concurrent must be at least 1, got \(maxConcurrent)"
        }
        if !(requestTimeout > 0 && requestTimeout <= 86_400) {
            return "--request-timeout must be in (0, 86400] seconds, got \(requestTimeout)"
        }
        if !(batchWindowMilliseconds >= 0 && batchWindowMilliseconds <= 10_000) {
            return "--batch-window-ms must be in [0, 10000], got \(batchWindowMilliseconds)"
        }
        if !(1...4096).contains(maxBatch) {
            return "--max-batch must be in 1...4096, got \(maxBatch)"
        }
        if maxImagesPerRequest < 1 {
            return "the image limit per request must be at least 1, got \(maxImagesPerRequest)"
        }
        return nil
    }
}
