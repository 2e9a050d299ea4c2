/// The few protocol-buffer wire encodings that ONNX files (`swiftcnn export-onnx`) and
/// TensorBoard event files (`--tensorboard`) need, written by hand (no generated code): varints
/// (wire type 0), fixed64 doubles (1), length-delimited fields (2: strings, bytes,
/// sub-messages, packed repeated integers and doubles) and fixed32 floats (5). Fields are
/// written in the order of the calls, so the same calls give the same bytes.
///
/// ```swift
/// var entry = ProtoWriter()
/// entry.string(1, "key")
/// entry.string(2, "value")
/// var model = ProtoWriter()
/// model.message(14, entry)          // ModelProto.metadata_props
/// ```
public struct ProtoWriter: Sendable {
    /// The encoded fields so far.
    public private(set) var data: [UInt8] = []

    /// An empty message.
    public init() {}

    private mutating func raw(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            data.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        data.append(UInt8(value))
    }

    private mutating func tag(_ field: Int, _ wireType: UInt64) {
        raw(UInt64(field) << 3 | wireType)
    }

    /// A varint field (`int32`, `int64`, enums); negative values take ten bytes, as
    /// protobuf encodes them.
    public mutating func varint(_ field: Int, _ value: Int64) {
        tag(field, 0)
        raw(UInt64(bitPattern: value))
    }

    /// A `float` field (fixed32, little-endian IEEE 754).
    public mutating func float(_ field: Int, _ value: Float) {
        tag(field, 5)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
    }

    /// A `double` field (fixed64, little-endian IEEE 754).
    public mutating func double(_ field: Int, _ value: Double) {
        tag(field, 1)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
    }

    /// A length-delimited field holding `bytes`.
    public mutating func bytes(_ field: Int, _ bytes: [UInt8]) {
        tag(field, 2)
        raw(UInt64(bytes.count))
        data.append(contentsOf: bytes)
    }

    /// A `string` field (UTF-8).
    public mutating func string(_ field: Int, _ text: String) {
        bytes(field, Array(text.utf8))
    }

    /// An embedded message.
    public mutating func message(_ field: Int, _ message: ProtoWriter) {
        bytes(field, message.data)
    }

    /// A packed `repeated int64` field (omitted when empty, as protobuf does).
    public mutating func packedVarints(_ field: Int, _ values: [Int64]) {
        guard !values.isEmpty else { return }
        var packed = ProtoWriter()
        for value in values { packed.raw(UInt64(bitPattern: value)) }
        bytes(field, packed.data)
    }

    /// A packed `repeated double` field.
    public mutating func packedDoubles(_ field: Int, _ values: [Double]) {
        var payload: [UInt8] = []
        payload.reserveCapacity(values.count * 8)
        for value in values {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { payload.append(contentsOf: $0) }
        }
        bytes(field, payload)
    }
}
