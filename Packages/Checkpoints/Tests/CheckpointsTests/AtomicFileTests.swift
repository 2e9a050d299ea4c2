import Checkpoints
import Foundation
import TensorMath
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct AtomicFileTests {
    struct Interrupted: Error {}

    @Test func aFailedWriteLeavesThePreviousFileAndNoTemporaryFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let url = folder.file("model.safetensors")
        let previous = try SafeTensorsFile.serialize(["w": Tensor([1, 2, 3])])
        try AtomicFile.write(previous, to: url)

        // A save that dies half-way, after writing a new header and some data.
        let replacement = try SafeTensorsFile.serialize(["w": try Tensor.zeros([1000])])
        #expect(throws: Interrupted.self) {
            try AtomicFile.write(to: url) { writer in
                try writer.write(Array(replacement[0..<(replacement.count / 2)]))
                #expect(writer.byteCount == replacement.count / 2)
                throw Interrupted()
            }
        }
        #expect(try [UInt8](Data(contentsOf: url)) == previous)
        #expect(try folder.contents() == ["model.safetensors"])
        #expect(try SafeTensorsFile(contentsOf: url).tensor(named: "w").scalars == [1, 2, 3])
    }

    @Test func aSuccessfulWriteReplacesTheFileWhole() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let url = folder.file("a.bin")
        try AtomicFile.write([1, 2, 3, 4, 5], to: url)
        try AtomicFile.write(to: url) { writer in
            try writer.write([9])
            try writer.write([8, 7])
        }
        #expect(try [UInt8](Data(contentsOf: url)) == [9, 8, 7])
        #expect(try folder.contents() == ["a.bin"])
    }

    @Test func newFilesAre0644AndReplacedFilesKeepTheirMode() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let url = folder.file("m.safetensors")
        func mode() throws -> Int {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            return try #require(attributes[.posixPermissions] as? Int)
        }
        try AtomicFile.write([1], to: url)
        #expect(try mode() == 0o644)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        try AtomicFile.write([2], to: url)
        #expect(try mode() == 0o600)
    }

    @Test(.disabled(if: geteuid() == 0, "root ignores folder permissions"))
    func aReadOnlyFolderIsAClearErrorAndTheFileSurvives() throws {
        let folder = try TemporaryFolder()
        defer {
            try? FileManager.default.setAttributes(
                [.posixPermissions: 0o755], ofItemAtPath: folder.url.path)
            folder.cleanUp()
        }
        let url = folder.file("model.safetensors")
        try SafeTensorsFile.write(["w": Tensor([4])], to: url)
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o555], ofItemAtPath: folder.url.path)
        let error = try #require(throws: CheckpointError.self) {
            try SafeTensorsFile.write(["w": Tensor([5])], to: url)
        }
        #expect(error.caseName == "fileSystem")
        #expect(error.description.contains(url.path))
        #expect(try SafeTensorsFile(contentsOf: url).tensor(named: "w").scalars == [4])
    }

    @Test func aMissingFolderOrAFolderInTheWayIsAClearError() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let missing = folder.url.appendingPathComponent("no/such/folder/m.safetensors")
        let error = try #require(throws: CheckpointError.self) {
            try SafeTensorsFile.write(["w": Tensor([1])], to: missing)
        }
        #expect(error.description.contains(missing.path))
        // The destination is a folder: refused before writing, the folder and its content
        // survive.
        let blocking = folder.file("blocking")
        try FileManager.default.createDirectory(
            at: blocking.appendingPathComponent("inside"), withIntermediateDirectories: true)
        let renameError = try #require(throws: CheckpointError.self) {
            try AtomicFile.write([1, 2], to: blocking)
        }
        #expect(renameError.description.contains("not a regular file"))
        #expect(try folder.contents() == ["blocking"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: blocking.path) == ["inside"])
    }

    @Test func invalidTensorSetsLeaveThePreviousFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let url = folder.file("m.safetensors")
        try SafeTensorsFile.write(["w": Tensor([7])], to: url)
        #expect(throws: CheckpointError.self) {
            try SafeTensorsFile.write(["w": Tensor([8]), "__metadata__": Tensor([1])], to: url)
        }
        #expect(try SafeTensorsFile(contentsOf: url).tensor(named: "w").scalars == [7])
        #expect(try folder.contents() == ["m.safetensors"])
    }
}
