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

    /// `(Σ g[i], Σ g[i]·x̂[i])` over `count` scalars, with `x̂[i] = (x[i] − mean)·scale`
    /// computed as the forward pass computes it.
    static func sumAndProjection(
        _ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, count: Int, mean: Float,
        scale: Float
    ) -> (sum: Double, projection: Double) {
        var sums = Lanes(), products = Lanes()
        let center = Lanes(repeating: mean), factor = Lanes(repeating: scale)
        var i = 0
        while i + width <= count {
            let gradient = load(g, i)
            sums += gradient
            products += gradient * ((load(x, i) - center) * factor)
            i += width
        }
        var sum = Double(sums.sum()), projection = Double(products.sum())
        while i < count {
            sum += Double(g[i])
            projection += Double(g[i]) * Double((x[i] - mean) * scale)
            i += 1
        }
        return (sum, projection)
    }
}
