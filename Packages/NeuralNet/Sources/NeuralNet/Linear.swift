import TensorMath

/// A fully connected layer: `y = x·Wᵀ + b`. PyTorch: `nn.Linear(inputSize, outputSize, bias)`.
///
/// - Input: `[N, inputSize]`, or more generally `[*, inputSize]` (leading axes are batch axes).
/// - Output: `[N, outputSize]` (`[*, outputSize]`).
/// - Parameters: `weight` `[outputSize, inputSize]` and, unless `bias` is false, `bias`
///   `[outputSize]`, initialized as PyTorch does: `U(-1/√inputSize, 1/√inputSize)` for both
///   (`kaiming_uniform_` with `a = √5`), weight drawn first.
public final class Linear: Layer {
    /// The weight, `[outputSize, inputSize]`.
    public let weight: Parameter
    /// The bias, `[outputSize]`, or `nil` for a layer without one.
    public let bias: Parameter?
    public var isTraining = true

    /// The input caching for backward (training mode only).
    private var cachedInput: Tensor?
    /// The weight packed for products, kept between inference passes (the packing is most of
    /// a one-row product's time): one more copy of the weight in memory while in inference
    /// mode; dropped in training mode, where the weight changes each step.
    private var packedWeight: BLAS.PackedOperand?

    /// The number of input features.
    public var inputSize: Int { weight.value.shape[1] }
    /// The number of output features.
    public var outputSize: Int { weight.value.shape[0] }

    /// Creates a layer with PyTorch's default initialization drawn from `generator`.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` unless both sizes are positive.
    public init<G: RandomNumberGenerator>(
        inputSize: Int, outputSize: Int, bias: Bool = true, generator: inout G
    ) throws {
        try LayerChecks.positive(inputSize, "inputSize", layer: "Linear")
        try LayerChecks.positive(outputSize, "outputSize", layer: "Linear")
        let bound = 1 / Float(inputSize).squareRoot()
        weight = Parameter(
            try Tensor.uniform(
                [outputSize, inputSize], low: -bound, high: bound, using: &generator))
        self.bias =
            bias
            ? Parameter(
                try Tensor.uniform([outputSize], low: -bound, high: bound, using: &generator))
            : nil
    }

    /// Creates a layer with the given weight `[outputSize, inputSize]` and optional bias
    /// `[outputSize]`.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` on other shapes.
    public init(weight: Tensor, bias: Tensor?) throws {
        guard weight.rank == 2, weight.shape.allSatisfy({ $0 > 0 }) else {
            throw NeuralNetError.invalidConfiguration(
                "Linear: weight must be [outputSize, inputSize], got \(weight.shape)")
        }
        if let bias, bias.shape != [weight.shape[0]] {
            throw NeuralNetError.invalidConfiguration(
                "Linear: bias must be [\(weight.shape[0])] for weight \(weight.shape), "
                    + "got \(bias.shape)")
        }
        self.weight = Parameter(weight)
        self.bias = bias.map(Parameter.init)
    }

    public var ownParameters: [(name: String, parameter: Parameter)] {
        var result = [(name: "weight", parameter: weight)]
        if let bias { result.append((name: "bias", parameter: bias)) }
        return result
    }

    /// `[*, inputSize]` → `[*, outputSize]`.
    /// - Throws: ``NeuralNetError/invalidInput(layer:reason:)`` for a rank-0 input or a last
    ///   axis other than `inputSize`.
    public func forward(_ input: Tensor) throws -> Tensor {
        guard input.rank >= 1, input.shape[input.rank - 1] == inputSize else {
            throw NeuralNetError.invalidInput(
                layer: "Linear",
                reason: "input has \(input.shape.last.map(String.init) ?? "no") features, "
                    + "weight expects \(inputSize) (input \(input.shape), "
                    + "weight \(weight.value.shape))")
        }
        let rows = input.count / inputSize
        let (inSize, outSize) = (inputSize, outputSize)
        var outputShape = input.shape
        outputShape[outputShape.count - 1] = outSize
        var output = try Tensor.filled(outputShape) { out in
            if let bias = self.bias {
                bias.value.withUnsafeBufferPointer { b in
                    for row in 0..<rows {
                        for j in 0..<outSize { out[row * outSize + j] = b[j] }
                    }
                }
            } else if out.count > 0 {
                out.update(repeating: 0)
            }
        }
        if rows > 0, !isTraining {
            let packed = try inferenceWeight()
            input.withUnsafeBufferPointer { x in
                output.withUnsafeMutableBufferPointer { y in
                    packed.product(
                        transposeA: false, m: rows, alpha: 1, a: x.baseAddress!, lda: inSize,
                        beta: 1, c: y.baseAddress!, ldc: outSize)
                }
            }
        } else if rows > 0 {
            packedWeight = nil
            input.withUnsafeBufferPointer { x in
                weight.value.withUnsafeBufferPointer { w in
                    output.withUnsafeMutableBufferPointer { y in
                        BLAS.sgemm(
                            transposeA: false, transposeB: true, m: rows, n: outSize, k: inSize,
                            alpha: 1, a: x.baseAddress!, lda: inSize, b: w.baseAddress!,
                            ldb: inSize, beta: 1, c: y.baseAddress!, ldc: outSize)
                    }
                }
            }
        }
        cachedInput = isTraining ? input : nil
        return output
    }

