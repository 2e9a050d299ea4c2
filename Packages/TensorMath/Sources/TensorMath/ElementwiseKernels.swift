#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Internal building blocks for element-wise kernels. Each operation is a small struct whose
// `callAsFunction` the generic loops below inline after specialization, so hot loops run over
// unsafe pointers without per-element closure calls.

/// A scalar function applied to every element.
protocol UnaryKernel {
    func callAsFunction(_ x: Float) -> Float
}

/// A scalar function of two operands, applied element-wise (with broadcasting).
protocol BinaryKernel {
    func callAsFunction(_ a: Float, _ b: Float) -> Float
}

/// A binary kernel with its right operand fixed: `x ⊕ scalar`.
struct RightBound<Kernel: BinaryKernel>: UnaryKernel {
    var kernel: Kernel
    var rhs: Float
    @inline(__always) func callAsFunction(_ x: Float) -> Float { kernel(x, rhs) }
}

/// A binary kernel with its left operand fixed: `scalar ⊕ x`.
struct LeftBound<Kernel: BinaryKernel>: UnaryKernel {
    var kernel: Kernel
    var lhs: Float
    @inline(__always) func callAsFunction(_ x: Float) -> Float { kernel(lhs, x) }
}

struct AddKernel: BinaryKernel {
    @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a + b }
}

struct SubtractKernel: BinaryKernel {
    @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a - b }
}

struct MultiplyKernel: BinaryKernel {
    @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a * b }
}

struct DivideKernel: BinaryKernel {
    @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a / b }
}

/// The larger operand; NaN if either is NaN (as `torch.maximum`).
struct MaximumKernel: BinaryKernel {
    @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float {
        (a >= b || a.isNaN) ? a : b
    }
}

/// The smaller operand; NaN if either is NaN (as `torch.minimum`).
struct MinimumKernel: BinaryKernel {
    @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float {
        (a <= b || a.isNaN) ? a : b
    }
}

enum Elementwise {
    /// Elements per parallel chunk of a cheap element-wise loop.
    static let chunkSize = 1 << 15

    /// `destination[i] = kernel(source[i])` for `i < count`; the pointers may be equal.
    static func map<Kernel: UnaryKernel>(
        _ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>,
        count: Int, _ kernel: Kernel
    ) {
        // In place, one pointer: with two equal pointers the vectorized loop's overlap check
        // would send every element down the scalar loop.
        if source == UnsafePointer(destination) {
            Parallel.forEachChunk(of: count, chunkSize: chunkSize) { range in
                for i in range { destination[i] = kernel(destination[i]) }
            }
            return
        }
        Parallel.forEachChunk(of: count, chunkSize: chunkSize) { range in
            for i in range { destination[i] = kernel(source[i]) }
        }
    }

    /// `destination[i] = kernel(a[i], b[i])` for `i < count`; `destination` may equal `a` or
    /// `b` (each scalar is read before it is written).
    static func zip<Kernel: BinaryKernel>(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
        into destination: UnsafeMutablePointer<Float>, count: Int, _ kernel: Kernel
    ) {
        // In place, as in `map`: the written operand read through the destination pointer.
        if a == UnsafePointer(destination) {
            Parallel.forEachChunk(of: count, chunkSize: chunkSize) { range in
                for i in range { destination[i] = kernel(destination[i], b[i]) }
            }
        } else if b == UnsafePointer(destination) {
            Parallel.forEachChunk(of: count, chunkSize: chunkSize) { range in
                for i in range { destination[i] = kernel(a[i], destination[i]) }
            }
        } else {
            Parallel.forEachChunk(of: count, chunkSize: chunkSize) { range in
                for i in range { destination[i] = kernel(a[i], b[i]) }
            }
        }
    }
}

extension Tensor {
    /// A tensor of the same shape with `kernel` applied to every scalar.
    func applying<Kernel: UnaryKernel>(_ kernel: Kernel) -> Tensor {
        Tensor(uncheckedShape: shape, count: count) { destination in
            guard let target = destination.baseAddress else { return }
            scalars.withUnsafeBufferPointer { source in
                Elementwise.map(source.baseAddress!, into: target, count: source.count, kernel)
            }
        }
    }

