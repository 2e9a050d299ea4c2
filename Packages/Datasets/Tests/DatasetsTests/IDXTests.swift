import Datasets
import Foundation
import Testing

@Suite struct IDXTests {
    /// MNIST's label-file layout, written out by hand.
    @Test func parsesAHandWrittenUnsignedByteFile() throws {
        let bytes: [UInt8] = [0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 255]
        let array = try IDXArray(bytes: bytes)
        #expect(array.shape == [2, 3])
        #expect(array.elementType == .uint8)
        #expect(array.elements == .uint8([1, 2, 3, 4, 5, 255]))
        #expect(array.encoded() == bytes)
    }

    @Test func decodesBigEndianElementsOfEveryType() throws {
        let int16 = try IDXArray(bytes: [0, 0, 0x0B, 1, 0, 0, 0, 2, 0xFF, 0xFE, 0x01, 0x00])
        #expect(int16.elements == .int16([-2, 256]))
        let int32 = try IDXArray(bytes: [0, 0, 0x0C, 1, 0, 0, 0, 1, 0x80, 0, 0, 1])
        #expect(int32.elements == .int32([Int32.min + 1]))
        let float32 = try IDXArray(bytes: [0, 0, 0x0D, 1, 0, 0, 0, 1, 0x3F, 0xC0, 0, 0])
        #expect(float32.elements == .float32([1.5]))
        let float64 = try IDXArray(bytes: [0, 0, 0x0E, 1, 0, 0, 0, 1, 0xC0, 0x04, 0, 0, 0, 0, 0, 0])
        #expect(float64.elements == .float64([-2.5]))
        let int8 = try IDXArray(bytes: [0, 0, 0x09, 1, 0, 0, 0, 2, 0xFF, 0x7F])
        #expect(int8.elements == .int8([-1, 127]))
    }

    @Test(arguments: [
        IDXArray.Elements.uint8([0, 7, 255, 1, 2, 3]),
        .int8([-128, -1, 0, 1, 127, 5]),
        .int16([-32768, -1, 0, 1, 32767, 300]),
        .int32([Int32.min, -1, 0, 1, Int32.max, 70000]),
        .float32([-1.5, 0, 3.25, .infinity, 1e-30, 7]),
        .float64([-1.5, 0, 3.25, -.infinity, 1e-300, 7]),
    ])
    func roundTripsThroughFilesPlainAndCompressed(elements: IDXArray.Elements) throws {
        let folder = try TemporaryDirectory()
        let array = try IDXArray(shape: [2, 3], elements: elements)
        for name in ["plain-idx", "compressed-idx.gz"] {
            try array.write(to: folder.file(name))
            #expect(try IDXArray(contentsOf: folder.file(name)) == array)
        }
        let compressed = try [UInt8](contentsOfFile: folder.file("compressed-idx.gz"))
        #expect(Gzip.isCompressed(compressed))
    }

    @Test func convertsToTensorsWithScaleAndShape() throws {
        let array = try IDXArray(shape: [2, 2], elements: .uint8([0, 51, 102, 255]))
        let tensor = try array.tensor(dividedBy: 255, shape: [1, 1, 2, 2])
        #expect(tensor.shape == [1, 1, 2, 2])
        #expect(tensor.scalars == [0, 51, 102, 255].map { Float($0) / 255 })
        #expect(try IDXArray(shape: [2], elements: .int16([-3, 4])).floatScalars() == [-3, 4])
        #expect(
            try IDXArray(shape: [1], elements: .float64([3])).floatScalars(dividedBy: 2) == [1.5])
        #expect(throws: (any Error).self) { try array.tensor(shape: [3]) }
    }

    @Test func validatesShapesItIsGiven() {
        #expect(throws: DatasetError.self) { try IDXArray(shape: [2, 2], elements: .uint8([1])) }
        #expect(throws: DatasetError.self) { try IDXArray(shape: [], elements: .uint8([])) }
        #expect(throws: DatasetError.self) { try IDXArray(shape: [-1], elements: .uint8([])) }
    }
}

extension Array where Element == UInt8 {
    init(contentsOfFile path: String) throws {
        self = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
