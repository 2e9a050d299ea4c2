import TensorMath

/// The errors Checkpoints throws. Every case names the file (its path, or the name given to an
/// in-memory buffer) and what is wrong with it, so a message reads like
/// `model.safetensors: tensor "fc.weight": data_offsets [0, 96] cover 96 bytes, but F32
/// [4, 5] needs 80`.
public enum CheckpointError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A file-system call failed (`operation` is the call, such as `open` or `rename`;
    /// `message` is the system's explanation).
    case fileSystem(path: String, operation: String, message: String)
    /// The file is shorter than the 8-byte header length that starts every safetensors file.
    case truncated(path: String, reason: String)
    /// The announced header length reaches past the end of the file.
    case headerLengthExceedsFile(path: String, length: UInt64, available: Int)
    /// The announced header length exceeds ``SafeTensorsLimits/maximumHeaderBytes``.
    case headerTooLarge(path: String, length: UInt64, limit: Int)
    /// The header is not valid UTF-8 JSON; `offset` counts bytes from the start of the header.
    case invalidJSON(path: String, offset: Int, reason: String)
    /// The header is JSON but not a valid safetensors header (a missing field, a bad shape,
    /// a duplicate name, too many tensors, …).
    case invalidHeader(path: String, reason: String)
    /// A tensor's `data_offsets` are reversed, overlap another tensor's, leave a gap or reach
    /// past the end of the file.
    case invalidOffsets(path: String, tensor: String, reason: String)
    /// A tensor's byte range does not hold exactly `elements × dtype size` bytes.
    case byteCountMismatch(
        path: String, tensor: String, dtype: String, shape: [Int], expected: Int, actual: Int)
    /// A dtype that Checkpoints cannot convert to `Float`.
    case unsupportedDType(path: String, tensor: String, dtype: String)
    /// No tensor of that name is in the file.
    case tensorNotFound(path: String, tensor: String)
    /// Strict loading found missing, unexpected or mis-shaped tensors.
    case tensorSetMismatch(path: String, mismatch: TensorSetMismatch)
    /// A metadata key that the caller needs is absent (for example a plain PyTorch file read
    /// as a self-describing model).
    case missingMetadata(path: String, key: String)
    /// A metadata value cannot be decoded or is inconsistent.
    case invalidMetadata(path: String, key: String, reason: String)
    /// An argument that cannot be written (a reserved tensor name, a header over the limit).
    case invalidArgument(operation: String, reason: String)

    public var description: String {
        switch self {
        case let .fileSystem(path, operation, message):
            return "\(FileSystemName.displayed(path)): \(operation) failed: \(message)"
        case let .truncated(path, reason):
            return "\(FileSystemName.displayed(path)): truncated file: \(reason)"
        case let .headerLengthExceedsFile(path, length, available):
            return
                "\(FileSystemName.displayed(path)): header length \(length) is larger than the \(available) bytes "
                + "that follow it (truncated or not a safetensors file)"
        case let .headerTooLarge(path, length, limit):
            return
                "\(FileSystemName.displayed(path)): header length \(length) exceeds the limit of \(limit) bytes"
        case let .invalidJSON(path, offset, reason):
            return
                "\(FileSystemName.displayed(path)): invalid JSON header at byte \(offset): \(reason)"
        case let .invalidHeader(path, reason):
            return "\(FileSystemName.displayed(path)): invalid safetensors header: \(reason)"
        case let .invalidOffsets(path, tensor, reason):
            return
                "\(FileSystemName.displayed(path)): tensor \"\(tensor)\": invalid data_offsets: \(reason)"
        case let .byteCountMismatch(path, tensor, dtype, shape, expected, actual):
            return
                "\(FileSystemName.displayed(path)): tensor \"\(tensor)\": data_offsets cover \(actual) bytes, but "
                + "\(dtype) \(shape) needs \(expected)"
        case let .unsupportedDType(path, tensor, dtype):
            return
                "\(FileSystemName.displayed(path)): tensor \"\(tensor)\": unsupported dtype \(dtype)"
        case let .tensorNotFound(path, tensor):
            return "\(FileSystemName.displayed(path)): no tensor named \"\(tensor)\""
        case let .tensorSetMismatch(path, mismatch):
            return "\(FileSystemName.displayed(path)): \(mismatch)"
        case let .missingMetadata(path, key):
            return
                "\(FileSystemName.displayed(path)): metadata key \"\(key)\" is missing (not a SwiftCNN model file?)"
        case let .invalidMetadata(path, key, reason):
            return "\(FileSystemName.displayed(path)): metadata key \"\(key)\": \(reason)"
        case let .invalidArgument(operation, reason):
            return "\(operation): \(reason)"
        }
    }
}
