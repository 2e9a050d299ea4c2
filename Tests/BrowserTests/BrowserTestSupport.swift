import Foundation
import Testing

/// What the browser test needs and where it finds it: Chromium on `PATH`, the built `classify`
/// with its `serve` subcommand (next to the test bundle, where `swift test` builds every
/// product), the repository's folders.
enum BrowserTestSupport {
    /// The environment variable naming a Chromium executable (default: `chromium`,
    /// `chromium-browser`, `google-chrome` on `PATH`).
    static let chromiumVariable = "SWIFTCNN_CHROMIUM"
    /// The environment variable that, set to `1`, writes the screenshot to
    /// ``committedScreenshot`` instead of a temporary folder.
    static let updateScreenshotVariable = "SWIFTCNN_UPDATE_SCREENSHOT"
    /// The environment variable naming a server already running (`http://127.0.0.1:8080`) to
    /// test instead of starting `classify serve`.
    static let serverVariable = "SWIFTCNN_SERVE_URL"

    /// The build folder holding the test bundle and the executables.
    static let buildFolder: URL = {
        #if os(Linux)
        return URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        #else
        let bundle = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") } ?? .main
        return bundle.bundleURL.deletingLastPathComponent()
        #endif
    }()

    /// The repository's root folder (this file is `Tests/BrowserTests/…`).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Where the README's screenshot of the page lives.
    static var committedScreenshot: URL {
        repositoryRoot.appendingPathComponent("docs/images/serve-page.png")
    }

    /// The Chromium executable, or `nil` when none is installed.
    static func chromium() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let chosen = environment[chromiumVariable], !chosen.isEmpty {
            return ChildProcess.find([chosen])
        }
        return ChildProcess.find(["chromium", "chromium-browser", "google-chrome"])
    }

    /// The built `classify`.
    static func classify() throws -> URL {
        let url = buildFolder.appendingPathComponent("classify")
        try #require(
            FileManager.default.isExecutableFile(atPath: url.path),
            "classify is not built at \(url.path): run the tests with `swift test`")
        return url
    }

    /// Whether `classify` has the `serve` subcommand: `classify serve --help` succeeds and
    /// describes `--port` (a `classify` without it takes `serve` for an image and prints its
    /// own help). Waits at most 10 s.
    static func hasServe(_ classify: URL, folder: URL) throws -> Bool {
        let path = folder.appendingPathComponent("classify-serve-help.txt").path
        let output = try ChildProcess.openForWriting(path)
        defer { _ = close(output) }
        let child = try ChildProcess(
            classify.path, ["serve", "--help"], descriptors: [1: output, 2: output])
        defer { child.kill() }
        guard let status = child.wait(timeout: 10) else {
            throw BrowserTestError.timeout("classify serve --help")
        }
        let help = try String(contentsOfFile: path, encoding: .utf8)
        return status == 0 && help.contains("--port")
    }

    /// Marks the running test skipped, printing `reason` first (a skip must say why).
    static func skip(_ reason: String) throws -> Never {
        print("BrowserTests: skipped: \(reason)")
        try Test.cancel(Comment(rawValue: reason))
    }

    /// A new empty temporary folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "BrowserTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The width and height of a PNG (from its IHDR chunk), or `nil` if `data` is not a PNG.
    static func pngSize(_ data: Data) -> (width: Int, height: Int)? {
        let bytes = [UInt8](data.prefix(24))
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard bytes.count == 24, Array(bytes[0..<8]) == signature,
            String(decoding: bytes[12..<16], as: UTF8.self) == "IHDR"
        else { return nil }
        func integer(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (integer(16), integer(20))
    }
}
