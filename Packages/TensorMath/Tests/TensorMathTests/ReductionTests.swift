import TensorMath
import Testing

/// Reduces `x` over `axes` by index arithmetic in `Double`: a slow, obviously correct
/// reference. `reduce` receives the values of one output position.
private func naiveReduction(
    _ x: Tensor, axes: Set<Int>, _ reduce: ([Double]) -> Double
) throws -> Tensor {
    let keptAxes = x.shape.indices.filter { !axes.contains($0) }
    let outShape = keptAxes.map { x.shape[$0] }
    var groups = [[Double]](repeating: [], count: outShape.reduce(1, *))
    for flat in 0..<x.count {
        var index = [Int](repeating: 0, count: x.rank), rest = flat
        for axis in x.shape.indices.reversed() {
            index[axis] = rest % x.shape[axis]
            rest /= x.shape[axis]
        }
        var out = 0
        for axis in keptAxes { out = out * x.shape[axis] + index[axis] }
        groups[out].append(Double(x.scalars[flat]))
    }
    return try Tensor(shape: outShape, scalars: groups.map { Float(reduce($0)) })
}

private func sum(_ v: [Double]) -> Double { v.reduce(0, +) }
private func mean(_ v: [Double]) -> Double { sum(v) / Double(v.count) }
private func naiveVariance(_ v: [Double], unbiased: Bool) -> Double {
    let m = mean(v)
    return v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - (unbiased ? 1 : 0))
}

@Suite struct ReductionTests {
    let m = try! Tensor(shape: [2, 3], scalars: [1, 5, 3, 4, 2, 6])

    @Test func wholeTensorReductions() throws {
        #expect(m.sum() == 21 && m.mean() == 3.5 && m.max() == 6 && m.min() == 1)
        #expect(m.argmax() == 5)
        let empty = try Tensor.zeros([0, 4])
        #expect(empty.sum() == 0 && empty.mean().isNaN)
        #expect(empty.max() == -.infinity && empty.min() == .infinity)
        #expect(empty.argmax() == -1)
        #expect(Tensor([1, .nan, 3]).max().isNaN && Tensor([1, .nan, 3]).min().isNaN)
        #expect(Tensor([1, .nan, 3]).sum().isNaN)
        #expect(Tensor([3, 7, 7, 1]).argmax() == 1)  // first index wins ties
        #expect(Tensor([3, .nan, 9]).argmax() == 1)  // NaN counts as the largest
    }

