import Checkpoints
import Foundation
import TensorMath
import Testing

/// Every kind of bad input the issue lists becomes a clear error naming the file, never a
/// crash or a huge allocation. Every file here is synthesized byte by byte.
@Suite struct BadInputTests {
    static let name = "bad.safetensors"

    /// The error that opening `bytes` throws.
    func openError(_ bytes: [UInt8]) throws -> CheckpointError {
        let error = try #require(throws: CheckpointError.self) {
            try SafeTensorsFile(bytes: bytes, name: Self.name)
        }
        #expect(error.description.hasPrefix(Self.name + ": "), "\(error)")
        return error
    }

    func openError(header: String, data: [UInt8] = []) throws -> CheckpointError {
        try openError(safetensorsBytes(header: header, data: data))
    }

    /// A one-tensor header with the given fields.
    func tensorHeader(
        dtype: String = #""F32""#, shape: String = "[2]", offsets: String = "[0,8]"
    )
        -> String
    {
        #"{"t":{"dtype":\#(dtype),"shape":\#(shape),"data_offsets":\#(offsets)}}"#
    }

    // MARK: Truncation and header length

    @Test func filesShorterThanTheLengthFieldAreTruncated() throws {
        for count in [0, 1, 7] {
            let error = try openError([UInt8](repeating: 0, count: count))
            #expect(error.caseName == "truncated", "\(count) bytes")
        }
    }

    @Test func truncatedFilesOnDiskAreClearErrors() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let whole = try SafeTensorsFile.serialize(
            ["w": try Tensor.ones([4, 4])], metadata: ["k": "v"])
        let headerEnd =
            8 + whole[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        // Cut inside the length, the header, and the data.
        for cut in [0, 5, 12, headerEnd - 1, headerEnd, headerEnd + 3, whole.count - 1] {
            let url = folder.file("cut-\(cut).safetensors")
            try Data(whole[0..<cut]).write(to: url)
            let error = try #require(throws: CheckpointError.self) {
                try SafeTensorsFile(contentsOf: url)
            }
            let expected =
                cut < 8
                ? "truncated"
                : cut < headerEnd
                    ? "headerLengthExceedsFile"
                    : "invalidOffsets"
            #expect(error.caseName == expected, "cut at \(cut): \(error)")
            #expect(error.description.contains(url.path))
        }
    }

    @Test func headerLengthLargerThanTheFile() throws {
        let error = try openError(safetensorsBytes(header: "{}", declaredLength: 3))
        #expect(error == .headerLengthExceedsFile(path: Self.name, length: 3, available: 2))
    }

    @Test func absurdHeaderLengthsAreRejectedBeforeAnyAllocation() throws {
        for length in [UInt64.max, 1 << 63, UInt64(SafeTensorsLimits.maximumHeaderBytes) + 1] {
            let error = try openError(safetensorsBytes(header: "{}", declaredLength: length))
            #expect(
                error
                    == .headerTooLarge(
                        path: Self.name, length: length, limit: SafeTensorsLimits.maximumHeaderBytes
                    ))
        }
    }

    // MARK: Invalid JSON

    @Test(arguments: [
        "", "[]", " {}", "{", "{\"a\":}", "{\"a\":1,}", "{,}", "{\"a\" 1}", "{'a':1}",
        "{\"a\":\"unterminated}", "{\"a\":\"bad escape \\q\"}", "{\"a\":\"\\ud800\"}",
        "{\"a\":\"\\udc00\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"tab\there\"}", "{\"a\":01}",
        "{\"a\":1.}", "{\"a\":-}", "{\"a\":NaN}", "{\"a\":tru}", "{} x", "{}{}", "{\"a\":[1 2]}",
    ])
    func invalidJSONIsRejected(header: String) throws {
        let error = try openError(header: header)
        #expect(error.caseName == "invalidJSON", "\(header): \(error)")
    }

    @Test func invalidUTF8IsRejected() throws {
        let header: [UInt8] =
            Array(#"{"__metadata__":{"k":""#.utf8) + [0xC3, 0x28]
            + Array(#""}}"#.utf8)
        let bytes = withUnsafeBytes(of: UInt64(header.count).littleEndian) { Array($0) } + header
        #expect(try openError(bytes).caseName == "invalidJSON")
    }

    @Test func deepNestingIsAnErrorNotAStackOverflow() throws {
        let depth = 100_000
        let header =
            #"{"a":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            + "}"
        let error = try openError(header: header)
        #expect(error.caseName == "invalidJSON")
        #expect(error.description.contains("nesting"))
    }

    @Test func longArraysAreRejected() throws {
        let count = SafeTensorsLimits.maximumJSONArrayCount
        let accepted = "[" + Array(repeating: "0", count: count).joined(separator: ",") + "]"
        // Within the limit the array parses (and then fails as a shape of rank 64).
        let rankError = try openError(header: tensorHeader(shape: accepted, offsets: "[0,0]"))
        #expect(rankError.caseName == "invalidHeader")
        let rejected = "[" + Array(repeating: "0", count: count + 1).joined(separator: ",") + "]"
        let error = try openError(header: #"{"__metadata__":{},"x":{"junk":\#(rejected)}}"#)
        #expect(error.caseName == "invalidJSON")
        #expect(error.description.contains("longer than \(count) elements"))
    }

    @Test func trailingSpacesAndEscapesAreAccepted() throws {
        let header =
            #"{"__metadata__":{"k\u00e9\n":"\ud83d\ude00\/"},"#
            + #""t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"# + "     "
        let file = try SafeTensorsFile(
            bytes: safetensorsBytes(header: header, data: littleEndianBytes([2])))
        #expect(file.metadata == ["ké\n": "😀/"])
    }

    // MARK: Header structure

    @Test(arguments: [
        (#"{"__metadata__":[]}"#, "not an object"),
        (#"{"__metadata__":{"k":1}}"#, "not a string"),
        (#"{"__metadata__":{"k":"a","k":"b"}}"#, "duplicate metadata key"),
        (#"{"__metadata__":{},"__metadata__":{}}"#, "duplicate"),
        (
            #"{"t":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"#
                + #""t":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}"#,
            "duplicate tensor name"
        ),
        (#"{"t":[]}"#, "not an object"),
        (#"{"t":{"shape":[0],"data_offsets":[0,0]}}"#, "missing \"dtype\""),
        (#"{"t":{"dtype":"F32","data_offsets":[0,0]}}"#, "missing \"shape\""),
        (#"{"t":{"dtype":"F32","shape":[0]}}"#, "missing \"data_offsets\""),
        (#"{"t":{"dtype":32,"shape":[0],"data_offsets":[0,0]}}"#, "not a string"),
        (#"{"t":{"dtype":"F32","dtype":"F32","shape":[0],"data_offsets":[0,0]}}"#, "duplicate"),
    ])
    func malformedHeadersAreRejected(header: String, fragment: String) throws {
        let error = try openError(header: header)
        #expect(error.caseName == "invalidHeader", "\(header): \(error)")
        #expect(error.description.contains(fragment), "\(error)")
    }

    @Test(arguments: ["[-1]", "[1.0]", "[1e2]", "[\"2\"]", "[null]", "2", "[99999999999999999999]"])
    func badShapesAreRejected(shape: String) throws {
        let error = try openError(header: tensorHeader(shape: shape))
        #expect(error.caseName == "invalidHeader", "\(shape): \(error)")
        #expect(error.description.contains("\"t\""))
    }

    @Test(arguments: ["[0]", "[0,8,9]", "[-1,8]", "[0,8.0]", "{}", "[0,99999999999999999999]"])
    func badOffsetFieldsAreRejected(offsets: String) throws {
        let error = try openError(
            header: tensorHeader(offsets: offsets), data: [UInt8](repeating: 0, count: 8))
        #expect(error.caseName == "invalidHeader", "\(offsets): \(error)")
    }

    @Test func rankAboveTheLimitIsRejected() throws {
        let shape =
            "["
            + Array(repeating: "1", count: SafeTensorsLimits.maximumRank + 1).joined(separator: ",")
            + "]"
        let error = try openError(
            header: tensorHeader(shape: shape, offsets: "[0,4]"), data: [0, 0, 0, 0])
        #expect(error.description.contains("rank 33"))
    }

    @Test func unknownDTypeIsNamed() throws {
        let error = try openError(
            header: tensorHeader(dtype: #""F4""#, offsets: "[0,1]"), data: [0])
        #expect(error == .unsupportedDType(path: Self.name, tensor: "t", dtype: "F4"))
    }

    @Test func tooManyTensorsAreRejected() throws {
        let count = SafeTensorsLimits.maximumTensorCount + 1
        // Counted before any entry is examined, so the entries can be minimal.
        var header: [UInt8] = [UInt8(ascii: "{")]
        header.reserveCapacity(count * 12)
        for index in 0..<count {
            header += Array("\"\(index)\":0,".utf8)
        }
        header[header.count - 1] = UInt8(ascii: "}")
        let bytes = withUnsafeBytes(of: UInt64(header.count).littleEndian) { Array($0) } + header
        let error = try openError(bytes)
        #expect(error.caseName == "invalidHeader")
        #expect(
            error.description.contains(
                "more than the limit of \(SafeTensorsLimits.maximumTensorCount)"))
    }

    // MARK: Sizes, byte counts and offsets

    @Test func dtypeShapeAndByteCountMustAgree() throws {
        // F32 [2] needs 8 bytes; the offsets cover 6.
        let error = try openError(
            header: tensorHeader(offsets: "[0,6]"), data: [UInt8](repeating: 0, count: 6))
        #expect(
            error
                == .byteCountMismatch(
                    path: Self.name, tensor: "t", dtype: "F32", shape: [2], expected: 8, actual: 6))
        // Same bytes, wrong dtype: F64 [2] needs 16.
        let dtypeError = try openError(
            header: tensorHeader(dtype: #""F64""#), data: [UInt8](repeating: 0, count: 8))
        #expect(dtypeError.caseName == "byteCountMismatch")
        #expect(dtypeError.description.contains("F64 [2] needs 16"))
    }

    @Test(arguments: [
        "[4294967296,4294967296,4294967296]",  // overflows Int
        "[137438953409]",  // one over the element limit, Int32.max × 64
        "[9223372036854775807,2]",
    ])
    func absurdShapesAreRejectedWithoutAllocating(shape: String) throws {
        let error = try openError(
            header: tensorHeader(shape: shape, offsets: "[0,8]"),
            data: [UInt8](repeating: 0, count: 8))
        #expect(error.caseName == "invalidHeader", "\(error)")
        #expect(error.description.contains("elements"))
    }

    @Test func hugeOffsetsAreOutOfRange() throws {
        // 2^34 elements of F32 claimed, consistent with the offsets, but the file is tiny.
        let error = try openError(
            header: tensorHeader(shape: "[17179869184]", offsets: "[0,68719476736]"), data: [0])
        #expect(error.caseName == "invalidOffsets")
        #expect(error.description.contains("past the 1 data bytes"))
    }

    @Test func reversedOffsetsAreRejected() throws {
        let error = try openError(
            header: tensorHeader(shape: "[0]", offsets: "[8,0]"),
            data: [UInt8](repeating: 0, count: 8))
        #expect(
            error == .invalidOffsets(path: Self.name, tensor: "t", reason: "begin 8 is after end 0")
        )
    }

    @Test func overlappingOffsetsAreRejected() throws {
        let header =
            #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
            + #""b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        let error = try openError(header: header, data: [UInt8](repeating: 0, count: 12))
        #expect(error.caseName == "invalidOffsets")
        #expect(
            error.description.contains(#"tensor "b""#)
                && error.description.contains(#"overlaps tensor "a""#))
        // Two tensors on the same bytes.
        let same =
            #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
            + #""b":{"dtype":"I32","shape":[2],"data_offsets":[0,8]}}"#
        #expect(
            try openError(header: same, data: [UInt8](repeating: 0, count: 8)).caseName
                == "invalidOffsets")
    }

    @Test func gapsAndTrailingBytesAreRejected() throws {
        let gap =
            #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"#
            + #""b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        let gapError = try openError(header: gap, data: [UInt8](repeating: 0, count: 12))
        #expect(gapError.caseName == "invalidOffsets")
        #expect(gapError.description.contains("4 unused bytes"))
        let trailing = try openError(header: tensorHeader(), data: [UInt8](repeating: 0, count: 9))
        #expect(trailing.caseName == "invalidHeader")
        #expect(trailing.description.contains("cover 8 data bytes but the file holds 9"))
    }

    @Test func outOfRangeOffsetsNameTheTensor() throws {
        let error = try openError(
            header: tensorHeader(offsets: "[4,12]"), data: [UInt8](repeating: 0, count: 8))
        #expect(error.caseName == "invalidOffsets")
        #expect(error.description.contains(#"tensor "t""#) && error.description.contains("[4, 12]"))
    }
}
