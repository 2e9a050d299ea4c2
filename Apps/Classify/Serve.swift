import ArgumentParser
import Foundation
import ImageServer

#if canImport(Glibc)
import Glibc
#endif

/// `classify serve`: the HTTP inference service and web page (``ImageServer``) for the bundled
/// model or the given model files. Parsing and start-up only; the server is `ImageServer`'s.
///
/// Exit status: 0 after a graceful shutdown (SIGTERM or SIGINT), 1 when the server cannot
/// start (a model file, the address, the page's files), 2 for a usage error.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify serve",
        abstract: "Serve models over HTTP: a JSON API and a web page that shows every layer.",
        discussion: """
            Without --model, serves the MNIST model bundled with classify. Each model is \
            served under its file name without extension (mnist for the bundled one). Once it \
            accepts connections the server prints `classify serve: listening on \
            http://HOST:PORT` (--port 0 picks a free port). Open that address for the page; \
            the API is POST /v1/models/NAME:classify (a PNG or JPEG body, or JSON \
            {"images": [base64, ...]}), POST /v1/models/NAME:visualize, GET /v1/models, \
            GET /healthz and GET /metrics.

            Concurrent requests share forward passes: a model's batcher waits up to \
            --batch-window-ms after a request's image arrives for others, up to --max-batch \
            images (--no-batching runs each request alone). SIGTERM or SIGINT drains the \
            server: new requests are refused with 503, those in flight finish, then it exits 0.
            """)

    @Option(
        name: .customLong("model"),
        help: ArgumentHelp(
            "A self-describing model file (.safetensors); repeat for several. Default: the "
                + "bundled MNIST model.", valueName: "FILE"))
    var models: [String] = []

    @Option(help: "The address to listen on (0.0.0.0 for every interface).")
    var host = "127.0.0.1"

    @Option(help: "The TCP port; 0 picks a free one.")
    var port = 8080

    @Option(help: ArgumentHelp("The largest request body, in bytes.", valueName: "BYTES"))
    var maxBodyBytes = 16 << 20

    @Option(
        help: ArgumentHelp(
            "The most pixels an image may declare (checked from its header before decoding).",
            valueName: "PIXELS"))
    var maxPixels = 40_000_000

    @Option(
        help: ArgumentHelp(
            "The most classify/visualize requests in flight; more are answered 429.",
            valueName: "N"))
    var maxConcurrent = 256

    @Option(
        help: ArgumentHelp(
            "The longest a request may take, in seconds; longer ones are answered 503.",
            valueName: "SECONDS"))
    var requestTimeout: Double = 30

    @Option(
        name: .customLong("batch-window-ms"),
        help: ArgumentHelp(
            "How long a batch waits for more images after its first, in milliseconds.",
            valueName: "MS"))
    var batchWindowMilliseconds: Double = 2

    @Option(help: ArgumentHelp("The most images in one forward pass.", valueName: "N"))
    var maxBatch = 32

    @Flag(help: "Run every request's images in a forward pass of their own.")
    var noBatching = false

    @Option(
        help: ArgumentHelp(
            "Threads of a forward pass (TensorMath's SWIFTCNN_THREADS); default: "
                + "$SWIFTCNN_THREADS, else half the cores.", valueName: "N"))
    var threads: Int?

    func validate() throws {
        if let threads, !(1...256).contains(threads) {
            throw ValidationError("--threads must be in 1...256, got \(threads).")
        }
        if let problem = serverConfiguration.problem { throw ValidationError(problem + ".") }
        var names: [String: String] = [:]
        for path in models {
            let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            if let other = names[name] {
                throw ValidationError(
                    "two models are named \"\(name)\" (\(other) and \(path)): a model's name "
                        + "is its file name without extension.")
            }
            names[name] = path
        }
    }

    /// The flags as the server's configuration.
    var serverConfiguration: ServerConfiguration {
        var configuration = ServerConfiguration(host: host, port: port)
        configuration.maxBodyBytes = maxBodyBytes
        configuration.maxPixels = maxPixels
        configuration.maxConcurrent = maxConcurrent
        configuration.requestTimeout = requestTimeout
        configuration.batchWindowMilliseconds = batchWindowMilliseconds
        configuration.maxBatch = maxBatch
        configuration.batching = !noBatching
        return configuration
    }

    /// Parses `arguments` (after `serve`), serves until a graceful shutdown; returns the exit
    /// status (0, 1, or 2 for a usage error).
    static func main(arguments: [String]) async -> Int32 {
        let command: Serve
        do {
            command = try parse(arguments)
        } catch {
            if exitCode(for: error) == .success {
                print(fullMessage(for: error))
                return 0
            }
            Standard.error(fullMessage(for: error))
            return 2
        }
        return await command.serve()
    }

    /// Loads the models and runs the server until SIGTERM or SIGINT.
    func serve() async -> Int32 {
        // TensorMath reads its thread count once, at its first parallel loop, before which
        // this runs. A server's requests already keep the cores busy (HTTP, decoding and
        // preprocessing run in parallel on every core), while the forward passes run one at a
        // time: giving a pass every core makes its spinning workers compete with the request
        // threads (measured with wrk on 2 cores: one thread per pass served more requests at
        // a lower p99). So a pass gets half the cores unless told otherwise.
        if let threads {
            setenv("SWIFTCNN_THREADS", String(threads), 1)
        } else if getenv("SWIFTCNN_THREADS") == nil {
            let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
            setenv("SWIFTCNN_THREADS", String(max(1, cores / 2)), 1)
        }
        let server: ClassificationServer
        do {
            let files =
                models.isEmpty
                ? [try BundledModel.url()] : models.map { URL(fileURLWithPath: $0) }
            server = try ClassificationServer(
                modelFiles: files, configuration: serverConfiguration)
        } catch {
            Standard.error("classify serve: \(error)")
            return 1
        }
        do {
            try await server.run { host, port in
                print("classify serve: listening on http://\(host):\(port)")
                fflush(stdout)
            }
        } catch {
            Standard.error("classify serve: \(error)")
            return 1
        }
        return 0
    }
}