    @Test func reductionsAlongAxes() throws {
        #expect(try m.sum(alongAxes: [0]) == Tensor([5, 7, 9]))
        #expect(try m.sum(alongAxes: [1]) == Tensor([9, 12]))
        #expect(
            try m.sum(alongAxes: [-1], keepingDimensions: true)
                == Tensor(shape: [2, 1], scalars: [9, 12]))
        #expect(try m.sum(alongAxes: [0, 1]) == Tensor(scalar: 21))
        #expect(
            try m.sum(alongAxes: [1, 0], keepingDimensions: true)
                == Tensor(shape: [1, 1], scalars: [21]))
        #expect(try m.sum(alongAxes: []) == m)
        #expect(try m.mean(alongAxes: [0]) == Tensor([2.5, 3.5, 4.5]))
        #expect(try m.max(alongAxes: [1]) == Tensor([5, 6]))
        #expect(try m.min(alongAxes: [0]) == Tensor([1, 2, 3]))
        #expect(try m.variance(alongAxes: [1]) == Tensor([Float(8) / 3, Float(8) / 3]))
        #expect(try m.variance(alongAxes: [1], unbiased: true) == Tensor([4, 4]))
        #expect(try m.argmax(alongAxis: 1) == [1, 2])
        #expect(try m.argmax(alongAxis: -2) == [1, 0, 1])
    }

    @Test func badAxesThrow() throws {
        #expect(throws: TensorError.self) { try m.sum(alongAxes: [2]) }
        #expect(throws: TensorError.self) { try m.mean(alongAxes: [-3]) }
        #expect(throws: TensorError.self) { try m.max(alongAxes: [0, -2]) }
        #expect(throws: TensorError.self) { try m.argmax(alongAxis: 2) }
        #expect(throws: TensorError.self) { try Tensor.zeros([2, 0]).argmax(alongAxis: 1) }
        let error = #expect(throws: TensorError.self) { try m.variance(alongAxes: [5]) }
        #expect(error?.description.contains("[2, 3]") == true)
    }

    @Test func emptyAxesGiveIdentities() throws {
        let e = try Tensor.zeros([2, 0, 3])
        #expect(try e.sum(alongAxes: [1]) == Tensor.zeros([2, 3]))
        #expect(try e.mean(alongAxes: [1]).scalars.allSatisfy { $0.isNaN })
        #expect(try e.max(alongAxes: [1]).scalars.allSatisfy { $0 == -.infinity })
        #expect(try e.min(alongAxes: [1]).scalars.allSatisfy { $0 == .infinity })
        #expect(try e.sum(alongAxes: [0]).shape == [0, 3])
        #expect(try Tensor([5]).variance(alongAxes: [0], unbiased: true).scalars[0].isNaN)
    }

    @Test func everyAxisSubsetMatchesTheReference() throws {
        var g = Xoshiro256(seed: 9)
        let shapes = [[3, 4, 5, 6], [2, 1, 7, 3], [5, 3, 1, 1]]
        for shape in shapes {
            let x = try Tensor.normal(shape, mean: 1, using: &g)
            for mask in 0..<(1 << shape.count) {
                let axes = (0..<shape.count).filter { mask & (1 << $0) != 0 }
                let set = Set(axes)
                let label = "shape \(shape) axes \(axes)"
                let checks: [(Tensor, Tensor)] = [
                    (try x.sum(alongAxes: axes), try naiveReduction(x, axes: set, sum)),
                    (try x.mean(alongAxes: axes), try naiveReduction(x, axes: set, mean)),
                    (try x.max(alongAxes: axes), try naiveReduction(x, axes: set) { $0.max()! }),
                    (try x.min(alongAxes: axes), try naiveReduction(x, axes: set) { $0.min()! }),
                    (
                        try x.variance(alongAxes: axes),
                        try naiveReduction(x, axes: set) { naiveVariance($0, unbiased: false) }
                    ),
                ]
                for (actual, expected) in checks {
                    #expect(actual.isApproximatelyEqual(to: expected, tolerance: 1e-5), "\(label)")
                }
                let unbiased = try x.variance(alongAxes: axes, unbiased: true)
                if set.reduce(1, { $0 * shape[$1] }) > 1 {
                    #expect(
                        unbiased.isApproximatelyEqual(
                            to: try naiveReduction(x, axes: set) {
                                naiveVariance($0, unbiased: true)
                            },
                            tolerance: 1e-5), "\(label)")
                }
                let kept = try x.sum(alongAxes: axes, keepingDimensions: true)
                #expect(kept.shape == shape.indices.map { set.contains($0) ? 1 : shape[$0] })
                // Negative axes name the same axes.
                #expect(try x.sum(alongAxes: axes.map { $0 - shape.count }) == checks[0].0)
            }
        }
    }

    @Test func argmaxAlongAxesMatchesTheReference() throws {
        var g = Xoshiro256(seed: 10)
        let x = try Tensor.normal([3, 4, 5], using: &g)
        for axis in 0..<3 {
            let indices = try x.argmax(alongAxis: axis)
            let maxima = try x.max(alongAxes: [axis])
            #expect(indices.count == maxima.count)
            // Each index points at the maximum of its slice.
            let moved = try x.permuted([axis] + (0..<3).filter { $0 != axis })
            let rows = x.shape[axis], columns = x.count / rows
            for (position, index) in indices.enumerated() {
                #expect(moved.scalars[index * columns + position] == maxima.scalars[position])
            }
        }
        // Ties go to the first index along the axis.
        let tied = try Tensor(shape: [2, 3], scalars: [2, 2, 1, 0, 5, 5])
        #expect(try tied.argmax(alongAxis: 1) == [0, 1])
        #expect(try tied.argmax(alongAxis: 0) == [0, 1, 1])
    }

    @Test func longSumsStayAccurate() throws {
        // 0.1 is not exact in binary; a naive Float running sum of 10⁷ tenths drifts by
        // thousands (it stalls once the total dwarfs each term).
        let tenths = try Tensor(repeating: 0.1, shape: [10_000_000])
        #expect(abs(tenths.sum() - 1_000_000) < 1)
        #expect(abs(tenths.mean() - 0.1) < 1e-7)
        let columns = try Tensor(repeating: 0.1, shape: [1_000_000, 2])
        let sums = try columns.sum(alongAxes: [0])
        #expect(sums.scalars.allSatisfy { abs($0 - 100_000) < 0.1 })
        // Variance of a constant with a large offset is exactly zero in two passes.
        let offset = try Tensor(repeating: 10_000.5, shape: [4096])
        #expect(try offset.variance(alongAxes: [0]).scalars == [0])
    }

    @Test func perChannelStatisticsOfNCHWBatches() throws {
        var g = Xoshiro256(seed: 12)
        let x = try Tensor.normal([8, 5, 6, 7], mean: 3, standardDeviation: 2, using: &g)
        let mean = try x.mean(alongAxes: [0, 2, 3])
        let variance = try x.variance(alongAxes: [0, 2, 3])
        let sum = try x.sum(alongAxes: [0, 2, 3], keepingDimensions: true)
        #expect(mean.shape == [5] && sum.shape == [1, 5, 1, 1])
        // Each channel's statistics depend on its own values only (bit for bit), so the
        // parallel split over channels cannot change them.
        var other = x
        other.withUnsafeMutableBufferPointer { buffer in
            for n in 0..<8 {
                for c in [0, 2, 4] {
                    for i in 0..<42 { buffer[(n * 5 + c) * 42 + i] *= -3 }
                }
            }
        }
        let otherMean = try other.mean(alongAxes: [0, 2, 3])
        let otherVariance = try other.variance(alongAxes: [0, 2, 3])
        for c in [1, 3] {
            #expect(otherMean.scalars[c] == mean.scalars[c])
            #expect(otherVariance.scalars[c] == variance.scalars[c])
        }
        #expect(otherMean.scalars[0] != mean.scalars[0])
        #expect(
            try variance.isApproximatelyEqual(
                to: naiveReduction(x, axes: [0, 2, 3], { naiveVariance($0, unbiased: false) })))
        #expect(
            try mean.isApproximatelyEqual(
                to: naiveReduction(x, axes: [0, 2, 3], { v in v.reduce(0, +) / Double(v.count) })))
    }

    /// Recorded results of parallel reductions over fixed chunks. The chunk boundaries do not
    /// depend on the thread count, so these bit patterns hold for SWIFTCNN_THREADS=1 and 2
    /// alike (both were run when recording them).
    @Test func parallelReductionsDoNotDependOnTheThreadCount() throws {
        var g = Xoshiro256(seed: 2024)
        let x = try Tensor.uniform([300_000], low: -1, high: 1, using: &g)
        let y = try Tensor.uniform([64, 3000], low: -1, high: 1, using: &g)
        let rowSums = try y.sum(alongAxes: [1])
        let columnVariance = try y.variance(alongAxes: [0])
        let record = [
            x.sum().bitPattern, x.mean().bitPattern, try x.dot(x).bitPattern,
            rowSums.sum().bitPattern, columnVariance.sum().bitPattern,
        ]
        #expect(record == parallelReductionRecord, "got \(record)")
    }
}

/// See `parallelReductionsDoNotDependOnTheThreadCount`.
private let parallelReductionRecord: [UInt32] = [
    3_282_696_225, 3_130_295_674, 1_203_994_412, 3_275_687_133, 1_148_555_110,
]
