import Checkpoints
import Foundation
import TensorMath
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A model file whose name is not UTF-8 (Latin-1 `modèle.safetensors`) is written atomically
/// under exactly those bytes and read back; messages show the odd byte as `\xE8`.
@Suite struct NonUTF8NameTests {
    @Test func aLatin1FileNameIsWrittenAndReadByteForByte() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let bytes: [UInt8] = Array("mod".utf8) + [0xE8] + Array("le.safetensors".utf8)
        let name = FileSystemName.string(fromBytes: bytes)
        let url = folder.file(name)
        #expect(url.path.hasSuffix(name))
        let tensor = try Tensor(shape: [2], scalars: [1, 2])
        try SafeTensorsFile.write(["w": tensor], to: url)

        // The file exists under the original bytes, and no temporary file is left.
        let raw = Array(folder.url.path.utf8) + [0x2F] + bytes + [0]
        var status = stat()
        let found = raw.withUnsafeBufferPointer {
            $0.withMemoryRebound(to: CChar.self) { stat($0.baseAddress!, &status) }
        }
        #expect(found == 0)
        #expect(try SafeTensorsFile(contentsOf: url).tensor(named: "w") == tensor)
        #expect {
            try SafeTensorsFile(contentsOf: folder.file(name + ".missing"))
        } throws: { error in
            "\(error)".contains("mod\\xE8le.safetensors.missing")
        }
        _ = FileSystemName.withCString(url.path) { unlink($0) }
    }
}
