import Foundation
import ImageClassification

/// The web page's files (`index.html`, `app.js`, `style.css`), read once at start from the
/// ImageServer resource bundle that SwiftPM copies beside the executable
/// (`SwiftCNN_ImageServer.resources/web/`), and served from memory, never from the current
/// folder.
///
/// The bundle is looked up beside the running executable (links resolved), as `classify` finds
/// its bundled model: SwiftPM's generated `Bundle.module` traps when the bundle is missing,
/// where the server must fail at start with a clear error.
public struct WebFiles: Sendable {
    /// One file: its bytes and `Content-Type`.
    public struct File: Sendable, Equatable {
        /// The file's bytes.
        public var bytes: [UInt8]
        /// Its media type (`text/html; charset=utf-8`).
        public var contentType: String
    }

    /// The URL paths served and the files they serve.
    public static let routes: [(path: String, file: String, contentType: String)] = [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/static/app.js", "app.js", "text/javascript; charset=utf-8"),
        ("/static/style.css", "style.css", "text/css; charset=utf-8"),
    ]

    /// The resource bundle's name, as SwiftPM makes it from the package and target names.
    public static let bundleName = "SwiftCNN_ImageServer.resources"

    /// The files by URL path.
    public let files: [String: File]

    /// Files by URL path (for tests and embedders).
    public init(files: [String: File]) {
        self.files = files
    }

    /// Reads every file of ``routes`` from `folder`.
    /// - Throws: ``ServerStartError/missingWebFiles(_:)`` naming the missing file.
    public init(folder: URL) throws {
        var files: [String: File] = [:]
        for route in Self.routes {
            let url = folder.appendingPathComponent(route.file)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw ServerStartError.missingWebFiles(
                    "the web page file \(url.path) is missing or unreadable (the "
                        + "\(Self.bundleName) folder must sit beside the executable)")
            }
            files[route.path] = File(bytes: Array(data), contentType: route.contentType)
        }
        self.files = files
    }

    /// Reads the files from the resource bundle beside the executable.
    /// - Throws: ``ServerStartError/missingWebFiles(_:)`` naming every folder tried.
    public static func bundled() throws -> WebFiles {
        let candidates = candidateFolders()
        for folder in candidates
        where FileManager.default.fileExists(
            atPath: folder.appendingPathComponent("index.html").path)
        {
            return try WebFiles(folder: folder)
        }
        throw ServerStartError.missingWebFiles(
            "the web page files are missing (looked for index.html in "
                + candidates.map(\.path).joined(separator: " and ")
                + "): install the \(bundleName) folder beside the executable")
    }

    /// Where the bundle's `web` folder may be: beside the executable's real path, then beside
    /// the path it was started by.
    static func candidateFolders() -> [URL] {
        ExecutableResources.candidates(bundleName: bundleName, path: ["web"])
    }
}
