import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import UnixSignals

/// `classify serve`: an HTTP inference service on Hummingbird 2 for one or more
/// self-describing model files, with the web page that shows what every layer sees.
///
/// ```swift
/// let server = try ClassificationServer(
///     modelFiles: [URL(fileURLWithPath: "mnist.safetensors")],
///     configuration: ServerConfiguration(port: 0))
/// try await server.run { host, port in print("listening on http://\(host):\(port)") }
/// ```
///
/// The API (JSON; every error is `{"error": {"status", "code", "message"}}`):
/// - `GET /`, `/static/app.js`, `/static/style.css`: the page, from memory (``WebFiles``);
/// - `GET /healthz`: `{"status":"ok","models":N}`, 503 `{"status":"draining"}` at shutdown;
/// - `GET /metrics`: Prometheus text (requests by model and status, latency and batch-size
///   histograms, requests in flight);
/// - `GET /v1/models`, `GET /v1/models/{name}`: ``ModelInfo``;
/// - `POST /v1/models/{name}:classify[?top=K]`: a PNG or JPEG body, or a JSON batch of base64
///   images; answers the top K classes, the model's version, the forward pass's batch size
///   and timings;
/// - `POST /v1/models/{name}:visualize`: one image; answers the prediction, the probabilities
///   and the pictures `classify --visualize` draws, as PNG data URLs.
///
/// Images are decoded and prepared in the requests' own tasks, in parallel; each model's
/// network runs on one thread of its own, which batches concurrent requests into one forward
/// pass (``ServerConfiguration/batchWindowMilliseconds``, ``ServerConfiguration/maxBatch``).
/// Limits answer 413 (body, pixels), 415, 429 and 503 (timeout) as the configuration says.
/// On SIGTERM or SIGINT (or ``shutdown()``) the server drains: `/healthz` and new work answer
/// 503, it stops accepting connections, lets the requests in flight finish, and returns.
public final class ClassificationServer: Sendable {
    let core: ServerCore
    private let group = Mutex<ServiceGroup?>(nil)
    private let shutdownRequested = Atomic<Bool>(false)

    /// The names of the served models, in the order given.
    public var modelNames: [String] { core.models.map(\.name) }

    /// Loads every model and the page's files; starts each model's batcher thread.
    /// - Parameters:
    ///   - modelFiles: Self-describing `.safetensors` files; each is served under its file
    ///     name without extension.
    ///   - configuration: Address, limits and batching.
    ///   - web: The page's files; default the resource bundle beside the executable.
    /// - Throws: ``ServerStartError``: no model, a bad setting, a model that cannot be
    ///   loaded, two models of one name, missing page files.
    public init(
        modelFiles: [URL], configuration: ServerConfiguration, web: WebFiles? = nil
    ) throws {
        if let problem = configuration.problem {
            throw ServerStartError.invalidConfiguration(problem)
        }
        guard !modelFiles.isEmpty else { throw ServerStartError.noModels }
        var byName: [String: [String]] = [:]
        for url in modelFiles { byName[ServedModel.name(of: url), default: []].append(url.path) }
        if let (name, paths) = byName.first(where: { $0.value.count > 1 }) {
            throw ServerStartError.duplicateModelName(name: name, paths: paths)
        }
        let web = try web ?? WebFiles.bundled()
        let metrics = ServerMetrics()
        let models = try modelFiles.map { url in
            let name = ServedModel.name(of: url)
            return try ServedModel(contentsOf: url, configuration: configuration) { size in
                metrics.recordBatch(model: name, size: size)
            }
        }
        core = ServerCore(
            models: models, configuration: configuration, metrics: metrics, web: web)
    }

    /// Runs the server until a graceful shutdown (one of `gracefulShutdownSignals`, or
    /// ``shutdown()``) has let the requests in flight finish.
    /// - Parameters:
    ///   - gracefulShutdownSignals: Default SIGTERM and SIGINT; the tests pass none.
    ///   - onListening: Called once the server accepts connections, with its host and port
    ///     (the port chosen when the configuration's is 0).
    /// - Throws: The server's errors (the address in use, say).
    public func run(
        gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint],
        onListening: @escaping @Sendable (_ host: String, _ port: Int) -> Void
    ) async throws {
        let configuration = core.configuration
        var logger = Logger(label: "classify-serve")
        logger.logLevel = .warning
        let host = configuration.host
        let application = Application(
            responder: ServerResponder(core: core),
            server: .http1(
                configuration: .init(
                    additionalChannelHandlers: [
                        ExpectContinueHandler(maxBodyBytes: configuration.maxBodyBytes)
                    ],
                    idleTimeout: .milliseconds(Int64(configuration.idleTimeout * 1000)))),
            configuration: ApplicationConfiguration(
                address: .hostname(host, port: configuration.port),
                serverName: "SwiftCNN classify serve"),
            onServerRunning: { channel in
                onListening(host, channel.localAddress?.port ?? configuration.port)
            },
            logger: logger)
        // Services shut down in reverse order: the drain flag is set first, then the server
        // stops accepting and waits for the requests in flight.
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: application),
                    .init(
                        service: DrainOnShutdown(state: core.state),
                        successTerminationBehavior: .gracefullyShutdownGroup),
                ],
                gracefulShutdownSignals: gracefulShutdownSignals,
                logger: logger))
        self.group.withLock { $0 = group }
        if shutdownRequested.load(ordering: .acquiring) { await group.triggerGracefulShutdown() }
        defer { for model in core.models { model.batcher.stop() } }
        try await group.run()
    }

    /// Whether the server is draining: `/healthz` and new `:classify`/`:visualize` requests
    /// answer 503.
    public var isDraining: Bool { core.state.draining }

    /// Starts draining without stopping (what a graceful shutdown does first): `/healthz` and
    /// new work answer 503 while the requests in flight finish, so a load balancer takes the
    /// server out before ``shutdown()``.
    public func drain() {
        core.state.beginDraining()
    }

    /// Begins a graceful shutdown, as SIGTERM does.
    public func shutdown() async {
        shutdownRequested.store(true, ordering: .releasing)
        let group = self.group.withLock { $0 }
        await group?.triggerGracefulShutdown()
    }
}

/// Sets the server's draining flag when the graceful shutdown begins, so `/healthz` and new
/// `:classify`/`:visualize` requests answer 503 while the requests in flight finish.
struct DrainOnShutdown: Service {
    let state: ServerState

    func run() async throws {
        try? await gracefulShutdown()
        state.beginDraining()
    }
}
