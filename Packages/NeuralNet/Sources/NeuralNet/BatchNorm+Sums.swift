/// The per-channel sums of batch normalization, 16 lanes at a time: each contiguous run of a
/// channel (one sample's plane) is summed in `Float` lanes, and the runs' totals in `Double`.
/// A lane adds at most `run / 16` values, so the result stays close to a `Double` sum, and
/// the order depends only on the run's length: the same for any thread count.
enum BatchNormSums {
    private typealias Lanes = SIMD16<Float>
    private static let width = Lanes.scalarCount

    @inline(__always)
    private static func load(_ pointer: UnsafePointer<Float>, _ index: Int) -> Lanes {
        UnsafeRawPointer(pointer + index).loadUnaligned(as: Lanes.self)
    }

    /// `Σ x[i]` over `count` scalars.
    static func sum(_ x: UnsafePointer<Float>, count: Int) -> Double {
        var lanes = Lanes()
        var i = 0
        while i + width <= count {
            lanes += load(x, i)
            i += width
        }
        var total = Double(lanes.sum())
        while i < count {
            total += Double(x[i])
            i += 1
        }
        return total
    }

    /// `Σ (x[i] − mean)²` over `count` scalars.
    static func squaredDeviations(_ x: UnsafePointer<Float>, count: Int, mean: Float) -> Double {
        var lanes = Lanes()
        let center = Lanes(repeating: mean)
        var i = 0
        while i + width <= count {
            let d = load(x, i) - center
            lanes += d * d
            i += width
        }
        var total = Double(lanes.sum())
        while i < count {
            let d = Double(x[i] - mean)
            total += d * d
            i += 1
        }
        return total
    }

    /// A channel's affine map `x̂·a + b` (its `weight` and `bias`), whose sign masks the
    /// gradient of a ReLU after the normalization.
    struct Affine {
        var a: Float
        var b: Float
    }

    /// `(Σ g[i], Σ g[i]·x̂[i])` over `count` scalars, with `x̂[i] = (x[i] − mean)·scale`
    /// computed as the forward pass computes it; with `reluOf`, `g[i]` counts only where
    /// `x̂[i]·a + b` is positive (the gradient through the ReLU the forward fused).
    static func sumAndProjection(
        _ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, count: Int, mean: Float,
        scale: Float, reluOf affine: Affine? = nil
    ) -> (sum: Double, projection: Double) {
        var sums = Lanes(), products = Lanes()
        let center = Lanes(repeating: mean), factor = Lanes(repeating: scale)
        var i = 0
        if let affine {
            let (a, b) = (Lanes(repeating: affine.a), Lanes(repeating: affine.b))
            while i + width <= count {
                let normalized = (load(x, i) - center) * factor
                let gradient = load(g, i).replacing(with: 0, where: .!(normalized * a + b .> 0))
                sums += gradient
                products += gradient * normalized
                i += width
            }
        } else {
            while i + width <= count {
                let gradient = load(g, i)
                sums += gradient
                products += gradient * ((load(x, i) - center) * factor)
                i += width
            }
        }
        var sum = Double(sums.sum()), projection = Double(products.sum())
        while i < count {
            let normalized = (x[i] - mean) * scale
            let gradient = affine.map { normalized * $0.a + $0.b > 0 ? g[i] : 0 } ?? g[i]
            sum += Double(gradient)
            projection += Double(gradient) * Double(normalized)
            i += 1
        }
        return (sum, projection)
    }
}
