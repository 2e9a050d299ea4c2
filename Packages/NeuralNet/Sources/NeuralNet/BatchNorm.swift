import TensorMath

/// Batch normalization (Ioffe & Szegedy, 2015), the shared implementation of ``BatchNorm1D``
/// and ``BatchNorm2D``: each channel `c` is normalized as
/// `y = (x − mean_c) / √(var_c + epsilon) · weight_c + bias_c`.
///
/// - In training mode, `mean_c` and `var_c` are the batch's statistics over every axis but the
///   channel axis (biased variance), and the running statistics move towards them:
///   `running = (1 − momentum)·running + momentum·batch`, with the *unbiased* batch variance
///   for `running_var`, exactly as PyTorch. With `momentum` `nil` the running statistics are
///   cumulative averages (factor `1 / num_batches_tracked`).
/// - In inference mode the running statistics are used and nothing is updated.
/// - Parameters (when `affine`): `weight` (ones) and `bias` (zeros), `[C]`.
/// - Buffers, named as PyTorch's: `running_mean` (zeros, `[C]`), `running_var` (ones, `[C]`)
///   and `num_batches_tracked` (a scalar `[]`; PyTorch stores it as an integer).
public class BatchNorm: Layer {
    /// The number of channels `C`.
    public let features: Int
    /// The running-statistics update factor; default 0.1; `nil` for a cumulative average.
    public let momentum: Float?
    /// Added to the variance before the square root; default `1e-5`.
    public let epsilon: Float
    /// The per-channel scale `[C]` (`nil` unless affine).
    public let weight: Parameter?
    /// The per-channel shift `[C]` (`nil` unless affine).
    public let bias: Parameter?
    /// The running mean `[C]`.
    public let runningMean: Buffer
    /// The running (unbiased) variance `[C]`.
    public let runningVariance: Buffer
    /// The number of training batches seen, a scalar tensor.
    public let batchesTracked: Buffer
    public var isTraining = true

    private let layerName: String
    private let ranks: ClosedRange<Int>
    private let layout: String
    /// What the last training forward keeps for backward: the input, the per-channel batch
    /// means, `1/√(var + ε)`, the `weight` and `bias` it used, and whether it fused the ReLU
    /// after it. Backward recomputes `x̂` (and, for a fused ReLU, the output's sign) from them:
    /// keeping the input, which exists anyway, instead of writing `x̂` saves a pass over the
    /// activations.
    private var cache: ForwardState?

    private struct ForwardState {
        var input: Tensor
        var means: [Float]
        var inverseDeviation: [Float]
        var gamma: [Float]
        var beta: [Float]
        var fusedReLU: Bool
    }

    init(
        features: Int, momentum: Float?, epsilon: Float, affine: Bool, layer: String,
        ranks: ClosedRange<Int>, layout: String
    ) throws {
        try LayerChecks.positive(features, "features", layer: layer)
        if let momentum, !(0...1).contains(momentum) {
            throw NeuralNetError.invalidConfiguration(
                "\(layer): momentum must be in [0, 1], got \(momentum)")
        }
        guard epsilon > 0, epsilon.isFinite else {
            throw NeuralNetError.invalidConfiguration(
                "\(layer): epsilon must be positive, got \(epsilon)")
        }
        self.features = features
        self.momentum = momentum
        self.epsilon = epsilon
        weight = affine ? Parameter(try Tensor.ones([features])) : nil
        bias = affine ? Parameter(try Tensor.zeros([features])) : nil
        runningMean = Buffer(try Tensor.zeros([features]))
        runningVariance = Buffer(try Tensor.ones([features]))
        batchesTracked = Buffer(Tensor(scalar: 0))
        layerName = layer
        self.ranks = ranks
        self.layout = layout
    }

    public var ownParameters: [(name: String, parameter: Parameter)] {
        guard let weight, let bias else { return [] }
        return [("weight", weight), ("bias", bias)]
    }

    public var ownBuffers: [(name: String, buffer: Buffer)] {
        [
            ("running_mean", runningMean), ("running_var", runningVariance),
            ("num_batches_tracked", batchesTracked),
        ]
    }

    /// The input's extent before and after the channel axis, after checking rank and channels.
    private func layout(of input: Tensor) throws -> (outer: Int, inner: Int) {
        try LayerChecks.rank(of: input, in: ranks, layer: layerName, layout: layout)
        guard input.shape[1] == features else {
            throw NeuralNetError.invalidInput(
                layer: layerName,
                reason: "input has \(input.shape[1]) channels, the layer expects \(features) "
                    + "(input \(input.shape), running_mean [\(features)])")
        }
        return (input.shape[0], input.shape.dropFirst(2).reduce(1, *))
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        try forward(input, fusingReLU: false)
    }

