/// A file to download and the checksums that identify it.
public struct RemoteFile: Equatable, Sendable {
    /// The file name, appended to each mirror's base URL and used as the local name.
    public let name: String
    /// The accepted MD5 digests (32 lowercase hex digits): of the file as downloaded, or — for
    /// gzip files — of its decompressed content, so a file re-compressed from identical content
    /// is accepted too.
    public let md5: [String]

    /// Creates a description of a remote file.
    public init(name: String, md5: [String]) {
        self.name = name
        self.md5 = md5.map { $0.lowercased() }
    }
}
