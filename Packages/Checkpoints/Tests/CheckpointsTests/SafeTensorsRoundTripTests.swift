import Checkpoints
import Foundation
import TensorMath
import Testing

@Suite struct SafeTensorsRoundTripTests {
    /// Tensors covering the awkward cases: a scalar, an empty tensor, NaN payloads, signed
    /// zeros, subnormals, infinities, names that sort differently by bytes and by Unicode.
    static func awkwardTensors() throws -> [String: Tensor] {
        let special: [UInt32] = [
            0x0000_0000, 0x8000_0000, 0x0000_0001, 0x807F_FFFF, 0x7F80_0000, 0xFF80_0000,
            0x7FC0_0000, 0x7FA0_0001, 0xFFFF_FFFF, 0x3F80_0000, 0x7F7F_FFFF,
        ]
        var generator = Xoshiro256(seed: 11)
        return [
            "features.0.weight": try Tensor.normal([4, 1, 3, 3], using: &generator),
            "features.0.bias": try Tensor.uniform([4], low: -1, high: 1, using: &generator),
            "special": try Tensor(
                shape: [special.count], scalars: special.map(Float.init(bitPattern:))),
            "scalar": Tensor(scalar: -3.25),
            "empty": try Tensor.zeros([0, 5]),
            "Zeta": try Tensor.ones([1, 1, 1]),
            "é.accent": Tensor([1, 2]),
        ]
    }

    @Test func writeThenReadGivesEveryBitBack() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let tensors = try Self.awkwardTensors()
        let metadata = ["format": "pt", "note": "line\nbreak \"quoted\" / é 😀"]
        let url = folder.file("model.safetensors")
        try SafeTensorsFile.write(tensors, metadata: metadata, to: url)

