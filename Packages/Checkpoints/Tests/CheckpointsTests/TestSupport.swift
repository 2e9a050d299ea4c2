import Checkpoints
import Foundation
import TensorMath
import Testing

/// A fresh temporary folder, removed by `cleanUp()`.
struct TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("CheckpointsTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// The names of the files in the folder, sorted (hidden temporary files included).
    func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// The bytes of a safetensors file made by hand: the 8-byte length (by default the header's
/// own), the header text, then `data`.
func safetensorsBytes(
    header: String, data: [UInt8] = [], declaredLength: UInt64? = nil
)
    -> [UInt8]
{
    let text = Array(header.utf8)
    let length = declaredLength ?? UInt64(text.count)
    return withUnsafeBytes(of: length.littleEndian) { Array($0) } + text + data
}

/// The little-endian bytes of `values`.
func littleEndianBytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
}

/// The bit patterns of a tensor's scalars, to compare tensors exactly (NaN payloads, -0).
func bits(_ tensor: Tensor) -> [UInt32] { tensor.scalars.map(\.bitPattern) }

/// The URL of a golden fixture written by Tools/reference/checkpoints_golden.py.
func fixture(_ name: String) throws -> URL {
    try #require(
        Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"),
        "fixture \(name) is missing")
}

extension CheckpointError {
    /// The name of the error's case, such as `invalidOffsets`.
    var caseName: String {
        Mirror(reflecting: self).children.first?.label ?? "\(self)"
    }
}
