import TensorMath
import TensorMathTesting
import Testing

@Suite struct PoolingTests {
    /// Distinct values 0.1 apart in a scrambled order, so max pooling has no ties and finite
    /// differences (step 0.01) never change a window's argmax.
    func scrambled(_ shape: [Int]) throws -> Tensor {
        let count = shape.reduce(1, *)
        let values = (0..<count).map { Float(($0 * 37 + 11) % count) * 0.1 - Float(count) * 0.05 }
        return try Tensor(shape: shape, scalars: values)
    }

    @Test func handComputedMaxAndAverage() throws {
        let x = try Tensor(
            shape: [1, 1, 4, 4],
            scalars: [
                1, 2, 3, 4,
                5, 6, 7, 8,
                9, 10, 11, 12,
                13, 14, 15, 16,
            ])
        let (y, argmax) = try Pooling2D(kind: .max, kernelSize: 2).forward(x)
        #expect(y == (try Tensor(shape: [1, 1, 2, 2], scalars: [6, 8, 14, 16])))
        #expect(argmax == [5, 7, 13, 15])
        let (a, none) = try Pooling2D(kind: .average, kernelSize: 2).forward(x)
        #expect(a.scalars == [3.5, 5.5, 11.5, 13.5] && none == nil)
        let (s, _) = try Pooling2D(kind: .sum, kernelSize: 2).forward(x)
        #expect(s.scalars == [14, 22, 46, 54])
        // 3x3 average with padding 1 and stride 2: corner window holds 1, 2, 5, 6 and 5 zeros.
        let padded = Pooling2D(kind: .average, kernelSize: 3, stride: 2, padding: 1)
        #expect(try padded.forward(x).output.scalars[0] == 14 / 9)
        var excluding = padded
        excluding.countIncludesPadding = false
        #expect(try excluding.forward(x).output.scalars[0] == 14 / 4)

        let dy = try Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        let dx = try Pooling2D(kind: .max, kernelSize: 2).backward(
            outputGradient: dy, inputShape: x.shape, argmax: argmax)
        #expect(dx.scalars == [0, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4])
        let da = try Pooling2D(kind: .average, kernelSize: 2).backward(
            outputGradient: dy, inputShape: x.shape, argmax: nil)
        #expect(da[0, 0, 0, 1] == 0.25 && da[0, 0, 3, 3] == 1)
    }