    /// The weight packed as the right operand `Wᵀ` of `x·Wᵀ`, from the cache while the
    /// weight is unchanged (compared by storage first, so an unchanged weight costs nothing;
    /// an `assign` or update refreshes it). Results are bit-identical to the unpacked product.
    private func inferenceWeight() throws -> BLAS.PackedOperand {
        let weight = self.weight.value
        if let packedWeight, packedWeight.source == weight { return packedWeight }
        let packed = try BLAS.PackedOperand(weight, transposed: true)
        packedWeight = packed
        return packed
    }

    /// Accumulates `weight.gradient += gᵀ·x` and `bias.gradient += Σ g`; returns `g·W`.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        let (input, rows) = try accumulateParameterGradients(outputGradient)
        let (inSize, outSize) = (inputSize, outputSize)
        guard rows > 0 else { return Tensor.zeros(like: input) }
        return try Tensor.filled(input.shape) { dx in
            outputGradient.withUnsafeBufferPointer { g in
                weight.value.withUnsafeBufferPointer { w in
                    BLAS.sgemm(
                        transposeA: false, transposeB: false, m: rows, n: inSize, k: outSize,
                        alpha: 1, a: g.baseAddress!, lda: outSize, b: w.baseAddress!,
                        ldb: inSize, beta: 0, c: dx.baseAddress!, ldc: inSize)
                }
            }
        }
    }

    /// Accumulates the weight and bias gradients without computing the input gradient (a
    /// network's first layer: its input is the data).
    public func backwardParameters(_ outputGradient: Tensor) throws {
        _ = try accumulateParameterGradients(outputGradient)
    }

    /// Checks `outputGradient` against the last forward pass, accumulates the weight and bias
    /// gradients and returns that pass's input and its number of rows (vectors of
    /// `inputSize`).
    private func accumulateParameterGradients(_ outputGradient: Tensor) throws -> (
        input: Tensor, rows: Int
    ) {
        guard let input = cachedInput else {
            throw NeuralNetError.backwardWithoutForward(layer: "Linear")
        }
        var outputShape = input.shape
        outputShape[outputShape.count - 1] = outputSize
        try LayerChecks.gradient(outputGradient, matches: outputShape, layer: "Linear")
        let rows = input.count / inputSize
        let (inSize, outSize) = (inputSize, outputSize)
        guard rows > 0 else { return (input, 0) }
        outputGradient.withUnsafeBufferPointer { g in
            input.withUnsafeBufferPointer { x in
                weight.gradient.withUnsafeMutableBufferPointer { dw in
                    BLAS.sgemm(
                        transposeA: true, transposeB: false, m: outSize, n: inSize, k: rows,
                        alpha: 1, a: g.baseAddress!, lda: outSize, b: x.baseAddress!,
                        ldb: inSize, beta: 1, c: dw.baseAddress!, ldc: inSize)
                }
            }
        }
        if let bias {
            try bias.accumulateGradient(
                try outputGradient.reshaped(to: [rows, outSize]).sum(alongAxes: [0]))
        }
        return (input, rows)
    }

    /// `2·inputSize·outputSize` per row (plus `outputSize` for the bias).
    public func forwardFLOPs(inputShape: [Int], outputShape: [Int]) -> Int {
        let rows = inputShape.isEmpty ? 0 : inputShape.dropLast().reduce(1, *)
        return rows * outputSize * (2 * inputSize + (bias == nil ? 0 : 1))
    }
}
