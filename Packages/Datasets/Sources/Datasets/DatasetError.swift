import TensorMath

/// The errors Datasets throws. Each description names the file (or URL, or operation) and what
/// is wrong with it, for example
/// `digits/7.png: corrupt PNG: IDAT: CRC error`.
public enum DatasetError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A file or folder could not be opened or read (missing, permissions, an I/O error).
    case unreadable(path: String, reason: String)
    /// The bytes are not in any format the reader supports (a text file named `.png`, say).
    case unsupportedFormat(path: String, reason: String)
    /// The file claims a format but its content is damaged: a bad header, corrupt data.
    case corrupt(path: String, format: String, reason: String)
    /// The file ends before its content does (a JPEG cut in half, an IDX header that claims
    /// more bytes than exist).
    case truncated(path: String, format: String, reason: String)
    /// The file declares more than an explicit limit allows (see ``DatasetLimits``): a PNG
    /// header declaring 100000x100000 pixels, a gzip bomb.
    case limitExceeded(path: String, reason: String)
    /// A caller-supplied argument is invalid; names the operation.
    case invalidArgument(operation: String, reason: String)
    /// Writing a file failed; the previous file, if any, is left untouched.
    case writeFailed(path: String, reason: String)
    /// A data set is not where it was looked for; the reason says how to get it.
    case missingDataset(path: String, reason: String)
    /// Downloading a file failed from every mirror.
    case downloadFailed(file: String, reason: String)
    /// A file's MD5 matches none of the accepted checksums.
    case checksumMismatch(file: String, expected: [String], actual: String)

    /// The file, URL or operation the error is about.
    public var subject: String {
        switch self {
        case let .unreadable(path, _), let .unsupportedFormat(path, _),
            let .corrupt(path, _, _), let .truncated(path, _, _), let .limitExceeded(path, _),
            let .writeFailed(path, _), let .missingDataset(path, _):
            return path
        case let .invalidArgument(operation, _):
            return operation
        case let .downloadFailed(file, _), let .checksumMismatch(file, _, _):
            return file
        }
    }

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "\(FileSystemName.displayed(path)): cannot read: \(reason)"
        case let .unsupportedFormat(path, reason):
            return "\(FileSystemName.displayed(path)): unsupported format: \(reason)"
        case let .corrupt(path, format, reason):
            return "\(FileSystemName.displayed(path)): corrupt \(format): \(reason)"
        case let .truncated(path, format, reason):
            return "\(FileSystemName.displayed(path)): truncated \(format): \(reason)"
        case let .limitExceeded(path, reason):
            return "\(FileSystemName.displayed(path)): refused: \(reason)"
        case let .invalidArgument(operation, reason):
            return "\(operation): \(reason)"
        case let .writeFailed(path, reason):
            return "\(FileSystemName.displayed(path)): cannot write: \(reason)"
        case let .missingDataset(path, reason):
            return "\(FileSystemName.displayed(path)): \(reason)"
        case let .downloadFailed(file, reason):
            return "\(file): download failed: \(reason)"
        case let .checksumMismatch(file, expected, actual):
            return "\(file): MD5 \(actual) matches none of the expected "
                + expected.joined(separator: ", ")
        }
    }
}
