/// One tensor as a safetensors header describes it: its name, element type, shape and where
/// its bytes lie. Reading the entry reads no tensor data.
public struct SafeTensorsEntry: Equatable, Sendable {
    /// The tensor's name, such as `features.0.weight`.
    public let name: String
    /// The stored element type.
    public let dtype: SafeTensorsDType
    /// The tensor's shape, outermost dimension first; `[]` for a scalar.
    public let shape: [Int]
    /// The byte range of the tensor's data, relative to the start of the data section (the
    /// header's `data_offsets`).
    public let dataOffsets: Range<Int>

    /// Creates an entry; `dataOffsets.count` should be `elementCount × dtype.byteSize`.
    public init(name: String, dtype: SafeTensorsDType, shape: [Int], dataOffsets: Range<Int>) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.dataOffsets = dataOffsets
    }

    /// The number of elements: the product of ``shape``.
    public var elementCount: Int { shape.reduce(1, *) }

    /// The number of data bytes: `elementCount × dtype.byteSize`.
    public var byteCount: Int { dataOffsets.count }
}
