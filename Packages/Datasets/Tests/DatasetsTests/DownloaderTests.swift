import Datasets
import Foundation
import Testing

/// Downloads from a server on 127.0.0.1 and from file:// URLs; nothing reaches the internet.
@Suite(.serialized) struct DownloaderTests {
    let content: [UInt8] = Array("the IDX content of a small file\n".utf8)
    let gzipped: [UInt8]
    let file: RemoteFile

    init() throws {
        gzipped = try Gzip.compress(content)
        file = RemoteFile(name: "data-idx1-ubyte.gz", md5: [MD5.hexDigest(of: gzipped)])
    }

    @Test func triesMirrorsInOrderUntilAChecksumMatches() throws {
        let server = try LoopbackHTTPServer(routes: [
            "/bad/data-idx1-ubyte.gz": .init(status: 200, body: Array("tampered".utf8)),
            "/good/data-idx1-ubyte.gz": .init(status: 200, body: gzipped),
        ])
        let folder = try TemporaryDirectory()
        let base = server.baseURL
        let mirrors = ["\(base)/missing/", "\(base)/bad", "\(base)/good/"]
        var log: [String] = []
        let outcomes = try Downloader(mirrors: mirrors, timeout: 30)
            .download([file], to: folder.file("mnist"), log: { log.append($0) })
        #expect(outcomes == [.downloaded(from: "\(server.baseURL)/good/data-idx1-ubyte.gz")])
        #expect(try [UInt8](contentsOfFile: folder.file("mnist/data-idx1-ubyte.gz")) == gzipped)
        #expect(
            server.requests == [
                "/missing/data-idx1-ubyte.gz", "/bad/data-idx1-ubyte.gz",
                "/good/data-idx1-ubyte.gz",
            ])
        #expect(log.contains { $0.contains("checksum verified") })
        #expect(try folder.contents("mnist") == ["data-idx1-ubyte.gz"])  // nothing temporary

        // Running again is cheap: the verified file is kept and nothing is fetched.
        let again = try Downloader(mirrors: mirrors, timeout: 30)
            .download([file], to: folder.file("mnist"))
        #expect(again == [.alreadyPresent])
        #expect(server.requests.count == 3)
    }

    @Test func acceptsTheChecksumOfTheDecompressedContent() throws {
        // Re-compressed at another level: different .gz bytes, same content.
        let recompressed = try Gzip.compress(content, level: 1)
        let server = try LoopbackHTTPServer(
            routes: ["/m/f.gz": .init(status: 200, body: recompressed)])
        let folder = try TemporaryDirectory()
        let remote = RemoteFile(
            name: "f.gz", md5: ["0123456789abcdef0123456789abcdef", MD5.hexDigest(of: content)])
        let outcomes = try Downloader(mirrors: ["\(server.baseURL)/m/"], timeout: 30)
            .download([remote], to: folder.path)
        #expect(outcomes.count == 1)
        #expect(try Downloader.verify(path: folder.file("f.gz"), as: remote))
    }

    @Test func failsNamingTheFileAndEveryMirrorsProblem() throws {
        let server = try LoopbackHTTPServer(routes: [
            "/a/data-idx1-ubyte.gz": .init(status: 500, body: []),
            "/b/data-idx1-ubyte.gz": .init(status: 200, body: Array(gzipped.dropLast(3))),
        ])
        let folder = try TemporaryDirectory()
        let mirrors = ["\(server.baseURL)/a/", "\(server.baseURL)/b/", "ftp://example.invalid/"]
        #expect {
            try Downloader(mirrors: mirrors, timeout: 30).download([file], to: folder.path)
        } throws: { error in
            guard case .downloadFailed(file: "data-idx1-ubyte.gz", _)? = error as? DatasetError
            else { return false }
            return describes(error, "HTTP status 500", "/b/data-idx1-ubyte.gz", "truncated", "ftp")
        }
        #expect(try folder.contents().isEmpty)  // no partial file left behind
    }

    @Test func replacesADamagedFileAndCleansUpLeftovers() throws {
        let source = try TemporaryDirectory()
        try source.write(gzipped, to: "data-idx1-ubyte.gz")
        let folder = try TemporaryDirectory()
        try folder.write(Array(gzipped.prefix(10)), to: "data-idx1-ubyte.gz")  // interrupted copy
        try folder.write([1, 2, 3], to: ".data-idx1-ubyte.gz.123.456.partial")
        let outcomes = try Downloader(mirrors: ["file://\(source.path)/"])
            .download([file], to: folder.path)
        #expect(outcomes == [.downloaded(from: "file://\(source.path)/data-idx1-ubyte.gz")])
        #expect(try [UInt8](contentsOfFile: folder.file("data-idx1-ubyte.gz")) == gzipped)
        #expect(try folder.contents() == ["data-idx1-ubyte.gz"])
    }

    @Test func mnistDescribesTheCanonicalFiles() {
        #expect(
            MNIST.remoteFiles.map(\.name) == [
                "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
            ])
        #expect(
            MNIST.remoteFiles.allSatisfy { file in
                file.md5.count == 2 && file.md5.allSatisfy { $0.count == 32 }
            })
        #expect(MNIST.mirrors.allSatisfy { $0.hasPrefix("http") })
    }
}
