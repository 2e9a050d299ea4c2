import Foundation
import TensorMath
import TensorMathTesting
import Testing

/// The kernels of `direct_kernels.h` (direct convolution forward, input gradient, both weight
/// gradients, stride phases, 2x2 max pooling forward and backward), `winograd_kernels.h` and
/// `winograd4_kernels.h` (the Winograd forward passes, input gradients and weight gradient
/// of 3x3 convolutions with many channels) on
/// shapes that reach their edges: planes smaller than a vector, vectors that cross rows and
/// samples, every register tile remainder, loads at a channel's first and last pixels. This
/// process tests its own vector level; ``KernelLevelTests`` runs this suite again at each
/// lower level (with `SWIFTCNN_DIRECT_CONVOLUTION=always` and `SWIFTCNN_WINOGRAD=always`, so
/// that level 0 runs the portable kernels too) and checks that the results do not depend on
/// the thread count.
@Suite struct DirectKernelTests {
    /// Environment variable naming the file a child process writes its fingerprint to.
    static let outputVariable = "TENSORMATH_DIRECT_OUTPUT"

    /// (batch, channels, outputs, height, width, kernel height, kernel width, stride, padding,
    /// dilation).
    typealias Configuration = (Int, Int, Int, Int, Int, Int, Int, Size2D, Size2D, Size2D)

    static let configurations: [Configuration] = [
        // Planes smaller than one vector at every level; one channel; 1..9 outputs (tile
        // remainders of 8 and 4 output channels).
        (3, 1, 1, 2, 2, 3, 3, Size2D(1), Size2D(1), Size2D(1)),
        (5, 2, 5, 3, 5, 3, 3, Size2D(1), Size2D(1), Size2D(1)),
        (2, 3, 9, 7, 7, 5, 5, Size2D(1), Size2D(2), Size2D(1)),
        (4, 1, 6, 28, 28, 5, 5, Size2D(1), Size2D(2), Size2D(1)),
        // Outputs narrower than the input at stride 1 (the input's column shifts): LeNet's
        // second layer, padding that leaves zero columns at both ends of the shifts, dilation.
        (3, 6, 16, 14, 14, 5, 5, Size2D(1), Size2D(0), Size2D(1)),
        (2, 3, 5, 12, 11, 5, 5, Size2D(1), Size2D(1), Size2D(1)),
        (2, 2, 3, 8, 10, 3, 3, Size2D(1), Size2D(0), Size2D(2)),
        (2, 3, 7, 9, 6, 3, 1, Size2D(1), Size2D(0), Size2D(1)),
        // Strides 2 (even and odd widths: vector and scalar phase splits) and 3, dilation.
        (3, 4, 13, 10, 10, 3, 3, Size2D(2), Size2D(1), Size2D(1)),
        (2, 3, 8, 11, 9, 3, 3, Size2D(2), Size2D(1), Size2D(1)),
        (2, 2, 3, 13, 12, 3, 3, Size2D(3), Size2D(1), Size2D(1)),
        (2, 3, 4, 12, 11, 3, 3, Size2D(1), Size2D(2), Size2D(2)),
        // The weight gradient with output channels in the vectors (32 outputs or more) with 1,
        // 3 and 5 kernel columns, output vectors beyond one tile, strided.
        (3, 5, 36, 6, 6, 3, 3, Size2D(1), Size2D(1), Size2D(1)),
        (2, 3, 33, 5, 7, 1, 1, Size2D(1), Size2D(0), Size2D(1)),
        (2, 2, 70, 8, 8, 5, 5, Size2D(1), Size2D(2), Size2D(1)),
        (2, 4, 40, 9, 9, 3, 3, Size2D(2), Size2D(1), Size2D(1)),
        // Winograd F(2x2, 3x3) forward passes and input gradients (3x3, stride 1, 32
        // channels or more): odd output sizes (tiles cut by the edge), 35 outputs (product
        // tile remainders), no padding and padding 2, a 1x1 plane, tile counts that end inside
        // a vector, samples in several blocks (48 channels of 16x14, 3 samples a block), and
        // tile rows long enough for stores of whole runs at every level (9x17 outputs).
        (3, 32, 32, 8, 8, 3, 3, Size2D(1), Size2D(1), Size2D(1)),
        (5, 33, 35, 7, 9, 3, 3, Size2D(1), Size2D(1), Size2D(1)),
        (2, 32, 40, 6, 5, 3, 3, Size2D(1), Size2D(0), Size2D(1)),
        (2, 36, 32, 5, 6, 3, 3, Size2D(1), Size2D(2), Size2D(1)),
        (3, 32, 33, 1, 1, 3, 3, Size2D(1), Size2D(1), Size2D(1)),
        (4, 48, 32, 16, 14, 3, 3, Size2D(1), Size2D(1), Size2D(1)),
        (2, 32, 32, 9, 17, 3, 3, Size2D(1), Size2D(1), Size2D(1)),
        // Stride 2 on planes whose two phase rows fill one vector (split and merged two rows
        // at a time) at 16, 8 and 4 lanes, odd heights leaving one row over.
        (2, 3, 5, 9, 16, 3, 3, Size2D(2), Size2D(1), Size2D(1)),
        (3, 2, 4, 7, 8, 3, 3, Size2D(2), Size2D(1), Size2D(1)),
        (2, 2, 3, 5, 4, 3, 3, Size2D(2), Size2D(1), Size2D(1)),
        // Stride 2 with phase-split channels a multiple of 1 KB long, which the copy pads
        // by a cache line (16x16 and 8x32 inputs).
        (2, 3, 5, 16, 16, 3, 3, Size2D(2), Size2D(1), Size2D(1)),
        (2, 2, 9, 8, 32, 3, 3, Size2D(2), Size2D(1), Size2D(1)),
    ]

