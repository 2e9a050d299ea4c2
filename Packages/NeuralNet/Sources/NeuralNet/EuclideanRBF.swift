import TensorMath

/// Euclidean radial basis function units, LeNet-5's output layer (LeCun et al., 1998,
/// Sec. II-B): output `i` is the squared distance between the input and the fixed prototype
/// `i`, `y_i = Σ_j (x_j − w_ij)²`. The prototypes are not trained: they are a saved
/// ``Buffer`` (`prototypes`), so a model file carries them, but no optimizer changes them.
///
/// With `negated`, the layer outputs `−y_i`: the closest prototype has the largest output,
/// so the values serve as logits for the softmax cross-entropy the apps train with (the
/// paper trains the penalties `y_i` with its own MAP criterion instead:
/// `E = y_correct + log(e^{−j} + Σ_i e^{−y_i})`, which for `j → ∞` is exactly the softmax
/// cross-entropy of `−y`). PyTorch: `((x[:, None, :] - w[None]) ** 2).sum(-1)` (negated).
///
/// - Input: `[N, D]`; output `[N, K]` for prototypes `[K, D]` (for LeNet-5, `D = 84` pixels
///   of a 7x12 bitmap and `K = 10` digits, ``digitPrototypes``).
/// - No trainable parameters; one buffer, `prototypes` `[K, D]`.
public final class EuclideanRBF: Layer {
    /// The prototypes, `[K, D]`, one per output unit.
    public let prototypes: Buffer
    /// Whether the outputs are the negated distances (logits) rather than the distances.
    public let negated: Bool
    public var isTraining = true
    private var cachedInput: Tensor?

    /// The number of output units `K`.
    public var outputSize: Int { prototypes.value.shape[0] }
    /// The length `D` of an input vector.
    public var inputSize: Int { prototypes.value.shape[1] }

    /// Creates RBF units around the rows of `prototypes` `[K, D]`.
    /// - Parameters:
    ///   - prototypes: The fixed centres `[K, D]`, one row per output unit.
    ///   - negated: Output `−y_i` (logits) instead of `y_i`; default `false`.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` unless `prototypes` is a
    ///   non-empty rank-2 tensor of finite values.
    public init(prototypes: Tensor, negated: Bool = false) throws {
        guard prototypes.rank == 2, prototypes.count > 0, prototypes.isFinite() else {
            throw NeuralNetError.invalidConfiguration(
                "EuclideanRBF: prototypes must be a non-empty [K, D] tensor of finite values, "
                    + "got shape \(prototypes.shape)")
        }
        self.prototypes = Buffer(prototypes)
        self.negated = negated
    }

    public var ownBuffers: [(name: String, buffer: Buffer)] {
        [(name: "prototypes", buffer: prototypes)]
    }

    /// `[N, D]` → `[N, K]`.
    /// - Throws: ``NeuralNetError/invalidInput(layer:reason:)`` for a rank other than 2 or a
    ///   length other than `D`.
    public func forward(_ input: Tensor) throws -> Tensor {
        guard input.rank == 2, input.shape[1] == inputSize else {
            throw NeuralNetError.invalidInput(
                layer: "EuclideanRBF",
                reason: "expects an input [N, \(inputSize)] (prototypes "
                    + "\(prototypes.value.shape)), got shape \(input.shape)")
        }
        let (rows, units, length) = (input.shape[0], outputSize, inputSize)
        let sign: Float = negated ? -1 : 1
        let output = try Tensor(
            shape: [rows, units],
            unsafeUninitializedScalars: { y in
                input.withUnsafeBufferPointer { x in
                    prototypes.value.withUnsafeBufferPointer { w in
                        for n in 0..<rows {
                            for i in 0..<units {
                                var total: Float = 0
                                for j in 0..<length {
                                    let d = x[n * length + j] - w[i * length + j]
                                    total += d * d
                                }
                                y[n * units + i] = sign * total
                            }
                        }
                    }
                }
            })
        cachedInput = isTraining ? input : nil
        return output
    }

    /// `∂/∂x_j = ±2·Σ_i g_i·(x_j − w_ij)`.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let input = cachedInput else {
            throw NeuralNetError.backwardWithoutForward(layer: "EuclideanRBF")
        }
        let (rows, units, length) = (input.shape[0], outputSize, inputSize)
        try LayerChecks.gradient(outputGradient, matches: [rows, units], layer: "EuclideanRBF")
        let scale: Float = negated ? -2 : 2
        return try Tensor(
            shape: input.shape,
            unsafeUninitializedScalars: { dx in
                input.withUnsafeBufferPointer { x in
                    prototypes.value.withUnsafeBufferPointer { w in
                        outputGradient.withUnsafeBufferPointer { g in
                            for n in 0..<rows {
                                for j in 0..<length {
                                    var total: Float = 0
                                    let xj = x[n * length + j]
                                    for i in 0..<units {
                                        total += g[n * units + i] * (xj - w[i * length + j])
                                    }
                                    dx[n * length + j] = scale * total
                                }
                            }
                        }
                    }
                }
            })
    }

    /// Three operations (subtract, multiply, add) per prototype scalar per row.
    public func forwardFLOPs(inputShape: [Int], outputShape: [Int]) -> Int {
        (inputShape.first ?? 0) * 3 * prototypes.value.count
    }
}