    /// A tensor of the same shape filled by a whole-buffer kernel such as
    /// ``VectorMath/exp(_:into:count:)``.
    func applyingVectorized(
        _ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
    ) -> Tensor {
        Tensor(uncheckedShape: shape, count: count) { destination in
            guard let target = destination.baseAddress else { return }
            scalars.withUnsafeBufferPointer { source in
                kernel(source.baseAddress!, target, source.count)
            }
        }
    }

    /// Applies `kernel` to every scalar in place.
    mutating func apply<Kernel: UnaryKernel>(_ kernel: Kernel) {
        scalars.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            Elementwise.map(UnsafePointer(base), into: base, count: buffer.count, kernel)
        }
    }

    /// `kernel(self[i], other[i])` for two tensors of equal shape (not checked here).
    func zipped<Kernel: BinaryKernel>(with other: Tensor, _ kernel: Kernel) -> Tensor {
        Tensor(uncheckedShape: shape, count: count) { destination in
            guard let target = destination.baseAddress else { return }
            scalars.withUnsafeBufferPointer { a in
                other.scalars.withUnsafeBufferPointer { b in
                    Elementwise.zip(
                        a.baseAddress!, b.baseAddress!, into: target, count: a.count, kernel)
                }
            }
        }
    }

    /// Σ `buffer[i]`: 16 single-precision lanes within blocks of 256 scalars, blocks added in
    /// `Double`, so the error stays near `Float` rounding even for very long sums.
    @inline(__always)
    static func accurateSum(_ source: UnsafePointer<Float>, count: Int) -> Double {
        var total: Double = 0
        var i = 0
        while i < count {
            let end = Swift.min(count, i + 256)
            var lanes0 = SIMD8<Float>(), lanes1 = SIMD8<Float>()
            while i + 16 <= end {
                let raw = UnsafeRawPointer(source + i)
                lanes0 += raw.loadUnaligned(as: SIMD8<Float>.self)
                lanes1 += raw.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
                i += 16
            }
            var block = Double((lanes0 + lanes1).sum())
            while i < end {
                block += Double(source[i])
                i += 1
            }
            total += block
        }
        return total
    }

    /// Σ `a[i]·b[i]`, blocked like ``accurateSum(_:count:)``.
    @inline(__always)
    static func accurateDot(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int
    ) -> Double {
        var total: Double = 0
        var i = 0
        while i < count {
            let end = Swift.min(count, i + 256)
            var lanes0 = SIMD8<Float>(), lanes1 = SIMD8<Float>()
            while i + 16 <= end {
                let ra = UnsafeRawPointer(a + i), rb = UnsafeRawPointer(b + i)
                lanes0 +=
                    ra.loadUnaligned(as: SIMD8<Float>.self)
                    * rb.loadUnaligned(as: SIMD8<Float>.self)
                lanes1 +=
                    ra.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
                    * rb.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
                i += 16
            }
            var block = Double((lanes0 + lanes1).sum())
            while i < end {
                block += Double(a[i]) * Double(b[i])
                i += 1
            }
            total += block
        }
        return total
    }

    /// Σ `(source[i] − mean)²`, blocked like ``accurateSum(_:count:)``.
    @inline(__always)
    static func accurateSquaredDeviations(
        _ source: UnsafePointer<Float>, count: Int, mean: Float
    ) -> Double {
        var total: Double = 0
        var i = 0
        let center = SIMD8<Float>(repeating: mean)
        while i < count {
            let end = Swift.min(count, i + 256)
            var lanes0 = SIMD8<Float>(), lanes1 = SIMD8<Float>()
            while i + 16 <= end {
                let raw = UnsafeRawPointer(source + i)
                let d0 = raw.loadUnaligned(as: SIMD8<Float>.self) - center
                let d1 = raw.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self) - center
                lanes0 += d0 * d0
                lanes1 += d1 * d1
                i += 16
            }
            var block = Double((lanes0 + lanes1).sum())
            while i < end {
                let d = Double(source[i] - mean)
                block += d * d
                i += 1
            }
            total += block
        }
        return total
    }
}