    /// The layer's output, or with `fusingReLU` the output of a ``ReLU`` after it, in the same
    /// pass over the activations: bit-identical to running the two layers (``Sequential``
    /// fuses them this way). The ReLU's own state is the caller's to set
    /// (``ReLU/adopt(output:)``).
    func forward(_ input: Tensor, fusingReLU: Bool) throws -> Tensor {
        let (outer, inner) = try layout(of: input)
        return isTraining
            ? try trainingForward(input, outer: outer, inner: inner, relu: fusingReLU)
            : try inferenceForward(input, outer: outer, inner: inner, relu: fusingReLU)
    }

    /// `out[i] = x[i]·a + b` over `count` scalars, or with `relu` its ReLU as ``ReLU``
    /// computes it (`y < 0 ? 0 : y`: NaN and −0 pass through). Training passes
    /// `center` = the batch mean, `scale` = `1/√(var + ε)`, and `a`, `b` = `weight`, `bias`:
    /// `((x − mean)·scale)·weight + bias`; inference passes `center` 0 and `scale` 1 with the
    /// folded `a`, `b`. One loop per case, so that each vectorizes.
    @inline(__always)
    private static func normalize(
        _ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int,
        center: Float?, scale: Float, a: Float, b: Float, relu: Bool
    ) {
        switch (center, relu) {
        case (let m?, false):
            for i in 0..<count { out[i] = (x[i] - m) * scale * a + b }
        case (let m?, true):
            for i in 0..<count {
                let y = (x[i] - m) * scale * a + b
                out[i] = y < 0 ? 0 : y
            }
        case (nil, false):
            for i in 0..<count { out[i] = x[i] * a + b }
        case (nil, true):
            for i in 0..<count {
                let y = x[i] * a + b
                out[i] = y < 0 ? 0 : y
            }
        }
    }

    /// Work below this many scalars stays on the calling thread.
    private static let parallelThreshold = 1 << 15

    /// Runs `body` for every channel, in parallel for large inputs; each channel is handled
    /// whole by one call, so results do not depend on the thread count.
    private func forEachChannel(scalars: Int, _ body: (Int) -> Void) {
        let minimum = scalars < BatchNorm.parallelThreshold ? features : 1
        Parallel.forEach(features, minimumWorkPerThread: minimum, body)
    }

    private func trainingForward(_ input: Tensor, outer: Int, inner: Int, relu: Bool) throws
        -> Tensor
    {
        let count = outer * inner
        guard count > 1 else {
            throw NeuralNetError.invalidInput(
                layer: layerName,
                reason: "needs more than one value per channel in training mode, got input "
                    + "\(input.shape)")
        }
        let channels = features
        var means = [Float](repeating: 0, count: channels)
        var variances = [Float](repeating: 0, count: channels)
        var inverseDeviation = [Float](repeating: 0, count: channels)
        let gammas = weight?.value.scalars ?? [Float](repeating: 1, count: channels)
        let betas = bias?.value.scalars ?? [Float](repeating: 0, count: channels)
        let output = try Tensor.filled(input.shape) { out in
            input.withUnsafeBufferPointer { x in
                means.withUnsafeMutableBufferPointer { meanOut in
                    variances.withUnsafeMutableBufferPointer { varOut in
                        inverseDeviation.withUnsafeMutableBufferPointer { invOut in
                            let (meanOut, varOut, invOut) = (meanOut, varOut, invOut)
                            let x = x.baseAddress!
                            forEachChannel(scalars: input.count) { c in
                                var sum: Double = 0
                                for n in 0..<outer {
                                    let base = (n * channels + c) * inner
                                    sum += BatchNormSums.sum(x + base, count: inner)
                                }
                                let m = Float(sum / Double(count))
                                var squares: Double = 0
                                for n in 0..<outer {
                                    let base = (n * channels + c) * inner
                                    squares += BatchNormSums.squaredDeviations(
                                        x + base, count: inner, mean: m)
                                }
                                let variance = squares / Double(count)
                                let inv = Float(1 / (variance + Double(epsilon)).squareRoot())
                                let (gamma, beta) = (gammas[c], betas[c])
                                for n in 0..<outer {
                                    let base = (n * channels + c) * inner
                                    Self.normalize(
                                        x + base, into: out.baseAddress! + base, count: inner,
                                        center: m, scale: inv, a: gamma, b: beta, relu: relu)
                                }
                                meanOut[c] = m
                                varOut[c] = Float(variance)
                                invOut[c] = inv
                            }
                        }
                    }
                }
            }
        }
        updateRunningStatistics(means: means, variances: variances, count: count)
        cache = ForwardState(
            input: input, means: means, inverseDeviation: inverseDeviation, gamma: gammas,
            beta: betas, fusedReLU: relu)
        return output
    }

