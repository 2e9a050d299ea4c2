import Foundation
import TensorMath

/// A safetensors file opened for reading: the format PyTorch, JAX and MLX share.
///
/// Opening a file maps it into memory (or, with ``ReadMode/read``, reads it once) and
/// validates the whole header — limits, dtypes, shapes, byte counts and offsets — before
/// anything else, so every later call works on a consistent file. Tensor data is read only
/// when a tensor is loaded, converted to `Float` straight from the mapped pages: loading a
/// tensor copies its bytes once, into the new `Tensor`.
///
/// ```swift
/// let file = try SafeTensorsFile(contentsOf: url)
/// for entry in file.entries { print(entry.name, entry.dtype, entry.shape) }
/// let weight = try file.tensor(named: "fc.weight")         // F16, BF16, I64, … → Float
/// let state = try file.tensors(matching: model.expectedShapes)  // strict
/// ```
///
/// The object is immutable and can be shared between threads. A mapped file must not be
/// truncated by another process while it is open (the system would signal a bus error);
/// use ``ReadMode/read`` for files that others may rewrite in place. SwiftCNN's own writers
/// replace files atomically, which is safe.
public final class SafeTensorsFile: @unchecked Sendable {
    /// How a file's bytes are brought into memory.
    public enum ReadMode: Sendable {
        /// Map the file: nothing is read until a tensor is loaded (the default).
        case memoryMapped
        /// Read the whole file into memory once.
        case read
    }

    /// The file's path, or the name given to an in-memory buffer; errors name it.
    public let path: String
    /// The tensors, ordered by their position in the data section (for files Python or
    /// SwiftCNN wrote, that is the header's order).
    public let entries: [SafeTensorsEntry]
    /// The `__metadata__` string map; empty when the header has none.
    public let metadata: [String: String]

    private let storage: FileBytes
    private let dataStart: Int
    private let index: [String: Int]

    /// Opens and validates the safetensors file at `url`.
    /// - Parameters:
    ///   - url: The file to open.
    ///   - readMode: ``ReadMode/memoryMapped`` (default) or ``ReadMode/read``.
    /// - Throws: ``CheckpointError`` naming the file and the problem: an unreadable file, a
    ///   truncated file, a header length past the end of the file or over
    ///   ``SafeTensorsLimits/maximumHeaderBytes``, invalid JSON, a malformed header, an
    ///   unsupported dtype, a byte-count mismatch, or overlapping or out-of-range offsets.
    public convenience init(contentsOf url: URL, readMode: ReadMode = .memoryMapped) throws {
        let path = url.path
        try self.init(
            storage: FileBytes(path: path, mapped: readMode == .memoryMapped), path: path)
    }

    /// Validates a safetensors file held in memory (the bytes are copied once).
    /// - Parameters:
    ///   - bytes: The whole file: header length, header and data.
    ///   - name: Names the buffer in errors, in place of a path.
    /// - Throws: The same errors as ``init(contentsOf:readMode:)``.
    public convenience init(bytes: [UInt8], name: String = "<memory>") throws {
        try self.init(storage: FileBytes(copying: bytes), path: name)
    }

    private init(storage: FileBytes, path: String) throws {
        let header = try SafeTensorsHeader(file: storage.bytes, path: path)
        self.storage = storage
        self.path = path
        self.entries = header.entries
        self.metadata = header.metadata
        self.dataStart = header.dataStart
        var index: [String: Int] = .init(minimumCapacity: header.entries.count)
        for (position, entry) in header.entries.enumerated() { index[entry.name] = position }
        self.index = index
    }

    /// The tensor names, in ``entries`` order.
    public var names: [String] { entries.map(\.name) }

    /// The total size of the file in bytes.
    public var byteCount: Int { storage.bytes.count }

    /// The number of values all tensors hold together (at most ``byteCount``: each value takes
    /// at least one byte).
    public var elementCount: Int { entries.reduce(0) { $0 + $1.elementCount } }

    /// The entry named `name`, or `nil` if the file has no such tensor.
    public func entry(named name: String) -> SafeTensorsEntry? {
        index[name].map { entries[$0] }
    }

    /// The shape of every tensor, by name.
    public var shapes: [String: [Int]] {
        Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0.shape) })
    }

    /// Loads the tensor named `name`, converting its elements to `Float` (see
    /// ``SafeTensorsDType`` for the conversions).
    /// - Throws: ``CheckpointError/tensorNotFound(path:tensor:)``.
    public func tensor(named name: String) throws -> Tensor {
        guard let entry = entry(named: name) else {
            throw CheckpointError.tensorNotFound(path: path, tensor: name)
        }
        return try tensor(for: entry)
    }

    /// Loads every tensor, by name.
    public func tensors() throws -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        result.reserveCapacity(entries.count)
        for entry in entries { result[entry.name] = try tensor(for: entry) }
        return result
    }

    /// Calls `body` with the raw little-endian bytes of the tensor named `name`, without
    /// copying them. The pointer is valid only during the call.
    /// - Throws: ``CheckpointError/tensorNotFound(path:tensor:)``, or what `body` throws.
    public func withUnsafeBytes<R>(
        ofTensorNamed name: String, _ body: (UnsafeRawBufferPointer) throws -> R
    ) throws -> R {
        guard let entry = entry(named: name) else {
            throw CheckpointError.tensorNotFound(path: path, tensor: name)
        }
        return try withExtendedLifetime(storage) { try body(bytes(of: entry)) }
    }

    /// The bytes of `entry`, whose offsets the header validated against the file size.
    private func bytes(of entry: SafeTensorsEntry) -> UnsafeRawBufferPointer {
        let start = dataStart + entry.dataOffsets.lowerBound
        let end = dataStart + entry.dataOffsets.upperBound
        return UnsafeRawBufferPointer(rebasing: storage.bytes[start..<end])
    }

    private func tensor(for entry: SafeTensorsEntry) throws -> Tensor {
        try withExtendedLifetime(storage) {
            let source = bytes(of: entry)
            return try Tensor(
                shape: entry.shape,
                unsafeUninitializedScalars: { target in
                    entry.dtype.convert(source, into: target)
                })
        }
    }
}
