import TensorMath
import TensorMathTesting
import Testing

/// Direct-loop convolution in `Double`: the forward output and, for an output gradient, the
/// three gradients. Independent of the kernels under test (no im2col, no GEMM).
struct NaiveConvolution {
    var conv: Convolution2D
    var input: Tensor, weight: Tensor, bias: Tensor?

    var n: Int { input.shape[0] }
    var c: Int { input.shape[1] }
    var h: Int { input.shape[2] }
    var w: Int { input.shape[3] }
    var o: Int { weight.shape[0] }
    var kh: Int { weight.shape[2] }
    var kw: Int { weight.shape[3] }
    var oh: Int {
        (h + 2 * conv.padding.height - conv.dilation.height * (kh - 1) - 1)
            / conv.stride.height + 1
    }
    var ow: Int {
        (w + 2 * conv.padding.width - conv.dilation.width * (kw - 1) - 1)
            / conv.stride.width + 1
    }

    /// Calls `body(sample, out, oy, ox, ch, iy, ix, i, j)` for every tap inside the input.
    func forEachTap(_ body: (Int, Int, Int, Int, Int, Int, Int, Int, Int) -> Void) {
        for s in 0..<n {
            for oc in 0..<o {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        for ch in 0..<c {
                            for i in 0..<kh {
                                for j in 0..<kw {
                                    let iy =
                                        oy * conv.stride.height - conv.padding.height
                                        + i * conv.dilation.height
                                    let ix =
                                        ox * conv.stride.width - conv.padding.width
                                        + j * conv.dilation.width
                                    guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                                    body(s, oc, oy, ox, ch, iy, ix, i, j)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    func inputIndex(_ s: Int, _ ch: Int, _ iy: Int, _ ix: Int) -> Int {
        ((s * c + ch) * h + iy) * w + ix
    }
    func weightIndex(_ oc: Int, _ ch: Int, _ i: Int, _ j: Int) -> Int {
        ((oc * c + ch) * kh + i) * kw + j
    }
    func outputIndex(_ s: Int, _ oc: Int, _ oy: Int, _ ox: Int) -> Int {
        ((s * o + oc) * oh + oy) * ow + ox
    }

    func forward() throws -> Tensor {
        var y = [Double](repeating: 0, count: n * o * oh * ow)
        forEachTap { s, oc, oy, ox, ch, iy, ix, i, j in
            y[outputIndex(s, oc, oy, ox)] +=
                Double(input.scalars[inputIndex(s, ch, iy, ix)])
                * Double(weight.scalars[weightIndex(oc, ch, i, j)])
        }
        if let bias {
            for s in 0..<n {
                for oc in 0..<o {
                    for p in 0..<(oh * ow) {
                        y[(s * o + oc) * oh * ow + p] += Double(bias.scalars[oc])
                    }
                }
            }
        }
        return try Tensor(shape: [n, o, oh, ow], scalars: y.map { Float($0) })
    }

    func backward(_ dy: Tensor) throws -> (input: Tensor, weight: Tensor, bias: Tensor) {
        var dx = [Double](repeating: 0, count: input.count)
        var dw = [Double](repeating: 0, count: weight.count)
        var db = [Double](repeating: 0, count: o)
        forEachTap { s, oc, oy, ox, ch, iy, ix, i, j in
            let g = Double(dy.scalars[outputIndex(s, oc, oy, ox)])
            dx[inputIndex(s, ch, iy, ix)] += g * Double(weight.scalars[weightIndex(oc, ch, i, j)])
            dw[weightIndex(oc, ch, i, j)] += g * Double(input.scalars[inputIndex(s, ch, iy, ix)])
        }
        for s in 0..<n {
            for oc in 0..<o {
                for p in 0..<(oh * ow) { db[oc] += Double(dy.scalars[(s * o + oc) * oh * ow + p]) }
            }
        }
        return (
            try Tensor(shape: input.shape, scalars: dx.map { Float($0) }),
            try Tensor(shape: weight.shape, scalars: dw.map { Float($0) }),
            try Tensor(shape: [o], scalars: db.map { Float($0) })
        )
    }
}

private func message(of error: some Error) -> String { "\(error)" }

@Suite struct ConvolutionTests {
    // MARK: Hand-computed cases

    @Test func forwardByHand() throws {
        // 3x3 input 1…9, 2x2 kernel [[1, 0], [0, -1]]: y = x[i][j] − x[i+1][j+1] = −4.
        let x = try Tensor(shape: [1, 1, 3, 3], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        let w = try Tensor(shape: [1, 1, 2, 2], scalars: [1, 0, 0, -1])
        let y = try Convolution2D().forward(input: x, weight: w, bias: nil)
        #expect(y.shape == [1, 1, 2, 2])
        #expect(y.scalars == [-4, -4, -4, -4])
        // With a bias of 10 and a second output channel summing the 2x2 window.
        let w2 = try Tensor(shape: [2, 1, 2, 2], scalars: [1, 0, 0, -1, 1, 1, 1, 1])
        let y2 = try Convolution2D().forward(input: x, weight: w2, bias: Tensor([10, 0]))
        #expect(y2.scalars == [6, 6, 6, 6, 12, 16, 24, 28])
    }

    @Test func paddingAndStrideByHand() throws {
        // 3x3 input 1…9, 3x3 kernel of ones, padding 1, stride 2: the windows centred on the
        // corners sum their 2x2 neighbourhoods.
        let x = try Tensor(shape: [1, 1, 3, 3], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        let w = try Tensor.ones([1, 1, 3, 3])
        let y = try Convolution2D(stride: 2, padding: 1).forward(input: x, weight: w, bias: nil)
        #expect(y.shape == [1, 1, 2, 2])
        #expect(y.scalars == [12, 16, 24, 28])
        // Dilation 2 on a 5x5 input: the 3x3 kernel reads the corners, edge middles and centre.
        let x5 = try Tensor(shape: [1, 1, 5, 5], scalars: (0..<25).map(Float.init))
        let yd = try Convolution2D(dilation: 2).forward(input: x5, weight: w, bias: nil)
        #expect(yd.shape == [1, 1, 1, 1])
        #expect(yd.scalars == [0 + 2 + 4 + 10 + 12 + 14 + 20 + 22 + 24])
    }

    @Test func backwardByHand() throws {
        // y = 3·x (+1): dx = 3·dy, dw = Σ x·dy, db = Σ dy.
        let x = try Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        let w = try Tensor(shape: [1, 1, 1, 1], scalars: [3])
        let dy = try Tensor(shape: [1, 1, 2, 2], scalars: [1, -1, 2, 0.5])
        let g = try Convolution2D().backward(input: x, weight: w, outputGradient: dy)
        #expect(g.input?.scalars == [3, -3, 6, 1.5])
        #expect(g.weight.shape == [1, 1, 1, 1])
        #expect(g.weight.scalars == [1 - 2 + 6 + 2])
        #expect(g.bias.scalars == [2.5])
        // 2x2 kernel on a 2x3 input: one row of two outputs.
        let x2 = try Tensor(shape: [1, 1, 2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let w2 = try Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        let dy2 = try Tensor(shape: [1, 1, 1, 2], scalars: [1, 10])
        let g2 = try Convolution2D().backward(input: x2, weight: w2, outputGradient: dy2)
        // dx: kernel placed at column 0 (×1) and column 1 (×10), summed.
        #expect(g2.input?.scalars == [1, 12, 20, 3, 34, 40])
        // dw[i][j] = x[i][j]·1 + x[i][j+1]·10
        #expect(g2.weight.scalars == [21, 32, 54, 65])
        #expect(g2.bias.scalars == [11])
    }

    @Test func outputSizeFollowsPyTorchFormula() throws {
        #expect(
            try Convolution2D().outputSize(inputHeight: 28, inputWidth: 28, kernel: 5)
                == Size2D(24, 24))
        #expect(
            try Convolution2D(padding: 2).outputSize(
                inputHeight: 28, inputWidth: 28, kernel: 5) == Size2D(28, 28))
        #expect(
            try Convolution2D(stride: 2, padding: 1).outputSize(
                inputHeight: 32, inputWidth: 31, kernel: 3) == Size2D(16, 16))
        #expect(
            try Convolution2D(
                stride: Size2D(2, 1), padding: Size2D(0, 1),
                dilation: Size2D(2, 3)
            ).outputSize(
                inputHeight: 9, inputWidth: 10, kernel: Size2D(3, 2)) == Size2D(3, 9))
    }

    // MARK: Against an independent reference

    /// Several configurations, batch sizes that split unevenly into chunks, single samples,
    /// large planes and 1x1 kernels, against the direct loops.
    @Test(arguments: [
        // n, c, o, h, w, kh, kw, stride, padding, dilation
        (5, 2, 3, 9, 7, 3, 3, Size2D(1), Size2D(1), Size2D(1)),
        (7, 3, 4, 6, 6, 2, 3, Size2D(2, 1), Size2D(1, 0), Size2D(1, 2)),
        (7, 2, 3, 10, 10, 3, 3, Size2D(1), Size2D(1), Size2D(1)),
        (13, 2, 3, 10, 10, 3, 3, Size2D(1), Size2D(1), Size2D(1)),
        (9, 2, 2, 16, 16, 3, 3, Size2D(1), Size2D(1), Size2D(1)),
        (3, 1, 2, 25, 24, 3, 3, Size2D(1), Size2D(1), Size2D(1)),
        (1, 2, 2, 30, 20, 5, 5, Size2D(1), Size2D(2), Size2D(1)),
        (4, 5, 3, 5, 4, 1, 1, Size2D(1), Size2D(0), Size2D(1)),
        (3, 4, 6, 7, 7, 1, 1, Size2D(2), Size2D(0), Size2D(1)),
        (2, 3, 2, 8, 8, 3, 3, Size2D(3), Size2D(2), Size2D(2)),
        (0, 2, 3, 5, 5, 3, 3, Size2D(1), Size2D(1), Size2D(1)),
        // Large patch sizes (the AVX-512 forward pass packs from the input), odd planes and
        // panels spanning samples.
        (4, 128, 3, 8, 8, 3, 3, Size2D(1), Size2D(1), Size2D(1)),
        (2, 64, 5, 23, 21, 3, 3, Size2D(1), Size2D(1), Size2D(1)),
        (3, 60, 9, 11, 13, 3, 3, Size2D(1), Size2D(2), Size2D(2)),
        (3, 30, 4, 12, 11, 3, 5, Size2D(2, 1), Size2D(0), Size2D(1)),
        // Stride-2 rows longer than a vector (35 output columns).
        (2, 3, 4, 9, 70, 3, 3, Size2D(2), Size2D(1), Size2D(1)),
        // The AVX-512 direct kernels (output width = input width / stride): output channels
        // beyond one block of 8 and not a multiple of it, stride phases with odd heights,
        // strides (2, 1), (1, 2) and 3, dilation, one-sided padding, a 7x7 stem, a strided
        // 1x1 kernel, and single samples whose planes are split over the threads.
        (3, 9, 17, 8, 8, 3, 3, Size2D(1), Size2D(1), Size2D(1)),
        (2, 5, 11, 7, 8, 3, 3, Size2D(2), Size2D(1), Size2D(1)),
        (2, 4, 3, 9, 6, 3, 3, Size2D(2, 1), Size2D(1), Size2D(1)),
        (2, 3, 9, 6, 10, 3, 3, Size2D(1, 2), Size2D(1), Size2D(1)),
        (2, 3, 4, 10, 9, 3, 3, Size2D(3), Size2D(1), Size2D(1)),
        (2, 3, 5, 10, 10, 3, 3, Size2D(1), Size2D(2), Size2D(2)),
        (2, 3, 4, 8, 9, 3, 3, Size2D(1), Size2D(0, 1), Size2D(1)),
        (2, 3, 8, 32, 32, 7, 7, Size2D(2), Size2D(3), Size2D(1)),
        (3, 6, 10, 8, 8, 1, 1, Size2D(2), Size2D(0), Size2D(1)),
        (1, 3, 10, 40, 40, 3, 3, Size2D(1), Size2D(1), Size2D(1)),
        (1, 4, 6, 40, 40, 3, 3, Size2D(2), Size2D(1), Size2D(1)),
        // Direct kernels at a pitch wider than the output (LeNet's valid conv2) or than the
        // input ("full" padding, odd widths at stride 2).
        (3, 6, 16, 14, 14, 5, 5, Size2D(1), Size2D(0), Size2D(1)),
        (2, 3, 5, 6, 6, 3, 3, Size2D(1), Size2D(2), Size2D(1)),
        (2, 4, 9, 7, 7, 3, 3, Size2D(2), Size2D(1), Size2D(1)),
        (2, 3, 4, 9, 7, 3, 3, Size2D(2), Size2D(2), Size2D(1)),
        // The weight gradient with output channels in the vectors (32 or more): a partial
        // vector of channels, a 5x5 kernel at stride 2, a strided 1x1 kernel, vertical
        // dilation with unequal strides and padding, and channels beyond one tile.
        (2, 5, 33, 9, 8, 3, 3, Size2D(1), Size2D(1), Size2D(1)),
        (2, 3, 40, 11, 11, 5, 5, Size2D(2), Size2D(2), Size2D(1)),
        (3, 4, 32, 8, 8, 1, 1, Size2D(2), Size2D(0), Size2D(1)),
        (2, 6, 48, 10, 7, 3, 3, Size2D(2, 1), Size2D(0, 1), Size2D(2, 1)),
        (2, 19, 64, 6, 6, 3, 3, Size2D(1), Size2D(1), Size2D(1)),
        // Column-shifted copies (stride 1, output narrower than the input): dilation and
        // padding along the rows only, and a valid 5x5 with many output channels.
        (2, 4, 5, 12, 13, 3, 3, Size2D(1), Size2D(1, 0), Size2D(1, 2)),
        (2, 3, 40, 11, 11, 5, 5, Size2D(1), Size2D(0), Size2D(1)),
    ])
    func matchesDirectLoops(
        _ configuration: (Int, Int, Int, Int, Int, Int, Int, Size2D, Size2D, Size2D)
    ) throws {
        let (n, c, o, h, w, kh, kw, stride, padding, dilation) = configuration
        var generator = Xoshiro256(seed: UInt64(n * 1000 + c * 100 + h))
        let conv = Convolution2D(stride: stride, padding: padding, dilation: dilation)
        let x = try Tensor.uniform([n, c, h, w], low: -1, high: 1, using: &generator)
        let weight = try Tensor.uniform([o, c, kh, kw], low: -1, high: 1, using: &generator)
        let bias = try Tensor.uniform([o], low: -1, high: 1, using: &generator)
        let reference = NaiveConvolution(conv: conv, input: x, weight: weight, bias: bias)
        let y = try conv.forward(input: x, weight: weight, bias: bias)
        let expected = try reference.forward()
        #expect(y.shape == expected.shape)
        // Float sums of C·KH·KW products: the error grows about with the square root.
        // F(4x4, 3x3) Winograd passes round more (DirectKernelTests.runsWinograd4x4).
        let scale: Float =
            DirectKernelTests.runsWinograd4x4 && kh == 3 && kw == 3 && stride == 1
                && dilation == 1 ? 8 : 1
        let tolerance = scale * 1e-5 * max(1, Float(c * kh * kw).squareRoot() / 10)
        #expect(GradientCheck.maxRelativeError(y, expected) < tolerance)
        // The ReLU fused into the pass: exactly the ReLU of the plain output.
        #expect(
            try conv.forward(input: x, weight: weight, bias: bias, fusingReLU: true) == y.relu())

        let dy = try Tensor.uniform(y.shape, low: -1, high: 1, using: &generator)
        let gradients = try conv.backward(input: x, weight: weight, outputGradient: dy)
        let expectedGradients = try reference.backward(dy)
        let dx = try #require(gradients.input)
        #expect(dx.shape == x.shape)
        #expect(GradientCheck.maxRelativeError(dx, expectedGradients.input) < scale * 1e-5)
        #expect(gradients.weight.shape == weight.shape)
        #expect(GradientCheck.maxRelativeError(gradients.weight, expectedGradients.weight) < 1e-4)
        #expect(GradientCheck.maxRelativeError(gradients.bias, expectedGradients.bias) < 1e-4)

        // Skipping the input gradient leaves the other two unchanged, bit for bit.
        let skipped = try conv.backward(
            input: x, weight: weight, outputGradient: dy, needsInputGradient: false)
        #expect(skipped.input == nil)
        #expect(skipped.weight == gradients.weight)
        #expect(skipped.bias == gradients.bias)
    }

    // MARK: Finite differences

    @Test(arguments: [
        Convolution2D(),
        Convolution2D(stride: 2, padding: 1),
        Convolution2D(padding: Size2D(2, 1), dilation: 2),
        Convolution2D(stride: Size2D(1, 2), padding: Size2D(0, 1), dilation: Size2D(2, 1)),
    ])
    func backwardMatchesFiniteDifferences(_ conv: Convolution2D) throws {
        var generator = Xoshiro256(seed: 21)
        let x = try Tensor.uniform([2, 2, 6, 7], low: -1, high: 1, using: &generator)
        let weight = try Tensor.uniform([3, 2, 3, 2], low: -1, high: 1, using: &generator)
        let bias = try Tensor.uniform([3], low: -1, high: 1, using: &generator)
        let y = try conv.forward(input: x, weight: weight, bias: bias)
        let projection = try Tensor.uniform(y.shape, low: -1, high: 1, using: &generator)
        let gradients = try conv.backward(input: x, weight: weight, outputGradient: projection)

        let numericInput = try GradientCheck.numericalGradient(
            of: { x in
                GradientCheck.projection(
                    try conv.forward(input: x, weight: weight, bias: bias),
                    projection)
            }, at: x)
        let numericWeight = try GradientCheck.numericalGradient(
            of: { weight in
                GradientCheck.projection(
                    try conv.forward(input: x, weight: weight, bias: bias),
                    projection)
            }, at: weight)
        let numericBias = try GradientCheck.numericalGradient(
            of: { bias in
                GradientCheck.projection(
                    try conv.forward(input: x, weight: weight, bias: bias),
                    projection)
            }, at: bias)
        let dx = try #require(gradients.input)
        #expect(GradientCheck.maxRelativeError(dx, numericInput) < 1e-2)
        #expect(GradientCheck.maxRelativeError(gradients.weight, numericWeight) < 1e-2)
        #expect(GradientCheck.maxRelativeError(gradients.bias, numericBias) < 1e-2)
    }

    // MARK: PyTorch golden values

    @Test func matchesPyTorchGoldenValues() throws {
        // Tools/reference/convolution_golden.py wrote ConvolutionGolden.swift.
        #expect(ConvolutionGolden.cases.count >= 8)
        for golden in ConvolutionGolden.cases {
            let conv = Convolution2D(
                stride: Size2D(golden.stride.0, golden.stride.1),
                padding: Size2D(golden.padding.0, golden.padding.1),
                dilation: Size2D(golden.dilation.0, golden.dilation.1))
            let x = try Tensor(shape: golden.inputShape, scalars: golden.input)
            let weight = try Tensor(shape: golden.weightShape, scalars: golden.weight)
            let bias = try golden.bias.map {
                try Tensor(shape: [golden.weightShape[0]], scalars: $0)
            }
            let y = try conv.forward(input: x, weight: weight, bias: bias)
            #expect(y.shape == golden.outputShape, "\(golden.name)")
            #expect(
                GradientCheck.maxRelativeError(
                    y, try Tensor(shape: golden.outputShape, scalars: golden.output)) < 1e-5,
                "\(golden.name)")
            let dy = try Tensor(shape: golden.outputShape, scalars: golden.outputGradient)
            let g = try conv.backward(input: x, weight: weight, outputGradient: dy)
            let dx = try #require(g.input)
            #expect(
                GradientCheck.maxRelativeError(
                    dx, try Tensor(shape: golden.inputShape, scalars: golden.inputGradient)) < 1e-5,
                "\(golden.name)")
            #expect(
                GradientCheck.maxRelativeError(
                    g.weight, try Tensor(shape: golden.weightShape, scalars: golden.weightGradient))
                    < 1e-5, "\(golden.name)")
            #expect(
                GradientCheck.maxRelativeError(g.bias, Tensor(golden.biasGradient)) < 1e-5,
                "\(golden.name)")
        }
    }

    // MARK: Errors

    @Test func invalidShapesAndArgumentsThrow() throws {
        let x = try Tensor.zeros([2, 3, 8, 8])
        let w = try Tensor.zeros([4, 3, 3, 3])
        let conv = Convolution2D()

        let channels = #expect(throws: TensorError.self) {
            try conv.forward(input: x, weight: try Tensor.zeros([4, 1, 3, 3]), bias: nil)
        }
        #expect(channels.map(message)?.contains("input has 3 channels, weight expects 1") == true)
        #expect(channels.map(message)?.contains("Convolution2D.forward") == true)

        let rank = #expect(throws: TensorError.self) {
            try conv.forward(input: try Tensor.zeros([3, 8, 8]), weight: w, bias: nil)
        }
        #expect(rank.map(message)?.contains("[3, 8, 8]") == true)
        #expect(throws: TensorError.self) {
            try conv.forward(input: x, weight: try Tensor.zeros([4, 3, 3]), bias: nil)
        }

        let large = #expect(throws: TensorError.self) {
            try conv.forward(input: x, weight: try Tensor.zeros([4, 3, 9, 3]), bias: nil)
        }
        #expect(large.map(message)?.contains("larger than the padded input") == true)
        // Padding makes room for the same kernel; dilation takes it away again.
        #expect(throws: Never.self) {
            try Convolution2D(padding: 1).forward(
                input: x, weight: try Tensor.zeros([4, 3, 9, 3]), bias: nil)
        }
        #expect(throws: TensorError.self) {
            try Convolution2D(dilation: 4).forward(input: x, weight: w, bias: nil)
        }

        let stride = #expect(throws: TensorError.self) {
            try Convolution2D(stride: Size2D(1, 0)).forward(input: x, weight: w, bias: nil)
        }
        #expect(stride.map(message)?.contains("stride") == true)
        #expect(throws: TensorError.self) {
            try Convolution2D(dilation: Size2D(0, 1)).forward(input: x, weight: w, bias: nil)
        }
        #expect(throws: TensorError.self) {
            try Convolution2D(padding: Size2D(-1, 0)).forward(input: x, weight: w, bias: nil)
        }
        #expect(throws: TensorError.self) {
            try Convolution2D().outputSize(inputHeight: 8, inputWidth: 8, kernel: 0)
        }

        let bias = #expect(throws: TensorError.self) {
            try conv.forward(input: x, weight: w, bias: Tensor([1, 2, 3]))
        }
        #expect(bias.map(message)?.contains("[3]") == true)

        let gradient = #expect(throws: TensorError.self) {
            try conv.backward(input: x, weight: w, outputGradient: try Tensor.zeros([2, 4, 5, 6]))
        }
        #expect(gradient.map(message)?.contains("Convolution2D.backward") == true)
        #expect(gradient.map(message)?.contains("[2, 4, 6, 6]") == true)
        #expect(throws: TensorError.self) {
            try conv.backward(
                input: x, weight: try Tensor.zeros([4, 2, 3, 3]),
                outputGradient: try Tensor.zeros([2, 4, 6, 6]))
        }
    }
}