    /// PyTorch goldens from Tools/reference/pooling_golden.py (see PoolingGolden.swift).
    @Test(arguments: PoolingGolden.cases.indices)
    func matchesPyTorch(_ index: Int) throws {
        let golden = PoolingGolden.cases[index]
        let x = try Tensor(shape: PoolingGolden.inputShape, scalars: PoolingGolden.input)
        let (y, argmax) = try golden.pooling.forward(x)
        #expect(y.shape == golden.outputShape, "\(golden.name)")
        #expect(
            y.isApproximatelyEqual(
                to: try Tensor(shape: golden.outputShape, scalars: golden.output), tolerance: 1e-6),
            "\(golden.name)")
        #expect(argmax == golden.argmax, "\(golden.name)")
        let dy = try Tensor(
            shape: y.shape, scalars: (0..<y.count).map { Float((7 * $0) % 11 - 5) / 4 })
        let dx = try golden.pooling.backward(
            outputGradient: dy, inputShape: x.shape, argmax: argmax)
        #expect(
            dx.isApproximatelyEqual(
                to: try Tensor(shape: x.shape, scalars: golden.inputGradient), tolerance: 1e-6),
            "\(golden.name)")
    }

    @Test(arguments: [Pooling2D.Kind.max, .average, .sum])
    func backwardMatchesFiniteDifferences(_ kind: Pooling2D.Kind) throws {
        let settings = [
            Pooling2D(kind: kind, kernelSize: 3, stride: 2, padding: 1),
            Pooling2D(
                kind: kind, kernelSize: Size2D(2, 3), stride: Size2D(1, 2),
                padding: Size2D(1, 1), countIncludesPadding: false, ceilMode: true),
            Pooling2D(kind: kind, kernelSize: 2, ceilMode: true),
        ]
        let x = try scrambled([2, 2, 5, 6])
        var g = Xoshiro256(seed: 17)
        for pooling in settings {
            let (y, argmax) = try pooling.forward(x)
            let w = try Tensor.normal(y.shape, using: &g)
            let analytic = try pooling.backward(
                outputGradient: w, inputShape: x.shape, argmax: argmax)
            let numeric = try GradientCheck.numericalGradient(
                of: { GradientCheck.projection(try pooling.forward($0).output, w) }, at: x,
                step: 1e-2)
            #expect(GradientCheck.maxRelativeError(analytic, numeric) < 1e-3, "\(pooling)")
        }
    }

    @Test func outputSizesFollowPyTorch() throws {
        let pool = Pooling2D(kind: .max, kernelSize: 3, stride: 2)
        #expect(try pool.outputSize(height: 7, width: 8) == Size2D(3, 3))
        var ceil = pool
        ceil.ceilMode = true
        #expect(try ceil.outputSize(height: 7, width: 8) == Size2D(3, 4))
        // ceil_mode never starts a window in the right padding: 5 → 3, not 4, with padding 1.
        let padded = Pooling2D(kind: .max, kernelSize: 2, stride: 2, padding: 1, ceilMode: true)
        #expect(try padded.outputSize(height: 5, width: 4) == Size2D(3, 3))
        #expect(Pooling2D(kind: .sum, kernelSize: 2).stride == Size2D(2, 2))
    }

    @Test func invalidSettingsAndShapesThrow() throws {
        let x = try Tensor.zeros([1, 2, 4, 4])
        #expect(throws: TensorError.self) {
            try Pooling2D(kind: .max, kernelSize: 3, padding: 2).forward(x)
        }
        #expect(throws: TensorError.self) { try Pooling2D(kind: .max, kernelSize: 0).forward(x) }
        #expect(throws: TensorError.self) {
            try Pooling2D(kind: .average, kernelSize: 2, stride: Size2D(1, 0)).forward(x)
        }
        #expect(throws: TensorError.self) {
            try Pooling2D(kind: .max, kernelSize: 2).forward(Tensor.zeros([2, 4, 4]))
        }
        let error = #expect(throws: TensorError.self) {
            try Pooling2D(kind: .max, kernelSize: 5).forward(x)
        }
        let message = error?.description ?? ""
        #expect(message.contains("[1, 2, 4, 4]") && message.contains("kernel 5x5"), "\(message)")
        let pool = Pooling2D(kind: .max, kernelSize: 2)
        let (y, argmax) = try pool.forward(x)
        #expect(throws: TensorError.self) {
            try pool.backward(outputGradient: y, inputShape: x.shape, argmax: nil)
        }
        #expect(throws: TensorError.self) {
            try pool.backward(outputGradient: y, inputShape: x.shape, argmax: [0, 1])
        }
        #expect(throws: TensorError.self) {
            try pool.backward(
                outputGradient: y, inputShape: x.shape, argmax: argmax!.map { _ in 16 })
        }
        #expect(throws: TensorError.self) {
            try pool.backward(outputGradient: x, inputShape: x.shape, argmax: argmax)
        }
    }

    /// 2x2 max pooling at stride 2 (an AVX-512 kernel of its own) against direct loops with
    /// PyTorch's rule, on values with ties, NaN and -infinity, rows longer than a vector and
    /// odd sizes (the last row and column left out), with and without ceil mode.
    @Test(arguments: [false, true])
    func twoByTwoMaxPoolingMatchesDirectLoops(ceilMode: Bool) throws {
        let (n, c, h, w) = (2, 3, 9, 35)
        var values = (0..<(n * c * h * w)).map { Float(($0 * 7) % 5) }
        for i in stride(from: 3, to: values.count, by: 17) { values[i] = .nan }
        for i in stride(from: 5, to: values.count, by: 23) { values[i] = -.infinity }
        let x = try Tensor(shape: [n, c, h, w], scalars: values)
        let pool = Pooling2D(kind: .max, kernelSize: 2, stride: 2, ceilMode: ceilMode)
        let (y, argmax) = try pool.forward(x)
        let (oh, ow) = ceilMode ? ((h + 1) / 2, (w + 1) / 2) : (h / 2, w / 2)
        #expect(y.shape == [n, c, oh, ow])
        let indices = try #require(argmax)
        for plane in 0..<(n * c) {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var best = -Float.infinity, bestIndex = 2 * oy * w + 2 * ox
                    for yy in (2 * oy)..<min(h, 2 * oy + 2) {
                        for xx in (2 * ox)..<min(w, 2 * ox + 2) {
                            let value = values[plane * h * w + yy * w + xx]
                            if value > best || value.isNaN {
                                best = value
                                bestIndex = yy * w + xx
                            }
                        }
                    }
                    let at = (plane * oh + oy) * ow + ox
                    let got = y.scalars[at]
                    #expect(got == best || (got.isNaN && best.isNaN))
                    #expect(Int(indices[at]) == bestIndex)
                }
            }
        }
    }

    @Test func batchedPoolingEqualsPerSamplePooling() throws {
        // Planes are pooled in parallel; pooling each sample alone gives identical bits.
        var g = Xoshiro256(seed: 23)
        let x = try Tensor.normal([6, 8, 20, 20], using: &g)
        let pools = [
            Pooling2D(kind: .max, kernelSize: 3, stride: 2, padding: 1),
            Pooling2D(kind: .average, kernelSize: 3, stride: 2, padding: 1, ceilMode: true),
        ]
        for pool in pools {
            let (y, argmax) = try pool.forward(x)
            let dy = try Tensor.normal(y.shape, using: &g)
            let dx = try pool.backward(outputGradient: dy, inputShape: x.shape, argmax: argmax)
            var outputs: [Tensor] = [], gradients: [Tensor] = []
            for n in 0..<6 {
                let sample = try x.slice(batch: n..<(n + 1))
                let (ys, argmaxS) = try pool.forward(sample)
                outputs.append(ys)
                gradients.append(
                    try pool.backward(
                        outputGradient: dy.slice(batch: n..<(n + 1)), inputShape: sample.shape,
                        argmax: argmaxS))
            }
            #expect(try Tensor.concatenate(outputs) == y)
            #expect(try Tensor.concatenate(gradients) == dx)
        }
    }

    @Test func globalAveragePooling() throws {
        let x = try Tensor(shape: [2, 2, 1, 3], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
        #expect(try x.globalAveragePooled() == Tensor(shape: [2, 2], scalars: [2, 5, 8, 11]))
        #expect(throws: TensorError.self) { try Tensor.zeros([2, 3]).globalAveragePooled() }

        let input = try scrambled([2, 3, 4, 5])
        var g = Xoshiro256(seed: 29)
        let w = try Tensor.normal([2, 3], using: &g)
        let analytic = try Tensor.globalAveragePoolingGradient(
            outputGradient: w, inputShape: input.shape)
        let numeric = try GradientCheck.numericalGradient(
            of: { GradientCheck.projection(try $0.globalAveragePooled(), w) }, at: input)
        #expect(GradientCheck.maxRelativeError(analytic, numeric) < 1e-3)
        #expect(throws: TensorError.self) {
            try Tensor.globalAveragePoolingGradient(outputGradient: w, inputShape: [2, 4, 4, 5])
        }
    }
}