    /// Forward output and the three gradients of one configuration.
    static func results(_ configuration: Configuration, seed: UInt64) throws -> (
        conv: Convolution2D, x: Tensor, weight: Tensor, bias: Tensor, dy: Tensor, y: Tensor,
        dx: Tensor, dw: Tensor, db: Tensor
    ) {
        let (n, c, o, h, w, kh, kw, stride, padding, dilation) = configuration
        var generator = Xoshiro256(seed: seed)
        let conv = Convolution2D(stride: stride, padding: padding, dilation: dilation)
        let x = try Tensor.uniform([n, c, h, w], low: -1, high: 1, using: &generator)
        let weight = try Tensor.uniform([o, c, kh, kw], low: -1, high: 1, using: &generator)
        let bias = try Tensor.uniform([o], low: -1, high: 1, using: &generator)
        let y = try conv.forward(input: x, weight: weight, bias: bias)
        let dy = try Tensor.uniform(y.shape, low: -1, high: 1, using: &generator)
        let gradients = try conv.backward(input: x, weight: weight, outputGradient: dy)
        let dx = try #require(gradients.input)
        return (conv, x, weight, bias, dy, y, dx, gradients.weight, gradients.bias)
    }

    /// Whether this process's Winograd forward passes run F(4x4, 3x3) (unless
    /// `SWIFTCNN_WINOGRAD_TILE=2`), whose larger transform coefficients give errors up to
    /// about 5x those of F(2x2, 3x3) (1e-4 of an output on these uniform data).
    static var runsWinograd4x4: Bool {
        ProcessInfo.processInfo.environment["SWIFTCNN_WINOGRAD_TILE"] != "2"
    }