    private func updateRunningStatistics(means: [Float], variances: [Float], count: Int) {
        let tracked = (batchesTracked.value.scalar ?? 0) + 1
        batchesTracked.value = Tensor(scalar: tracked)
        let factor = momentum ?? (1 / tracked)
        let correction = Float(count) / Float(count - 1)
        runningMean.value.withUnsafeMutableBufferPointer { mean in
            for c in 0..<features { mean[c] = (1 - factor) * mean[c] + factor * means[c] }
        }
        runningVariance.value.withUnsafeMutableBufferPointer { variance in
            for c in 0..<features {
                variance[c] = (1 - factor) * variance[c] + factor * variances[c] * correction
            }
        }
    }

    /// The inference-mode layer as a per-channel affine map `y = x·scale[c] + shift[c]`
    /// (`scale = weight/√(running_var + ε)`, `shift = bias − running_mean·scale`), each `[C]`;
    /// drops what a training forward kept for backward. ``Conv2D`` folds it into its weights
    /// when ``Sequential`` runs the two in inference mode.
    func inferenceAffine() -> (scale: [Float], shift: [Float]) {
        cache = nil
        var scale = [Float](repeating: 1, count: features)
        var shift = [Float](repeating: 0, count: features)
        for c in 0..<features {
            let inv = 1 / (runningVariance.value.scalars[c] + epsilon).squareRoot()
            let gamma = weight?.value.scalars[c] ?? 1
            let beta = bias?.value.scalars[c] ?? 0
            scale[c] = gamma * inv
            shift[c] = beta - runningMean.value.scalars[c] * gamma * inv
        }
        return (scale, shift)
    }

    private func inferenceForward(_ input: Tensor, outer: Int, inner: Int, relu: Bool) throws
        -> Tensor
    {
        let channels = features
        let (scales, shifts) = inferenceAffine()
        return try Tensor.filled(input.shape) { out in
            input.withUnsafeBufferPointer { x in
                // One plane (sample n, channel c) per call; planes of at least 2^15 scalars
                // in all before a second thread helps.
                let planes = outer * channels
                let minimum = Swift.max(1, BatchNorm.parallelThreshold / Swift.max(1, inner))
                guard inner > 0, let source = x.baseAddress, let target = out.baseAddress else {
                    return
                }
                Parallel.forEach(planes, minimumWorkPerThread: minimum) { plane in
                    let c = plane % channels
                    let base = plane * inner
                    let (a, b) = (scales[c], shifts[c])
                    Self.normalize(
                        source + base, into: target + base, count: inner,
                        center: nil, scale: 1, a: a, b: b, relu: relu)
                }
            }
        }
    }

