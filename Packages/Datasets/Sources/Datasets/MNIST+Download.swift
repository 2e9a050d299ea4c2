extension MNIST {
    /// The four files of the canonical distribution, each with its canonical gzip MD5 and the
    /// MD5 of its decompressed content (either is accepted).
    public static let remoteFiles: [RemoteFile] = [
        RemoteFile(
            name: "train-images-idx3-ubyte.gz",
            md5: ["f68b3c2dcbeaaa9fbdd348bbdeb94873", "6bbc9ace898e44ae57da46a324031adb"]),
        RemoteFile(
            name: "train-labels-idx1-ubyte.gz",
            md5: ["d53e105ee54ea40749a09fcbcd1e9432", "a25bea736e30d166cdddb491f175f624"]),
        RemoteFile(
            name: "t10k-images-idx3-ubyte.gz",
            md5: ["9fb629c4189551a2d022fa330f9573f3", "2646ac647ad5339dbf082846283269ea"]),
        RemoteFile(
            name: "t10k-labels-idx1-ubyte.gz",
            md5: ["ec29112dd5afa0611ce80d1b7f02629c", "27ae3e4e09519cfbb04c329615203637"]),
    ]

    /// Public mirrors of the canonical files, tried in order.
    public static let mirrors = [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ]

    /// Downloads the four MNIST files into `directory`, verifying each checksum; files already
    /// there and verified are kept. Safe to re-run after an interruption.
    /// - Parameters:
    ///   - directory: The destination folder, created if need be.
    ///   - mirrors: Base URLs to try in order; default ``mirrors``.
    ///   - log: Called with a line of progress per step.
    /// - Returns: What happened to each file.
    /// - Throws: ``DatasetError/downloadFailed(file:reason:)`` when no mirror gives a file with
    ///   a matching checksum; ``DatasetError/writeFailed(path:reason:)``.
    @discardableResult
    public static func download(
        to directory: String, mirrors: [String] = MNIST.mirrors, log: (String) -> Void = { _ in }
    ) throws -> [Downloader.Outcome] {
        try Downloader(mirrors: mirrors).download(remoteFiles, to: directory, log: log)
    }
}
