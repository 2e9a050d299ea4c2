#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Vectorized `exp` and the functions built on it, eight lanes at a time.
///
/// `exp` follows Cephes' `expf`: `eˣ = 2ⁿ·eʳ` with `n = round(x·log₂e)`, `r = x − n·ln 2`
/// (ln 2 split in two parts for accuracy) and a degree-6 polynomial for `eʳ` on
/// `[−ln2/2, ln2/2]`. Its error is within 2 ulp of the correctly rounded result, like the
/// vectorized `exp` PyTorch uses. Lanes outside `[-87.3, 88.3]` (where `2ⁿ` would leave the
/// normal range) or NaN take the C library's `expf`, so overflow, underflow to subnormals and
/// NaN behave exactly as there. Each result depends on its own input only (never on its
/// neighbours or its position), and only plain `SIMD8<Float>` arithmetic is used, so it
/// compiles to packed SSE2 without needing FMA or SSE4 rounding instructions.
enum VectorMath {
    static let lanes = 8

    /// `eˣ` for every lane whose input lies in `[-87.3, 88.3]`; see ``exp(_:)``.
    @inline(__always)
    static func expInRange(_ x: SIMD8<Float>) -> SIMD8<Float> {
        // Adding 1.5·2²³ rounds to an integer (ties to even) and leaves it in the low bits.
        let magic = SIMD8<Float>(repeating: 12_582_912)
        let shifted = x * 1.442_695_04 + magic
        let n = shifted - magic
        var r = x - n * 0.693_359_375
        r = r - n * -2.121_944_4e-4
        var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        let e = p * (r * r) + r + 1
        let exponent = (unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        return e * unsafeBitCast(exponent, to: SIMD8<Float>.self)
    }

    /// Whether every lane is inside the vector path's domain (false for NaN).
    @inline(__always)
    static func inRange(_ x: SIMD8<Float>) -> Bool {
        // A horizontal AND of the lane masks, written out so that it inlines.
        let mask = unsafeBitCast((x .>= -87.3) .& (x .<= 88.3), to: SIMD8<Int32>.self)
        let half = mask.lowHalf & mask.highHalf
        let quarter = half.lowHalf & half.highHalf
        return quarter[0] & quarter[1] != 0
    }

    /// `eˣ` lane by lane.
    @inline(__always)
    static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        var result = expInRange(x)
        if inRange(x) { return result }
        for lane in 0..<lanes where !(x[lane] >= -87.3 && x[lane] <= 88.3) {
            result[lane] = expf(x[lane])
        }
        return result
    }

    /// The logistic function lane by lane: `1 / (1 + e⁻ˣ)` for `x ≥ 0`, `eˣ / (1 + eˣ)`
    /// otherwise, both from `e = exp(−|x|)`, which never overflows.
    @inline(__always)
    static func sigmoid(_ x: SIMD8<Float>) -> SIMD8<Float> {
        // −|x|: set the sign bit.
        let negativeMagnitude = unsafeBitCast(
            unsafeBitCast(x, to: SIMD8<UInt32>.self) | 0x8000_0000, to: SIMD8<Float>.self)
        let e = exp(negativeMagnitude)
        let d = 1 / (1 + e)
        return d.replacing(with: e * d, where: x .< 0)
    }

    /// The hyperbolic tangent lane by lane, after Cephes' `tanhf`: an odd polynomial for
    /// `|x| < 0.625`, else `1 − 2 / (e^{2|x|} + 1)` with the sign of `x` (exactly ±1 once
    /// `e^{2|x|}` overflows). Within 2 ulp of the correctly rounded result.
    @inline(__always)
    static func tanh(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
        let sign = bits & 0x8000_0000
        let magnitude = unsafeBitCast(bits & 0x7FFF_FFFF, to: SIMD8<Float>.self)
        let z = x * x
        var p = SIMD8<Float>(repeating: -5.704_988_727_45e-3)
        p = p * z + 2.063_908_879_54e-2
        p = p * z - 5.373_971_555_31e-2
        p = p * z + 1.333_144_220_36e-1
        p = p * z - 3.333_328_194_22e-1
        let small = p * z * magnitude + magnitude
        let large = 1 - 2 / (exp(magnitude + magnitude) + 1)
        let result = large.replacing(with: small, where: magnitude .< 0.625)
        // tanh is odd: give the result the sign of x (keeps −0 and NaN as they are).
        return unsafeBitCast(
            unsafeBitCast(result, to: SIMD8<UInt32>.self) | sign, to: SIMD8<Float>.self)
    }

    /// `destination[i] = tanh(source[i])`; the pointers may be equal.
    static func tanh(
        _ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, count: Int
    ) {
        parallelMap(source, into: destination, count: count, TanhVectorKernel())
    }

    /// `destination[i] = exp(source[i])`; the pointers may be equal.
    static func exp(
        _ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, count: Int
    ) {
        parallelMap(source, into: destination, count: count, ExpVectorKernel())
    }

    /// `destination[i] = sigmoid(source[i])`; the pointers may be equal.
    static func sigmoid(
        _ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, count: Int
    ) {
        parallelMap(source, into: destination, count: count, SigmoidVectorKernel())
    }

    /// `kernel` over every element in parallel chunks; see ``map(_:into:count:_:)``.
    static func parallelMap<Kernel: VectorKernel>(
        _ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>,
        count: Int, _ kernel: Kernel
    ) {
        Parallel.forEachChunk(of: count, chunkSize: Elementwise.chunkSize) { range in
            map(
                source + range.lowerBound, into: destination + range.lowerBound,
                count: range.count, kernel)
        }
    }

    /// `kernel` over `count` elements, eight lanes at a time; a short tail is padded to a full
    /// vector, so every element goes through the same lane function. The pointers may be equal.
    @inline(__always)
    static func map<Kernel: VectorKernel>(
        _ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>,
        count: Int, _ kernel: Kernel
    ) {
        var i = 0
        while i + lanes <= count {
            let x = UnsafeRawPointer(source + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(destination + i).storeBytes(
                of: kernel(x), as: SIMD8<Float>.self)
            i += lanes
        }
        if i < count {
            var x = SIMD8<Float>()
            for lane in 0..<(count - i) { x[lane] = source[i + lane] }
            let y = kernel(x)
            for lane in 0..<(count - i) { destination[i + lane] = y[lane] }
        }
    }
}

/// A function applied to eight lanes at once.
protocol VectorKernel {
    func callAsFunction(_ x: SIMD8<Float>) -> SIMD8<Float>
}

struct ExpVectorKernel: VectorKernel {
    @inline(__always) func callAsFunction(_ x: SIMD8<Float>) -> SIMD8<Float> {
        VectorMath.exp(x)
    }
}

/// `exp(x − shift)`, as softmax needs.
struct ShiftedExpVectorKernel: VectorKernel {
    var shift: SIMD8<Float>
    @inline(__always) func callAsFunction(_ x: SIMD8<Float>) -> SIMD8<Float> {
        VectorMath.exp(x - shift)
    }
}

struct TanhVectorKernel: VectorKernel {
    @inline(__always) func callAsFunction(_ x: SIMD8<Float>) -> SIMD8<Float> {
        VectorMath.tanh(x)
    }
}

struct SigmoidVectorKernel: VectorKernel {
    @inline(__always) func callAsFunction(_ x: SIMD8<Float>) -> SIMD8<Float> {
        VectorMath.sigmoid(x)
    }
}
