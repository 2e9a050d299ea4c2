import TensorMath

/// An n-dimensional array in the IDX format, the format MNIST is distributed in.
///
/// An IDX file is a big-endian header — two zero bytes, an element-type code, the number of
/// dimensions, then each dimension as a 32-bit integer — followed by the elements in row-major
/// order. Readers validate every part of the header before trusting it and accept
/// gzip-compressed files transparently.
///
/// ```swift
/// let images = try IDXArray(contentsOf: "mnist/train-images-idx3-ubyte.gz")
/// images.shape          // [60000, 28, 28]
/// ```
public struct IDXArray: Equatable, Sendable {
    /// The element types IDX defines, with their type codes.
    public enum ElementType: UInt8, CaseIterable, Sendable {
        /// `0x08`: unsigned bytes (MNIST's images and labels).
        case uint8 = 0x08
        /// `0x09`: signed bytes.
        case int8 = 0x09
        /// `0x0B`: 16-bit signed integers.
        case int16 = 0x0B
        /// `0x0C`: 32-bit signed integers.
        case int32 = 0x0C
        /// `0x0D`: 32-bit IEEE floats.
        case float32 = 0x0D
        /// `0x0E`: 64-bit IEEE floats.
        case float64 = 0x0E

        /// The size of one element in bytes.
        public var byteWidth: Int {
            switch self {
            case .uint8, .int8: return 1
            case .int16: return 2
            case .int32, .float32: return 4
            case .float64: return 8
            }
        }

        /// A readable name, as used in error messages.
        public var name: String {
            switch self {
            case .uint8: return "unsigned byte"
            case .int8: return "signed byte"
            case .int16: return "16-bit integer"
            case .int32: return "32-bit integer"
            case .float32: return "32-bit float"
            case .float64: return "64-bit float"
            }
        }
    }

    /// The elements, row-major, in their native type.
    public enum Elements: Equatable, Sendable {
        case uint8([UInt8])
        case int8([Int8])
        case int16([Int16])
        case int32([Int32])
        case float32([Float])
        case float64([Double])

        /// The type of the elements.
        public var elementType: ElementType {
            switch self {
            case .uint8: return .uint8
            case .int8: return .int8
            case .int16: return .int16
            case .int32: return .int32
            case .float32: return .float32
            case .float64: return .float64
            }
        }

        /// The number of elements.
        public var count: Int {
            switch self {
            case let .uint8(values): return values.count
            case let .int8(values): return values.count
            case let .int16(values): return values.count
            case let .int32(values): return values.count
            case let .float32(values): return values.count
            case let .float64(values): return values.count
            }
        }
    }

    /// The size of each dimension, outermost first (MNIST's training images: `[60000, 28, 28]`).
    public let shape: [Int]
    /// The elements in row-major order.
    public let elements: Elements

    /// The type of the elements.
    public var elementType: ElementType { elements.elementType }

    /// The number of elements, the product of ``shape``.
    public var count: Int { elements.count }

    /// Creates an array from a shape and elements.
    /// - Throws: ``DatasetError/invalidArgument(operation:reason:)`` if the shape has no
    ///   dimensions or more than ``DatasetLimits/maxIDXDimensions``, a dimension is negative or
    ///   does not fit in 32 bits, or the element count is not the shape's product.
    public init(shape: [Int], elements: Elements) throws {
        let operation = "IDXArray(shape:elements:)"
        guard (1...DatasetLimits.maxIDXDimensions).contains(shape.count) else {
            throw DatasetError.invalidArgument(
                operation: operation,
                reason: "IDX needs 1 to \(DatasetLimits.maxIDXDimensions) dimensions, "
                    + "got \(shape.count)")
        }
        guard shape.allSatisfy({ (0...Int(Int32.max)).contains($0) }) else {
            throw DatasetError.invalidArgument(
                operation: operation, reason: "dimensions \(shape) must be in 0...\(Int32.max)")
        }
        var product = 1
        for dimension in shape {
            let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw DatasetError.invalidArgument(
                    operation: operation, reason: "shape \(shape) has too many elements")
            }
            product = next
        }
        guard product == elements.count else {
            throw DatasetError.invalidArgument(
                operation: operation,
                reason: "shape \(shape) needs \(product) elements, got \(elements.count)")
        }
        self.shape = shape
        self.elements = elements
    }

    /// Creates an array without validation; callers have checked the shape.
    init(uncheckedShape shape: [Int], elements: Elements) {
        self.shape = shape
        self.elements = elements
    }

    /// The elements converted to `Float`, each divided by `divisor`.
    public func floatScalars(dividedBy divisor: Float = 1) -> [Float] {
        switch elements {
        case let .uint8(values): return IDXArray.convert(values, dividedBy: divisor)
        case let .int8(values): return values.map { Float($0) / divisor }
        case let .int16(values): return values.map { Float($0) / divisor }
        case let .int32(values): return values.map { Float($0) / divisor }
        case let .float32(values): return divisor == 1 ? values : values.map { $0 / divisor }
        case let .float64(values): return values.map { Float($0 / Double(divisor)) }
        }
    }

    /// The elements as a tensor, each divided by `divisor` (255 maps unsigned bytes to [0, 1]
    /// exactly as PyTorch's `x.float() / 255` does).
    /// - Parameters:
    ///   - divisor: Default 1.
    ///   - shape: A different shape with the same element count, for example
    ///     `[60000, 1, 28, 28]` for MNIST images; default ``shape``.
    /// - Throws: `TensorError` if `shape` does not have ``count`` elements.
    public func tensor(dividedBy divisor: Float = 1, shape: [Int]? = nil) throws -> Tensor {
        try Tensor(shape: shape ?? self.shape, scalars: floatScalars(dividedBy: divisor))
    }

    /// Bytes to floats through a 256-entry table, in parallel chunks whose boundaries do not
    /// depend on the thread count (MNIST's 47 million pixels take a few milliseconds).
    private static func convert(_ values: [UInt8], dividedBy divisor: Float) -> [Float] {
        let count = values.count
        guard count > 0 else { return [] }
        let table = (0..<256).map { Float($0) / divisor }
        let chunk = 1 << 16
        return [Float](unsafeUninitializedCapacity: count) { output, initialized in
            values.withUnsafeBufferPointer { input in
                table.withUnsafeBufferPointer { table in
                    let source = input.baseAddress!, lookup = table.baseAddress!
                    let base = output.baseAddress!
                    Parallel.forEach((count + chunk - 1) / chunk, minimumWorkPerThread: 4) { c in
                        let end = min(count, (c + 1) * chunk)
                        for i in (c * chunk)..<end { base[i] = lookup[Int(source[i])] }
                    }
                }
            }
            initialized = count
        }
    }
}
