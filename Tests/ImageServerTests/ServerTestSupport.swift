import Foundation
import ImageServer
import Testing

/// The built executables, the bundled model, sample digits, and an in-process server on a free
/// port for the end-to-end tests.
enum ServerTestSupport {
    /// The build folder holding the test bundle, the executables and their resources.
    static let buildFolder: URL = URL(fileURLWithPath: "/proc/self/exe")
        .resolvingSymlinksInPath().deletingLastPathComponent()

    /// The built executable `name`.
    static func executable(_ name: String) throws -> URL {
        let url = buildFolder.appendingPathComponent(name)
        try #require(
            FileManager.default.isExecutableFile(atPath: url.path),
            "\(name) is not built at \(url.path): run the tests with `swift test`")
        return url
    }

    /// The model bundled with `classify`, as SwiftPM copied it next to the executable.
    static let bundledModel =
        buildFolder
        .appendingPathComponent("SwiftCNN_ClassifyCommand.resources/Resources")
        .appendingPathComponent("mnist.safetensors")

    /// A new empty temporary folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ImageServerTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `executable` with `arguments` and waits; returns its status and standard output.
    static func run(_ executable: URL, _ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Sample digits drawn by `RenderDigits` (seed 18): one PNG per digit and a few JPEGs.
    static let digits: Result<[String: URL], Error> = Result {
        let folder = try temporaryFolder()
        let (status, output) = try run(
            executable("RenderDigits"),
            ["--output", folder.path, "--seed", "18", "--formats", "png-grey,jpeg-baseline"])
        try #require(status == 0, "RenderDigits failed")
        var files: [String: URL] = [:]
        for path in output.split(separator: "\n") {
            let url = URL(fileURLWithPath: String(path))
            files[url.lastPathComponent] = url
        }
        return files
    }

    /// The bytes of a sample digit (`7-png-grey.png`).
    static func digit(_ name: String) throws -> [UInt8] {
        let files = try digits.get()
        let url = try #require(files[name], "RenderDigits wrote no \(name)")
        return Array(try Data(contentsOf: url))
    }

    /// The path of a sample digit.
    static func digitPath(_ name: String) throws -> String {
        try #require(try digits.get()[name], "RenderDigits wrote no \(name)").path
    }

    /// A PNG whose header declares `width × height` grey pixels, followed by an empty IDAT
    /// and IEND: a few dozen bytes.
    static func pngHeader(width: UInt32, height: UInt32) -> [UInt8] {
        func be(_ v: UInt32) -> [UInt8] {
            (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) }
        }
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let body = Array(type.utf8) + data
            return be(UInt32(data.count)) + body + be(crc32(body))
        }
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            + chunk("IHDR", be(width) + be(height) + [8, 0, 0, 0, 0])
            + chunk("IDAT", []) + chunk("IEND", [])
    }

    /// CRC-32 (IEEE), as PNG chunks use.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

/// A `ClassificationServer` running in this process on a free port, stopped by ``stop()``.
final class RunningServer: @unchecked Sendable {
    let server: ClassificationServer
    let port: Int
    private let task: Task<Void, Error>

    /// Starts a server for `modelFiles` (default the bundled model) with `configure` applied
    /// to a configuration on port 0; returns once it accepts connections.
    static func start(
        modelFiles: [URL] = [ServerTestSupport.bundledModel],
        _ configure: (inout ServerConfiguration) -> Void = { _ in }
    ) async throws -> RunningServer {
        var configuration = ServerConfiguration(port: 0)
        configure(&configuration)
        let server = try ClassificationServer(
            modelFiles: modelFiles, configuration: configuration)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let task = Task {
            try await server.run(gracefulShutdownSignals: []) { _, port in
                continuation.yield(port)
                continuation.finish()
            }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await task.value
            throw LoopbackConnection.Failure(description: "the server stopped before listening")
        }
        return RunningServer(server: server, port: port, task: task)
    }

    private init(server: ClassificationServer, port: Int, task: Task<Void, Error>) {
        self.server = server
        self.port = port
        self.task = task
    }

    /// Shuts the server down gracefully and waits for it.
    func stop() async throws {
        await server.shutdown()
        try await task.value
    }

    /// Runs `body` with a running server, then stops it.
    static func with<T>(
        modelFiles: [URL] = [ServerTestSupport.bundledModel],
        _ configure: (inout ServerConfiguration) -> Void = { _ in },
        _ body: (RunningServer) async throws -> T
    ) async throws -> T {
        let running = try await start(modelFiles: modelFiles, configure)
        do {
            let result = try await body(running)
            try await running.stop()
            return result
        } catch {
            try? await running.stop()
            throw error
        }
    }
}