        for mode in [SafeTensorsFile.ReadMode.memoryMapped, .read] {
            let file = try SafeTensorsFile(contentsOf: url, readMode: mode)
            #expect(file.metadata == metadata)
            #expect(Set(file.names) == Set(tensors.keys))
            let loaded = try file.tensors()
            for (name, tensor) in tensors {
                let back = try #require(loaded[name])
                #expect(back.shape == tensor.shape, "\(name)")
                #expect(bits(back) == bits(tensor), "\(name)")
                #expect(file.entry(named: name)?.dtype == .float32)
            }
        }
        #expect(try folder.contents() == ["model.safetensors"])
    }

    @Test func layoutFollowsTheReferenceWriter() throws {
        let tensors = try Self.awkwardTensors()
        let bytes = try SafeTensorsFile.serialize(tensors)
        let headerLength = bytes[0..<8].enumerated().reduce(0) {
            $0 | Int($1.element) << (8 * $1.offset)
        }
        #expect(headerLength % 8 == 0)
        let header = String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self)
        // Sorted by UTF-8 bytes: upper case before lower case, "é" (0xC3) last.
        let file = try SafeTensorsFile(bytes: bytes)
        #expect(
            file.names == [
                "Zeta", "empty", "features.0.bias", "features.0.weight", "scalar", "special",
                "é.accent",
            ])
        #expect(header.hasPrefix(#"{"Zeta":{"dtype":"F32","shape":[1,1,1],"data_offsets":[0,4]},"#))
        #expect(header.contains(#""empty":{"dtype":"F32","shape":[0,5],"data_offsets":[4,4]}"#))
        #expect(header.contains(#""scalar":{"dtype":"F32","shape":[],"data_offsets":"#))
        #expect(header.hasSuffix("}") || header.hasSuffix(" "))
        #expect(header.trimmingCharacters(in: .whitespaces).hasSuffix("}"))
        #expect(bytes.count == 8 + headerLength + 4 * tensors.values.reduce(0) { $0 + $1.count })
    }

    @Test func serializeMatchesTheWrittenFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let tensors = try Self.awkwardTensors()
        let metadata = ["b": "2", "a": "1", "B": "3"]
        let url = folder.file("x.safetensors")
        try SafeTensorsFile.write(tensors, metadata: metadata, to: url)
        let written = try [UInt8](Data(contentsOf: url))
        #expect(written == (try SafeTensorsFile.serialize(tensors, metadata: metadata)))
        let header = String(decoding: written[8..<80], as: UTF8.self)
        #expect(header.hasPrefix(#"{"__metadata__":{"B":"3","a":"1","b":"2"},"Zeta""#))
    }

    @Test func emptyTensorSetRoundTrips() throws {
        let bytes = try SafeTensorsFile.serialize([:])
        #expect(bytes == safetensorsBytes(header: "{}      "))
        let file = try SafeTensorsFile(bytes: bytes)
        #expect(file.entries.isEmpty && file.metadata.isEmpty)
        let withMetadata = try SafeTensorsFile(
            bytes: try SafeTensorsFile.serialize([:], metadata: ["k": "v"]))
        #expect(withMetadata.metadata == ["k": "v"])
    }

    @Test func entriesDescribeTensorsWithoutReadingThem() throws {
        let bytes = try SafeTensorsFile.serialize([
            "a": try Tensor.zeros([2, 3]), "b": Tensor([1, 2, 3, 4]),
        ])
        let file = try SafeTensorsFile(bytes: bytes, name: "in-memory")
        #expect(file.path == "in-memory")
        #expect(file.byteCount == bytes.count)
        #expect(
            file.entries == [
                SafeTensorsEntry(name: "a", dtype: .float32, shape: [2, 3], dataOffsets: 0..<24),
                SafeTensorsEntry(name: "b", dtype: .float32, shape: [4], dataOffsets: 24..<40),
            ])
        #expect(file.entries[0].elementCount == 6 && file.entries[0].byteCount == 24)
        #expect(file.shapes == ["a": [2, 3], "b": [4]])
        let raw = try file.withUnsafeBytes(ofTensorNamed: "b") { Array($0) }
        #expect(raw == littleEndianBytes([1, 2, 3, 4]))
    }

    @Test func unknownTensorNameIsAnErrorNamingIt() throws {
        let file = try SafeTensorsFile(
            bytes: try SafeTensorsFile.serialize(["a": Tensor([1])]), name: "m.safetensors")
        let error = try #require(throws: CheckpointError.self) {
            try file.tensor(named: "fc.weight")
        }
        #expect(error == .tensorNotFound(path: "m.safetensors", tensor: "fc.weight"))
        #expect(
            error.description.contains("fc.weight") && error.description.contains("m.safetensors"))
        #expect(throws: CheckpointError.self) {
            try file.withUnsafeBytes(ofTensorNamed: "nope") { _ in 0 }
        }
    }

    @Test func invalidNamesAreRejectedBeforeWriting() throws {
        for name in ["", "__metadata__"] {
            let error = try #require(throws: CheckpointError.self) {
                try SafeTensorsFile.serialize([name: Tensor([1])])
            }
            #expect(error.caseName == "invalidArgument")
        }
        let deep = try Tensor.zeros([Int](repeating: 1, count: SafeTensorsLimits.maximumRank + 1))
        #expect(throws: CheckpointError.self) { try SafeTensorsFile.serialize(["deep": deep]) }
    }

    @Test func openingAMissingFileNamesIt() throws {
        let url = URL(fileURLWithPath: "/nonexistent-folder/model.safetensors")
        let error = try #require(throws: CheckpointError.self) {
            try SafeTensorsFile(contentsOf: url)
        }
        #expect(error.caseName == "fileSystem")
        #expect(error.description.contains("/nonexistent-folder/model.safetensors"))
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let directoryError = try #require(throws: CheckpointError.self) {
            try SafeTensorsFile(contentsOf: folder.url)
        }
        #expect(directoryError.description.contains("not a regular file"))
    }
}
