import TensorMath

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The read-only bytes of a whole file: memory-mapped (pages are read on demand, nothing is
/// copied) or read into memory once. Also wraps bytes that are already in memory.
final class FileBytes: @unchecked Sendable {
    /// The bytes; valid for the lifetime of this object.
    let bytes: UnsafeRawBufferPointer
    private let release: () -> Void

    private init(bytes: UnsafeRawBufferPointer, release: @escaping () -> Void) {
        self.bytes = bytes
        self.release = release
    }

    deinit { release() }

    /// Copies `array` into storage owned by the new object.
    convenience init(copying array: [UInt8]) {
        let storage = UnsafeMutableRawBufferPointer.allocate(
            byteCount: max(array.count, 1), alignment: 16)
        array.withUnsafeBytes { source in
            if let base = source.baseAddress, let target = storage.baseAddress {
                target.copyMemory(from: base, byteCount: source.count)
            }
        }
        self.init(
            bytes: UnsafeRawBufferPointer(rebasing: storage[0..<array.count]),
            release: { storage.deallocate() })
    }

    /// Opens the regular file at `path` and maps it (`mapped == true`) or reads it whole.
    /// - Throws: ``CheckpointError/fileSystem(path:operation:message:)`` naming the failing
    ///   call.
    convenience init(path: String, mapped: Bool) throws {
        // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below).
        let descriptor = FileSystemName.withCString(path) {
            open($0, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        }
        guard descriptor >= 0 else { throw FileBytes.systemError(path, "open") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw FileBytes.systemError(path, "fstat") }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw CheckpointError.fileSystem(
                path: path, operation: "open", message: "not a regular file")
        }
        let size = Int(status.st_size)
        if size == 0 {
            self.init(bytes: UnsafeRawBufferPointer(start: nil, count: 0), release: {})
            return
        }
        if mapped {
            let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0)
            guard let address, address != MAP_FAILED else {
                throw FileBytes.systemError(path, "mmap")
            }
            self.init(
                bytes: UnsafeRawBufferPointer(start: address, count: size),
                release: { munmap(address, size) })
            return
        }
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        guard let base = storage.baseAddress else {
            storage.deallocate()
            throw CheckpointError.fileSystem(path: path, operation: "read", message: "no memory")
        }
        var done = 0
        while done < size {
            let result = pread(descriptor, base + done, size - done, off_t(done))
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else {
                storage.deallocate()
                if result == 0 {
                    throw CheckpointError.fileSystem(
                        path: path, operation: "read", message: "the file shrank while reading")
                }
                throw FileBytes.systemError(path, "read")
            }
            done += result
        }
        self.init(bytes: UnsafeRawBufferPointer(storage), release: { storage.deallocate() })
    }

    /// A ``CheckpointError/fileSystem(path:operation:message:)`` for the current `errno`.
    static func systemError(_ path: String, _ operation: String) -> CheckpointError {
        let code = errno
        let message = strerror(code).map { String(cString: $0) } ?? "error \(code)"
        return .fileSystem(path: path, operation: operation, message: message)
    }
}
