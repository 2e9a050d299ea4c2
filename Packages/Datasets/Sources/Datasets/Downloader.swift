import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Fetches files from a list of mirrors over HTTP(S) (or `file://`), verifies their MD5, and
/// writes them atomically.
///
/// Re-running after an interruption is safe and cheap: files already present and verified are
/// skipped, a download is written to a temporary file in the destination folder and renamed
/// into place only once its checksum matches, and leftover temporary files are removed.
public struct Downloader: Sendable {
    /// What happened to one file.
    public enum Outcome: Equatable, Sendable {
        /// The file was already present and its checksum matched.
        case alreadyPresent
        /// The file was downloaded from this URL and verified.
        case downloaded(from: String)
    }

    /// Base URLs tried in order; a file's URL is the base followed by its name.
    public let mirrors: [String]
    /// The time allowed for each request without progress, in seconds.
    public let timeout: Double
    /// The largest file accepted, in bytes.
    public let maxBytes: Int

    /// Creates a downloader.
    /// - Parameters:
    ///   - mirrors: Base URLs (`https://…/`, `http://…/` or `file:///…/`), tried in order.
    ///   - timeout: Seconds a request may stall; default 60.
    ///   - maxBytes: The largest file accepted; default 256 MiB.
    public init(mirrors: [String], timeout: Double = 60, maxBytes: Int = 1 << 28) {
        self.mirrors = mirrors
        self.timeout = timeout
        self.maxBytes = maxBytes
    }

    /// Makes sure each file is in `directory` with a matching checksum, downloading the ones
    /// that are missing or damaged.
    /// - Parameters:
    ///   - files: The files.
    ///   - directory: The destination folder, created if need be.
    ///   - log: Called with a line of progress per file (for example to print to stderr).
    /// - Returns: One outcome per file, in order.
    /// - Throws: ``DatasetError/downloadFailed(file:reason:)`` naming the file and what each
    ///   mirror did, ``DatasetError/writeFailed(path:reason:)`` if the folder or file cannot be
    ///   written. Files finished before the error stay in place.
    @discardableResult
    public func download(
        _ files: [RemoteFile], to directory: String, log: (String) -> Void = { _ in }
    ) throws -> [Outcome] {
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw DatasetError.writeFailed(path: directory, reason: "\(error.localizedDescription)")
        }
        var outcomes: [Outcome] = []
        for file in files {
            let path = FileIO.join(directory, file.name)
            removeLeftovers(of: file.name, in: directory)
            if FileIO.isFile(path), (try? Downloader.verify(path: path, as: file)) == true {
                log("\(file.name): already present, checksum verified")
                outcomes.append(.alreadyPresent)
                continue
            }
            var problems: [String] = []
            var done = false
            for mirror in mirrors {
                let url = mirror.hasSuffix("/") ? mirror + file.name : mirror + "/" + file.name
                log("\(file.name): downloading \(url)")
                do {
                    let bytes = try fetch(url)
                    guard try Downloader.matches(bytes, file, source: url) else {
                        problems.append(
                            "\(url): checksum \(MD5.hexDigest(of: bytes)) "
                                + "matches none of \(file.md5.joined(separator: ", "))")
                        continue
                    }
                    try FileIO.writeAtomically(bytes, to: path)
                    log("\(file.name): \(bytes.count) bytes, checksum verified")
                    outcomes.append(.downloaded(from: url))
                    done = true
                    break
                } catch let error as DatasetError {
                    if case .writeFailed = error { throw error }
                    problems.append("\(url): \(Downloader.reason(error))")
                }
            }
            if !done {
                throw DatasetError.downloadFailed(
                    file: file.name,
                    reason: mirrors.isEmpty ? "no mirrors" : problems.joined(separator: "; "))
            }
        }
        return outcomes
    }

    /// Whether the file at `path` matches one of `file`'s checksums (of the bytes or, for a
    /// gzip file, of the decompressed content).
    /// - Throws: ``DatasetError`` if the file cannot be read or decompressed.
    public static func verify(path: String, as file: RemoteFile) throws -> Bool {
        try matches(FileIO.read(path, maxBytes: DatasetLimits.maxDataFileBytes), file, source: path)
    }

    static func matches(_ bytes: [UInt8], _ file: RemoteFile, source: String) throws -> Bool {
        if file.md5.contains(MD5.hexDigest(of: bytes)) { return true }
        guard Gzip.isCompressed(bytes) else { return false }
        let content = try Gzip.decompress(bytes, source: source)
        return file.md5.contains(MD5.hexDigest(of: content))
    }

    /// The text of an error without its subject (the URL is already in the message).
    static func reason(_ error: DatasetError) -> String {
        switch error {
        case let .unreadable(_, reason), let .downloadFailed(_, reason),
            let .limitExceeded(_, reason), let .corrupt(_, _, reason), let .truncated(_, _, reason):
            return reason
        default:
            return "\(error)"
        }
    }

    /// Deletes temporary files an interrupted run left beside `name`.
    private func removeLeftovers(of name: String, in directory: String) {
        guard let entries = try? FileIO.contents(ofDirectory: directory) else { return }
        for entry in entries where entry.hasPrefix(".\(name).") && entry.hasSuffix(".partial") {
            unlink(FileIO.join(directory, entry))
        }
    }

    /// The bytes at `url`.
    func fetch(_ url: String) throws -> [UInt8] {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased() else {
            throw DatasetError.downloadFailed(file: url, reason: "not a URL")
        }
        switch scheme {
        case "file":
            return try FileIO.read(parsed.path, maxBytes: maxBytes)
        case "http", "https":
            return try fetchHTTP(parsed)
        default:
            throw DatasetError.downloadFailed(
                file: url, reason: "unsupported scheme \(scheme) (use http, https or file)")
        }
    }

    private func fetchHTTP(_ url: URL) throws -> [UInt8] {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let box = ResponseBox()
        let done = DispatchSemaphore(value: 0)
        let task = session.dataTask(with: url) { data, response, error in
            box.set(data, response, error)
            done.signal()
        }
        task.resume()
        done.wait()
        let (data, response, error) = box.get()
        if let error {
            throw DatasetError.downloadFailed(
                file: url.absoluteString, reason: error.localizedDescription)
        }
        guard let http = response as? HTTPURLResponse else {
            throw DatasetError.downloadFailed(file: url.absoluteString, reason: "no HTTP response")
        }
        guard http.statusCode == 200 else {
            throw DatasetError.downloadFailed(
                file: url.absoluteString, reason: "HTTP status \(http.statusCode)")
        }
        let bytes = [UInt8](data ?? Data())
        guard bytes.count <= maxBytes else {
            throw DatasetError.limitExceeded(
                path: url.absoluteString, reason: "more than \(maxBytes) bytes")
        }
        return bytes
    }
}

/// Carries a data task's results from URLSession's queue to the waiting thread.
private final class ResponseBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?
    private var response: URLResponse?
    private var error: Error?

    func set(_ data: Data?, _ response: URLResponse?, _ error: Error?) {
        lock.lock()
        (self.data, self.response, self.error) = (data, response, error)
        lock.unlock()
    }

    func get() -> (Data?, URLResponse?, Error?) {
        lock.lock()
        defer { lock.unlock() }
        return (data, response, error)
    }
}
