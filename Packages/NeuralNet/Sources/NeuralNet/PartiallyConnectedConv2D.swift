import TensorMath

/// A convolution in which each output map sees only some of the input maps, as LeNet-5's C3
/// layer (LeCun et al., 1998, Table I): only the connected `KH×KW` kernels are stored, so the
/// parameter count is `Σ_o (|inputs(o)|·KH·KW + 1)`: 1,516 for C3 with
/// ``lenet5TableI``. Stride 1, no padding.
///
/// - Input: `[N, inputChannels, H, W]`; output `[N, O, H − KH + 1, W − KW + 1]` with
///   `O = connections.count`.
/// - Parameters: `weight` `[connectionCount, KH, KW]`, the kernels in table order (output map
///   0's inputs in ascending order, then output map 1's, …), and `bias` `[O]`. Initialized as a
///   PyTorch convolution of each output map's own fan-in `|inputs(o)|·KH·KW`:
///   `U(-1/√fanIn, 1/√fanIn)`, weight drawn first.
/// - PyTorch equivalent: `nn.Conv2d(C, O, K)` whose unconnected kernels are zero (a mask on
///   the weight); `Tools/reference/lenet1998_golden.py` checks this layer against it.
///
/// The forward and backward passes scatter the stored kernels into a dense
/// `[O, C, KH, KW]` weight (zeros where unconnected) and run TensorMath's `Convolution2D` on it.
public final class PartiallyConnectedConv2D: Layer {
    /// LeNet-5's Table I: for each of C3's 16 output maps, the S2 maps (0–5) it takes. Maps 0–5
    /// take 3 contiguous maps, 6–11 take 4 contiguous maps, 12–14 take 4 discontinuous maps,
    /// and 15 takes all 6 (60 connections).
    public static let lenet5TableI: [[Int]] = [
        [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [0, 4, 5], [0, 1, 5],
        [0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5], [0, 3, 4, 5], [0, 1, 4, 5], [0, 1, 2, 5],
        [0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5],
        [0, 1, 2, 3, 4, 5],
    ]

    /// The stored kernels, `[connectionCount, KH, KW]`.
    public let weight: Parameter
    /// The bias, `[O]`.
    public let bias: Parameter
    /// For each output map, the input maps it takes, ascending.
    public let connections: [[Int]]
    /// The number of input maps.
    public let inputChannels: Int
    public var isTraining = true

    private var cachedInput: Tensor?
    private var cachedDenseWeight: Tensor?

    /// The number of output maps.
    public var outputChannels: Int { connections.count }
    /// The number of connected (input, output) pairs, each one stored kernel.
    public var connectionCount: Int { weight.value.shape[0] }
    /// The kernel's height and width.
    public var kernelSize: Size2D { Size2D(weight.value.shape[1], weight.value.shape[2]) }

    /// The connection table as a matrix: `table[input][output]` is true where output map
    /// `output` takes input map `input` (Table I's layout: 6 rows, 16 columns for C3).
    public var connectionTable: [[Bool]] {
        (0..<inputChannels).map { input in connections.map { $0.contains(input) } }
    }

    /// Creates the layer with its parameters drawn from `generator`.
    /// - Parameters:
    ///   - inputChannels: The number of input maps `C`.
    ///   - connections: For each output map, the input maps it takes (each in `0..<C`, at
    ///     least one, no repeats; stored sorted).
    ///   - kernelSize: The kernel's height and width (`5` for 5x5).
    ///   - generator: The source of the initial weights.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` for an empty table, an output map
    ///   without inputs, an input out of range or repeated, or a non-positive size.
    public init<G: RandomNumberGenerator>(
        inputChannels: Int, connections: [[Int]], kernelSize: Size2D, generator: inout G
    ) throws {
        let table = try Self.validate(inputChannels: inputChannels, connections: connections)
        try LayerChecks.positive(kernelSize, "kernelSize", layer: "PartiallyConnectedConv2D")
        let area = kernelSize.height * kernelSize.width
        var kernels: [Float] = []
        var biases: [Float] = []
        for inputs in table {
            let bound = 1 / Float(inputs.count * area).squareRoot()
            let values = try Tensor.uniform(
                [inputs.count * area], low: -bound, high: bound, using: &generator)
            kernels += values.scalars
        }
        for inputs in table {
            let bound = 1 / Float(inputs.count * area).squareRoot()
            biases.append(
                try Tensor.uniform([1], low: -bound, high: bound, using: &generator).scalars[0])
        }
        self.inputChannels = inputChannels
        self.connections = table
        weight = Parameter(
            try Tensor(
                shape: [table.joined().count, kernelSize.height, kernelSize.width],
                scalars: kernels))
        bias = Parameter(Tensor(biases))
    }

    /// Creates the layer with the given stored kernels `[connectionCount, KH, KW]` (in table
    /// order) and bias `[O]`.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` for an invalid table or shapes
    ///   that do not match it.
    public init(inputChannels: Int, connections: [[Int]], weight: Tensor, bias: Tensor) throws {
        let table = try Self.validate(inputChannels: inputChannels, connections: connections)
        let count = table.joined().count
        guard weight.rank == 3, weight.shape[0] == count, weight.shape[1] > 0,
            weight.shape[2] > 0, bias.shape == [table.count]
        else {
            throw NeuralNetError.invalidConfiguration(
                "PartiallyConnectedConv2D: a table of \(count) connections and \(table.count) "
                    + "output maps needs weight [\(count), KH, KW] and bias [\(table.count)], "
                    + "got \(weight.shape) and \(bias.shape)")
        }
        self.inputChannels = inputChannels
        self.connections = table
        self.weight = Parameter(weight)
        self.bias = Parameter(bias)
    }

    private static func validate(inputChannels: Int, connections: [[Int]]) throws -> [[Int]] {
        try LayerChecks.positive(inputChannels, "inputChannels", layer: "PartiallyConnectedConv2D")
        guard !connections.isEmpty else {
            throw NeuralNetError.invalidConfiguration(
                "PartiallyConnectedConv2D: the connection table has no output maps")
        }
        for (output, inputs) in connections.enumerated() {
            guard !inputs.isEmpty, inputs.allSatisfy({ (0..<inputChannels).contains($0) }),
                Set(inputs).count == inputs.count
            else {
                throw NeuralNetError.invalidConfiguration(
                    "PartiallyConnectedConv2D: output map \(output) takes \(inputs); each output "
                        + "map needs distinct input maps in 0..<\(inputChannels), at least one")
            }
        }
        return connections.map { $0.sorted() }
    }

    public var ownParameters: [(name: String, parameter: Parameter)] {
        [(name: "weight", parameter: weight), (name: "bias", parameter: bias)]
    }

    /// The stored kernels scattered into a dense `[O, C, KH, KW]` weight, zero where
    /// unconnected.
    public func denseWeight() throws -> Tensor {
        let (channels, area) = (inputChannels, kernelSize.height * kernelSize.width)
        var dense = try Tensor.zeros(
            [outputChannels, channels, kernelSize.height, kernelSize.width])
        dense.withUnsafeMutableBufferPointer { target in
            weight.value.withUnsafeBufferPointer { source in
                var kernel = 0
                for (output, inputs) in connections.enumerated() {
                    for input in inputs {
                        let start = (output * channels + input) * area
                        for i in 0..<area { target[start + i] = source[kernel * area + i] }
                        kernel += 1
                    }
                }
            }
        }
        return dense
    }

    private func checkInput(_ input: Tensor) throws {
        let layer = "PartiallyConnectedConv2D"
        try LayerChecks.rank(of: input, in: 4...4, layer: layer, layout: "[N, C, H, W]")
        guard input.shape[1] == inputChannels else {
            throw NeuralNetError.invalidInput(
                layer: layer,
                reason: "input has \(input.shape[1]) channels, the connection table expects "
                    + "\(inputChannels) (input \(input.shape))")
        }
        _ = try LayerChecks.windowOutputSize(
            input: input, kernel: kernelSize, stride: 1, padding: 0, layer: layer)
    }

    /// `[N, C, H, W]` → `[N, O, H − KH + 1, W − KW + 1]`.
    /// - Throws: ``NeuralNetError/invalidInput(layer:reason:)`` for a rank other than 4, a
    ///   wrong channel count or an input smaller than the kernel.
    public func forward(_ input: Tensor) throws -> Tensor {
        try checkInput(input)
        let dense = try denseWeight()
        let output = try Convolution2D().forward(input: input, weight: dense, bias: bias.value)
        cachedInput = isTraining ? input : nil
        cachedDenseWeight = isTraining ? dense : nil
        return output
    }

    /// Accumulates the gradients of the stored kernels (the dense weight gradient at the
    /// connected positions) and of the bias; returns the input gradient.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let input = cachedInput, let dense = cachedDenseWeight else {
            throw NeuralNetError.backwardWithoutForward(layer: "PartiallyConnectedConv2D")
        }
        let expected = [
            input.shape[0], outputChannels, input.shape[2] - kernelSize.height + 1,
            input.shape[3] - kernelSize.width + 1,
        ]
        try LayerChecks.gradient(
            outputGradient, matches: expected, layer: "PartiallyConnectedConv2D")
        let gradients = try Convolution2D().backward(
            input: input, weight: dense, outputGradient: outputGradient)
        let (channels, area) = (inputChannels, kernelSize.height * kernelSize.width)
        let kernels = try Tensor(
            shape: weight.value.shape,
            unsafeUninitializedScalars: { target in
                gradients.weight.withUnsafeBufferPointer { source in
                    var kernel = 0
                    for (output, inputs) in connections.enumerated() {
                        for input in inputs {
                            let start = (output * channels + input) * area
                            for i in 0..<area { target[kernel * area + i] = source[start + i] }
                            kernel += 1
                        }
                    }
                }
            })
        try weight.accumulateGradient(kernels)
        try bias.accumulateGradient(gradients.bias)
        return gradients.input ?? Tensor.zeros(like: input)
    }

    /// `2·|inputs(o)|·KH·KW + 1` per output scalar of map `o` (only connected kernels count).
    public func forwardFLOPs(inputShape: [Int], outputShape: [Int]) -> Int {
        guard outputShape.count == 4 else { return 0 }
        let perMap = outputShape[0] * outputShape[2] * outputShape[3]
        let area = kernelSize.height * kernelSize.width
        return connections.reduce(0) { $0 + perMap * (2 * $1.count * area + 1) }
    }
}
