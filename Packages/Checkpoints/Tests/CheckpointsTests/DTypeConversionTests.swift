import Checkpoints
import TensorMath
import Testing

/// Conversions of every stored dtype to Float, checked exhaustively where the type is small,
/// through files the tests build byte by byte.
@Suite struct DTypeConversionTests {
    /// Loads `bytes` stored as `dtype` with shape `[count]`.
    func load(_ dtype: String, _ bytes: [UInt8], count: Int) throws -> Tensor {
        let header =
            #"{"x":{"dtype":"\#(dtype)","shape":[\#(count)],"data_offsets":[0,\#(bytes.count)]}}"#
        let file = try SafeTensorsFile(bytes: safetensorsBytes(header: header, data: bytes))
        return try file.tensor(named: "x")
    }

    #if !(os(macOS) && arch(x86_64))
    @Test func everyHalfPrecisionPatternConvertsExactly() throws {
        let patterns = (0...UInt16.max).map { $0 }
        let bytes = patterns.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let tensor = try load("F16", bytes, count: patterns.count)
        var mismatches = 0
        for (pattern, value) in zip(patterns, tensor.scalars) {
            let expected = Float(Float16(bitPattern: pattern))
            let same = expected.isNaN ? value.isNaN : value.bitPattern == expected.bitPattern
            if !same { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test func everyE5M2PatternIsTheUpperHalfOfAHalf() throws {
        let tensor = try load("F8_E5M2", (0...255).map { UInt8($0) }, count: 256)
        for (pattern, value) in tensor.scalars.enumerated() {
            let expected = Float(Float16(bitPattern: UInt16(pattern) << 8))
            #expect(expected.isNaN ? value.isNaN : value == expected, "pattern \(pattern)")
        }
    }
    #endif

    @Test func e4m3HandComputedValues() throws {
        // 0x38 = 0.0111.000 = 2^(7-7) = 1; 0x7E = 448 (largest); 0x01 = 2^-9 (smallest
        // subnormal); 0x08 = 2^-6 (smallest normal); 0xC4 = -(1 + 4/8) × 2^(8-7) = -3;
        // 0x7F and 0xFF are NaN (no infinities).
        let tensor = try load(
            "F8_E4M3", [0x38, 0x7E, 0x01, 0x08, 0xC4, 0x00, 0x80, 0x7F, 0xFF], count: 9)
        let values = tensor.scalars
        #expect(Array(values[0..<5]) == [1, 448, 0x1p-9, 0x1p-6, -3])
        #expect(values[5].bitPattern == 0 && values[6].bitPattern == 0x8000_0000)
        #expect(values[7].isNaN && values[8].isNaN)
        // Every finite pattern is distinct and ordered like its magnitude bits.
        let all = try load("F8_E4M3", (0..<127).map { UInt8($0) }, count: 127).scalars
        #expect(zip(all, all.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func bfloat16IsTheUpperHalfOfAFloat() throws {
        let patterns: [UInt16] = [0x3F80, 0xC049, 0x0001, 0x7F80, 0xFF80, 0x7FC1, 0x8000]
        let tensor = try load(
            "BF16", patterns.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }, count: 7)
        #expect(tensor.scalars.map(\.bitPattern) == patterns.map { UInt32($0) << 16 })
    }

    @Test func integersAndBooleansConvertToTheirValues() throws {
        func littleEndian<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
            values.flatMap { value in withUnsafeBytes(of: value.littleEndian) { Array($0) } }
        }
        #expect(try load("U8", [0, 1, 255], count: 3).scalars == [0, 1, 255])
        #expect(try load("I8", [0x80, 0x7F, 0xFF], count: 3).scalars == [-128, 127, -1])
        #expect(try load("BOOL", [1, 0], count: 2).scalars == [1, 0])
        #expect(
            try load("I16", littleEndian([Int16.min, -2, 300]), count: 3).scalars == [
                -32768, -2, 300,
            ])
        #expect(try load("U16", littleEndian([UInt16.max, 7]), count: 2).scalars == [65535, 7])
        #expect(
            try load("I32", littleEndian([Int32.min, 16_777_217]), count: 2).scalars == [
                -2_147_483_648, 16_777_216,
            ])
        #expect(try load("U32", littleEndian([UInt32.max]), count: 1).scalars == [4_294_967_296])
        #expect(try load("I64", littleEndian([Int64.min, -5]), count: 2).scalars == [-0x1p63, -5])
        #expect(try load("U64", littleEndian([UInt64.max]), count: 1).scalars == [0x1p64])
        let doubles: [Double] = [1.0 / 3.0, -1e300, 1e-300, 0.1]
        let converted = try load("F64", littleEndian(doubles.map(\.bitPattern)), count: 4).scalars
        #expect(converted == [Float(1.0 / 3.0), -.infinity, 0, Float(0.1)])
    }

    @Test func unalignedDataIsReadCorrectly() throws {
        // A 1-byte tensor first puts the F64 and F32 data at odd offsets.
        let header =
            #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"#
            + #""b":{"dtype":"F64","shape":[1],"data_offsets":[1,9]},"#
            + #""c":{"dtype":"F32","shape":[2],"data_offsets":[9,17]}}"#
        let data =
            [UInt8(9)] + withUnsafeBytes(of: (2.5).bitPattern.littleEndian) { Array($0) }
            + littleEndianBytes([-1, 0.5])
        let file = try SafeTensorsFile(bytes: safetensorsBytes(header: header, data: data))
        #expect(try file.tensor(named: "a").scalars == [9])
        #expect(try file.tensor(named: "b").scalars == [2.5])
        #expect(try file.tensor(named: "c").scalars == [-1, 0.5])
    }
}
