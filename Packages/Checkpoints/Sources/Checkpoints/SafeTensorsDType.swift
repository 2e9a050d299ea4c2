/// The element types of the safetensors format, named as they appear in the header.
///
/// The reader converts every case to `Float` (see ``SafeTensorsFile/tensor(named:)``); the
/// writer stores ``float32``. Integers wider than 24 bits and ``float64`` values round to the
/// nearest `Float`; booleans become 0 and 1.
public enum SafeTensorsDType: String, CaseIterable, Sendable {
    /// One byte, 0 or 1.
    case bool = "BOOL"
    /// Unsigned 8-bit integer.
    case uint8 = "U8"
    /// Signed 8-bit integer.
    case int8 = "I8"
    /// 8-bit float, 4 exponent and 3 mantissa bits, no infinities (`torch.float8_e4m3fn`).
    case float8E4M3 = "F8_E4M3"
    /// 8-bit float, 5 exponent and 2 mantissa bits (`torch.float8_e5m2`).
    case float8E5M2 = "F8_E5M2"
    /// Signed 16-bit integer.
    case int16 = "I16"
    /// Unsigned 16-bit integer.
    case uint16 = "U16"
    /// IEEE 754 half precision.
    case float16 = "F16"
    /// bfloat16: the upper half of a `Float`.
    case bfloat16 = "BF16"
    /// Signed 32-bit integer.
    case int32 = "I32"
    /// Unsigned 32-bit integer.
    case uint32 = "U32"
    /// IEEE 754 single precision, the type `Tensor` holds.
    case float32 = "F32"
    /// IEEE 754 double precision.
    case float64 = "F64"
    /// Signed 64-bit integer.
    case int64 = "I64"
    /// Unsigned 64-bit integer.
    case uint64 = "U64"

    /// The size of one element in bytes.
    public var byteSize: Int {
        switch self {
        case .bool, .uint8, .int8, .float8E4M3, .float8E5M2: return 1
        case .int16, .uint16, .float16, .bfloat16: return 2
        case .int32, .uint32, .float32: return 4
        case .float64, .int64, .uint64: return 8
        }
    }
}

extension SafeTensorsDType {
    /// Converts `count` little-endian elements of this type at `source` to `Float`s in
    /// `target`. `source` may be unaligned and must hold `count × byteSize` bytes.
    func convert(_ source: UnsafeRawBufferPointer, into target: UnsafeMutableBufferPointer<Float>) {
        let count = target.count
        guard count > 0, let base = source.baseAddress, let out = target.baseAddress else { return }
        switch self {
        case .float32:
            #if _endian(little)
            UnsafeMutableRawPointer(out).copyMemory(from: base, byteCount: count * 4)
            #else
            for i in 0..<count { out[i] = Float(bitPattern: load(UInt32.self, base, i)) }
            #endif
        case .float64:
            for i in 0..<count { out[i] = Float(Double(bitPattern: load(UInt64.self, base, i))) }
        case .float16:
            for i in 0..<count { out[i] = Self.float(fromHalf: load(UInt16.self, base, i)) }
        case .bfloat16:
            for i in 0..<count {
                out[i] = Float(bitPattern: UInt32(load(UInt16.self, base, i)) << 16)
            }
        case .float8E5M2:
            let bytes = base.assumingMemoryBound(to: UInt8.self)
            for i in 0..<count { out[i] = Self.float(fromHalf: UInt16(bytes[i]) << 8) }
        case .float8E4M3:
            let bytes = base.assumingMemoryBound(to: UInt8.self)
            for i in 0..<count { out[i] = Self.float(fromE4M3: bytes[i]) }
        case .bool, .uint8:
            let bytes = base.assumingMemoryBound(to: UInt8.self)
            for i in 0..<count { out[i] = Float(bytes[i]) }
        case .int8:
            let bytes = base.assumingMemoryBound(to: Int8.self)
            for i in 0..<count { out[i] = Float(bytes[i]) }
        case .int16:
            for i in 0..<count { out[i] = Float(Int16(bitPattern: load(UInt16.self, base, i))) }
        case .uint16:
            for i in 0..<count { out[i] = Float(load(UInt16.self, base, i)) }
        case .int32:
            for i in 0..<count { out[i] = Float(Int32(bitPattern: load(UInt32.self, base, i))) }
        case .uint32:
            for i in 0..<count { out[i] = Float(load(UInt32.self, base, i)) }
        case .int64:
            for i in 0..<count { out[i] = Float(Int64(bitPattern: load(UInt64.self, base, i))) }
        case .uint64:
            for i in 0..<count { out[i] = Float(load(UInt64.self, base, i)) }
        }
    }

    /// The little-endian integer at element `index` of `base`, read without alignment.
    @inline(__always)
    private func load<T: FixedWidthInteger>(_: T.Type, _ base: UnsafeRawPointer, _ index: Int)
        -> T
    {
        let offset = index &* MemoryLayout<T>.size
        return T(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// The `Float` with the value of an IEEE 754 half-precision bit pattern, exactly
    /// (subnormals, infinities and NaN payloads included).
    @inline(__always)
    static func float(fromHalf bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits) & 0x3FF
        if exponent == 0x1F {  // infinity or NaN
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        }
        if exponent == 0 {  // zero or subnormal: mantissa × 2⁻²⁴, exact in Float
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        }
        return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
    }

    /// The `Float` with the value of an 8-bit E4M3 (finite, `fn`) bit pattern: bias 7, no
    /// infinities, `S.1111.111` is NaN.
    @inline(__always)
    static func float(fromE4M3 bits: UInt8) -> Float {
        let negative = bits & 0x80 != 0
        let exponent = Int(bits >> 3) & 0xF
        let mantissa = Int(bits) & 0x7
        let magnitude: Float
        if exponent == 0xF && mantissa == 0x7 {
            magnitude = .nan
        } else if exponent == 0 {
            magnitude = Float(mantissa) * 0x1p-9
        } else {
            let scale = Float(sign: .plus, exponent: exponent - 10, significand: 1)
            magnitude = Float(8 + mantissa) * scale
        }
        return negative ? -magnitude : magnitude
    }
}
