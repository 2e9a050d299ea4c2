import Foundation
import TensorMath
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// File names that are not UTF-8 survive the trip through `String` byte for byte.
@Suite struct FileSystemNameTests {
    @Test func validUTF8IsUnchanged() {
        for name in ["digit.png", "café/7.png", "数字.jpg", "🙂", ""] {
            let string = FileSystemName.string(fromBytes: Array(name.utf8))
            #expect(string == name)
            #expect(FileSystemName.bytes(of: string) == Array(name.utf8))
            #expect(FileSystemName.displayed(string) == name)
        }
    }

    @Test func invalidBytesRoundTripAndDisplayAsEscapes() {
        let latin1: [UInt8] = Array("caf".utf8) + [0xE9] + Array(".png".utf8)
        let name = FileSystemName.string(fromBytes: latin1)
        #expect(!name.contains("\u{FFFD}"))
        #expect(FileSystemName.bytes(of: name) == latin1)
        #expect(FileSystemName.displayed(name) == "caf\\xE9.png")
        // Truncated and overlong sequences, lone continuation bytes, surrogates, 0xFF.
        let cases: [[UInt8]] = [
            [0xE2, 0x82], [0xC0, 0xAF], [0x80, 0x41], [0xED, 0xA0, 0x80], [0xFF, 0xFE],
            [0xF4, 0x90, 0x80, 0x80], Array("ok".utf8) + [0xE2, 0x82, 0xAC] + [0xE2],
        ]
        for bytes in cases {
            #expect(FileSystemName.bytes(of: FileSystemName.string(fromBytes: bytes)) == bytes)
        }
    }

    /// A directory listing gives every name byte for byte (long names too: entries are read
    /// in place), without `.` and `..`; a missing directory gives nil.
    @Test func directoryEntriesAreListedLosslessly() throws {
        let folder = NSTemporaryDirectory() + "fsname-\(getpid())-\(UInt32.random(in: 0...9999))"
        #expect(mkdir(folder, 0o700) == 0)
        defer {
            for name in FileSystemName.entries(ofDirectory: folder) ?? [] {
                _ = FileSystemName.withCString(folder + "/" + name) { unlink($0) }
            }
            rmdir(folder)
        }
        let names = [
            FileSystemName.string(fromBytes: Array("caf".utf8) + [0xE9] + Array(".png".utf8)),
            String(repeating: "n", count: 255), "a", "数字.jpg",
        ]
        for name in names {
            let descriptor = FileSystemName.withCString(folder + "/" + name) {
                open($0, O_CREAT | O_WRONLY, 0o600)
            }
            #expect(descriptor >= 0)
            close(descriptor)
        }
        #expect(FileSystemName.entries(ofDirectory: folder)?.sorted() == names.sorted())
        #expect(FileSystemName.entries(ofDirectory: folder + "/missing") == nil)
    }

    @Test func randomByteStringsRoundTrip() {
        var generator = Xoshiro256(seed: 7)
        for _ in 0..<2000 {
            let count = Int.random(in: 0...12, using: &generator)
            let bytes = (0..<count).map { _ in UInt8.random(in: 1...255, using: &generator) }
            let name = FileSystemName.string(fromBytes: bytes)
            #expect(FileSystemName.bytes(of: name) == bytes, "\(bytes)")
            let viaC = FileSystemName.withCString(name) { FileSystemName.string(fromCString: $0) }
            #expect(viaC == name)
        }
    }

    @Test func theSystemCallSeesTheOriginalBytes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "FileSystemNameTests-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let raw = Array((folder + "/n").utf8) + [0xE9, 0]
        let descriptor = raw.withUnsafeBufferPointer {
            $0.withMemoryRebound(to: CChar.self) {
                open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644)
            }
        }
        #expect(descriptor >= 0)
        close(descriptor)
        let name = FileSystemName.string(fromBytes: raw.dropLast())
        var status = stat()
        #expect(FileSystemName.withCString(name) { stat($0, &status) } == 0)
    }
}