    @Test(arguments: configurations.indices)
    func convolutionMatchesTheNaiveLoops(_ index: Int) throws {
        let configuration = Self.configurations[index]
        let (n, c, o, _, _, kh, kw, _, _, _) = configuration
        let r = try Self.results(configuration, seed: UInt64(100 + index))
        let reference = NaiveConvolution(conv: r.conv, input: r.x, weight: r.weight, bias: r.bias)
        let expected = try reference.forward()
        #expect(r.y.shape == expected.shape)
        let (_, _, _, _, _, _, _, stride, _, dilation) = configuration
        let scale: Float =
            Self.runsWinograd4x4 && kh == 3 && kw == 3 && stride == 1
                && dilation == 1 ? 8 : 1
        let tolerance = scale * 1e-5 * max(1, Float(c * kh * kw).squareRoot() / 10)
        #expect(GradientCheck.maxRelativeError(r.y, expected) < tolerance, "forward \(index)")
        let gradients = try reference.backward(r.dy)
        let inputTolerance = scale * 1e-5 * max(1, Float(o * kh * kw).squareRoot() / 10)
        #expect(
            GradientCheck.maxRelativeError(r.dx, gradients.input) < inputTolerance, "dx \(index)")
        // The weight gradient sums over every output pixel of every sample (F(4x4)'s transforms
        // scale its rounding as they do the forward pass's).
        let terms = Float(n * r.y.shape[2] * r.y.shape[3])
        let weightTolerance = max(1e-4, scale * 1e-5 * terms.squareRoot() / 10)
        #expect(
            GradientCheck.maxRelativeError(r.dw, gradients.weight) < weightTolerance,
            "dw \(index)")
        #expect(GradientCheck.maxRelativeError(r.db, gradients.bias) < 1e-4, "db \(index)")
    }

    /// The ReLU fused into a forward pass (the direct kernels' and Winograd's stores) is the
    /// ReLU of the same pass, bit for bit.
    @Test(arguments: configurations.indices)
    func fusedReLUIsTheReLUOfTheForwardPass(_ index: Int) throws {
        let r = try Self.results(Self.configurations[index], seed: UInt64(100 + index))
        let fused = try r.conv.forward(input: r.x, weight: r.weight, bias: r.bias, fusingReLU: true)
        #expect(fused == r.y.relu(), "configuration \(index)")
    }

    /// A prepared weight (the Winograd filter transformed once) gives the plain forward
    /// pass's bits, with and without the fused ReLU; for convolutions that do not run
    /// Winograd it holds only the weight.
    @Test(arguments: configurations.indices)
    func preparedWeightGivesThePlainPassBitForBit(_ index: Int) throws {
        let r = try Self.results(Self.configurations[index], seed: UInt64(100 + index))
        let prepared = r.conv.prepare(r.weight)
        #expect(prepared.source == r.weight)
        #expect(try r.conv.forward(input: r.x, prepared: prepared, bias: r.bias) == r.y)
        let fused = try r.conv.forward(
            input: r.x, prepared: prepared, bias: r.bias, fusingReLU: true)
        #expect(fused == r.y.relu(), "configuration \(index)")
        // The prepared weight's shape is checked like the plain one's: one channel too many.
        let (n, c, h, w) = (r.x.shape[0], r.x.shape[1] + 1, r.x.shape[2], r.x.shape[3])
        let wrong = try Tensor(
            shape: [n, c, h, w], scalars: Array(repeating: 0, count: n * c * h * w))
        #expect(throws: TensorError.self) {
            try r.conv.forward(input: wrong, prepared: prepared, bias: r.bias)
        }
    }

    /// 2x2 max pooling (stride 2) of planes whose rows end inside a vector at every level,
    /// with ties, NaN and -infinity, against the loops; the backward pass puts each gradient
    /// at its window's argmax (0 + gradient) and +0 elsewhere.
    @Test(arguments: [1, 3, 4, 7, 8, 9, 15, 16, 17, 33])
    func maxPoolingMatchesTheLoops(_ half: Int) throws {
        let (n, c, h, w) = (2, 2, 2 * half + (half % 2), 2 * half)
        var values = (0..<(n * c * h * w)).map { Float(($0 * 7) % 5) - 2 }
        for i in stride(from: 3, to: values.count, by: 17) { values[i] = .nan }
        for i in stride(from: 5, to: values.count, by: 23) { values[i] = -.infinity }
        for i in stride(from: 2, to: values.count, by: 13) { values[i] = -0.0 }
        let x = try Tensor(shape: [n, c, h, w], scalars: values)
        let pool = Pooling2D(kind: .max, kernelSize: 2)
        let (y, argmax) = try pool.forward(x)
        let indices = try #require(argmax)
        let (oh, ow) = (h / 2, w / 2)
        var generator = Xoshiro256(seed: UInt64(half))
        var dyValues = try Tensor.uniform([n, c, oh, ow], low: -1, high: 1, using: &generator)
            .scalars
        dyValues[0] = -0.0
        let dy = try Tensor(shape: [n, c, oh, ow], scalars: dyValues)
        let dx = try pool.backward(outputGradient: dy, inputShape: x.shape, argmax: indices)
        var expectedDx = [Float](repeating: 0, count: x.count)
        for plane in 0..<(n * c) {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var best = -Float.infinity, bestIndex = 2 * oy * w + 2 * ox
                    for yy in (2 * oy)..<(2 * oy + 2) {
                        for xx in (2 * ox)..<(2 * ox + 2) {
                            let value = values[plane * h * w + yy * w + xx]
                            if value > best || value.isNaN {
                                best = value
                                bestIndex = yy * w + xx
                            }
                        }
                    }
                    let at = (plane * oh + oy) * ow + ox
                    #expect(y.scalars[at].bitPattern == best.bitPattern, "plane \(plane)")
                    #expect(Int(indices[at]) == bestIndex)
                    expectedDx[plane * h * w + bestIndex] += dyValues[at]
                }
            }
        }
        #expect(dx.scalars.map(\.bitPattern) == expectedDx.map(\.bitPattern))
    }

    @Test func poolingBackwardTakesIndicesOutsideTheirWindows() throws {
        // Not from forward: every gradient goes to element 0 of its plane.
        let dy = try Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        let dx = try Pooling2D(kind: .max, kernelSize: 2).backward(
            outputGradient: dy, inputShape: [1, 1, 4, 4], argmax: [0, 0, 0, 0])
        #expect(dx.scalars == [10] + [Float](repeating: 0, count: 15))
    }

    /// A 64-bit FNV-1a hash of every result's bit pattern.
    static func fingerprint() throws -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for (index, configuration) in configurations.enumerated() {
            let r = try results(configuration, seed: UInt64(100 + index))
            for tensor in [r.y, r.dx, r.dw, r.db] {
                for value in tensor.scalars {
                    hash = (hash ^ UInt64(value.bitPattern)) &* 0x100_0000_01b3
                }
            }
        }
        return hash
    }

    /// In a child process (the output variable set), writes the fingerprint.
    @Test func childWritesFingerprint() throws {
        let first = try Self.fingerprint()
        #expect(first == (try Self.fingerprint()))
        guard let path = ProcessInfo.processInfo.environment[Self.outputVariable] else { return }
        try String(first).write(toFile: path, atomically: true, encoding: .utf8)
    }
}