    /// Accumulates the weight and bias gradients; returns the input gradient through the batch
    /// statistics:
    /// `dx = weight·invstd/M · (M·g − Σg − x̂·Σ(g·x̂))` with `M` values per channel.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        try backward(outputGradient, throughReLU: false)
    }

    /// Whether the last training forward fused the ``ReLU`` after this layer
    /// (``forward(_:fusingReLU:)``), so that ``backward(_:throughReLU:)`` can take the
    /// gradient at the ReLU's output.
    var fusedReLUInForward: Bool { cache?.fusedReLU ?? false }

    /// ``backward(_:)``, or with `throughReLU` (after a forward that fused the ReLU) the
    /// backward pass of the ReLU and this layer from the gradient at the ReLU's output `g`:
    /// `g` where this layer's output `y` was positive, else 0, then as ``backward(_:)``. `y`
    /// is recomputed from the cached input exactly as the forward computed it, so the result
    /// is bit for bit the two layers' backward passes, without the ReLU's pass over the
    /// activations (``Sequential`` runs the pair this way).
    func backward(_ outputGradient: Tensor, throughReLU: Bool) throws -> Tensor {
        guard let state = cache else {
            throw NeuralNetError.backwardWithoutForward(layer: layerName)
        }
        let input = state.input
        try LayerChecks.gradient(outputGradient, matches: input.shape, layer: layerName)
        if throughReLU, !state.fusedReLU {
            throw NeuralNetError.invalidInput(
                layer: layerName,
                reason: "backward through a ReLU needs a forward pass that fused it")
        }
        let channels = features
        let outer = input.shape[0]
        let inner = input.shape.dropFirst(2).reduce(1, *)
        let count = Float(outer * inner)
        var gradientSums = [Float](repeating: 0, count: channels)
        var projectedSums = [Float](repeating: 0, count: channels)
        let inputGradient = try Tensor.filled(input.shape) { dx in
            outputGradient.withUnsafeBufferPointer { g in
                input.withUnsafeBufferPointer { x in
                    gradientSums.withUnsafeMutableBufferPointer { sumOut in
                        projectedSums.withUnsafeMutableBufferPointer { projectedOut in
                            let (sumOut, projectedOut) = (sumOut, projectedOut)
                            let (gBase, xBase) = (g.baseAddress!, x.baseAddress!)
                            let dxBase = dx.baseAddress!
                            forEachChannel(scalars: input.count) { c in
                                let (m, inv) = (state.means[c], state.inverseDeviation[c])
                                let mask =
                                    throughReLU
                                    ? BatchNormSums.Affine(a: state.gamma[c], b: state.beta[c])
                                    : nil
                                var sum: Double = 0, projected: Double = 0
                                for n in 0..<outer {
                                    let base = (n * channels + c) * inner
                                    let run = BatchNormSums.sumAndProjection(
                                        gBase + base, xBase + base, count: inner, mean: m,
                                        scale: inv, reluOf: mask)
                                    sum += run.sum
                                    projected += run.projection
                                }
                                let k = state.gamma[c] * inv / count
                                let (s, p) = (Float(sum), Float(projected))
                                for n in 0..<outer {
                                    let base = (n * channels + c) * inner
                                    Self.inputGradient(
                                        gBase + base, xBase + base, into: dxBase + base,
                                        count: inner, mean: m, scale: inv, k: k, total: count,
                                        sum: s, projection: p, reluOf: mask)
                                }
                                sumOut[c] = s
                                projectedOut[c] = p
                            }
                        }
                    }
                }
            }
        }
        if let weight, let bias {
            try weight.accumulateGradient(Tensor(projectedSums))
            try bias.accumulateGradient(Tensor(gradientSums))
        }
        return inputGradient
    }

    /// `dx[i] = k·(M·g[i] − Σg − x̂[i]·Σ(g·x̂))` over `count` scalars, with `g[i]` replaced by
    /// 0 where `reluOf` is given and `x̂[i]·a + b` (the forward's output before its ReLU) is not
    /// positive. One loop per case, so that each vectorizes.
    @inline(__always)
    private static func inputGradient(
        _ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
        into dx: UnsafeMutablePointer<Float>, count: Int, mean m: Float, scale inv: Float,
        k: Float, total: Float, sum s: Float, projection p: Float,
        reluOf affine: BatchNormSums.Affine?
    ) {
        if let affine {
            // In lanes: a scalar loop's select is a branch on the data's signs.
            typealias Lanes = SIMD16<Float>
            let width = Lanes.scalarCount
            let (a, b) = (Lanes(repeating: affine.a), Lanes(repeating: affine.b))
            let (center, factor) = (Lanes(repeating: m), Lanes(repeating: inv))
            var i = 0
            while i + width <= count {
                let h = (UnsafeRawPointer(x + i).loadUnaligned(as: Lanes.self) - center) * factor
                let gradient = UnsafeRawPointer(g + i).loadUnaligned(as: Lanes.self)
                    .replacing(with: 0, where: .!(h * a + b .> 0))
                let result = k * (total * gradient - s - h * p)
                UnsafeMutableRawPointer(dx + i).storeBytes(of: result, as: Lanes.self)
                i += width
            }
            while i < count {
                let h = (x[i] - m) * inv
                let gradient = h * affine.a + affine.b > 0 ? g[i] : 0
                dx[i] = k * (total * gradient - s - h * p)
                i += 1
            }
        } else {
            for i in 0..<count {
                let h = (x[i] - m) * inv
                dx[i] = k * (total * g[i] - s - h * p)
            }
        }
    }

    /// About four operations per scalar (subtract, scale, multiply, add).
    public func forwardFLOPs(inputShape: [Int], outputShape: [Int]) -> Int {
        4 * outputShape.reduce(1, *)
    }
}
