import NeuralNet
import TensorMath
import TensorMathTesting
import Testing

/// `Sequential` in inference mode folds a `BatchNorm2D` into the `Conv2D` before it: the same
/// outputs as the layers one by one (up to rounding), refolded whenever the weights or the
/// statistics change, and untouched in training mode.
@Suite struct BatchNormFoldingTests {
    /// A normalization with statistics and affine parameters far from the defaults.
    static func normalization(_ features: Int, seed: UInt64) throws -> BatchNorm2D {
        var generator = Xoshiro256(seed: seed)
        let norm = try BatchNorm2D(features: features)
        try norm.runningMean.assign(try Tensor.normal([features], using: &generator))
        try norm.runningVariance.assign(
            try Tensor.uniform([features], low: 0.2, high: 3, using: &generator))
        try norm.weight?.assign(try Tensor.normal([features], using: &generator))
        try norm.bias?.assign(try Tensor.normal([features], using: &generator))
        return norm
    }

    /// The layers' output one at a time (no fusion of any kind).
    static func separately(_ layers: [Layer], _ input: Tensor) throws -> Tensor {
        try layers.reduce(input) { x, layer in try layer.forward(x) }
    }

    @Test(arguments: [(false, true, 1), (true, false, 2), (true, true, 1)])
    func matchesTheLayersOneByOne(bias: Bool, relu: Bool, stride: Int) throws {
        var generator = Xoshiro256(seed: 21)
        let conv = try Conv2D(
            inputChannels: 4, outputChannels: 6, kernelSize: 3, stride: Size2D(stride),
            padding: .explicit(1), bias: bias, generator: &generator)
        let norm = try Self.normalization(6, seed: 22)
        let layers: [Layer] = relu ? [conv, norm, ReLU()] : [conv, norm]
        let network = Sequential(layers)
        network.setTraining(false)
        let input = try Tensor.normal([3, 4, 9, 10], using: &generator)
        let output = try network.forward(input)
        expectClose(output, try Self.separately(layers, input), tolerance: 1e-5, "folded")
        if relu { #expect(output.scalars.contains(0) && output.scalars.contains { $0 > 0 }) }
    }

    @Test func refoldsWhenTheWeightsOrStatisticsChange() throws {
        var generator = Xoshiro256(seed: 23)
        let conv = try Conv2D(
            inputChannels: 3, outputChannels: 5, kernelSize: 3, generator: &generator)
        let norm = try Self.normalization(5, seed: 24)
        let layers: [Layer] = [conv, norm, ReLU()]
        let network = Sequential(layers)
        network.setTraining(false)
        let input = try Tensor.normal([2, 3, 7, 7], using: &generator)
        let first = try network.forward(input)
        #expect(try network.forward(input) == first)
        // An optimizer-style update in place, an assignment, new statistics.
        let changes: [() throws -> Void] = [
            { conv.weight.value.withUnsafeMutableBufferPointer { $0[7] += 0.5 } },
            {
                conv.bias?.value.withUnsafeMutableBufferPointer { b in
                    for i in b.indices { b[i] -= 0.25 }
                }
            },
            { try conv.weight.assign(try Tensor.normal([5, 3, 3, 3], using: &generator)) },
            { norm.runningMean.value.withUnsafeMutableBufferPointer { $0[2] += 1 } },
            { norm.runningVariance.value.withUnsafeMutableBufferPointer { $0[4] *= 4 } },
            { norm.weight?.value.withUnsafeMutableBufferPointer { $0[0] = -$0[0] } },
        ]
        var previous = first
        for (number, change) in changes.enumerated() {
            try change()
            let output = try network.forward(input)
            expectClose(
                output, try Self.separately(layers, input), tolerance: 1e-5, "change \(number)")
            #expect(output != previous, "change \(number) shows")
            previous = output
        }
    }

    @Test func trainingModeIsNotFolded() throws {
        var generator = Xoshiro256(seed: 25)
        let conv = try Conv2D(
            inputChannels: 2, outputChannels: 3, kernelSize: 3, generator: &generator)
        let norm = try Self.normalization(3, seed: 26)
        let twin = try Conv2D(weight: conv.weight.value, bias: conv.bias?.value)
        let twinNorm = try Self.normalization(3, seed: 26)
        let input = try Tensor.normal([4, 2, 6, 6], using: &generator)
        let output = try Sequential(conv, norm).forward(input)
        #expect(output == (try twinNorm.forward(try twin.forward(input))))
        #expect(norm.runningMean.value == twinNorm.runningMean.value)
    }

    @Test func aChannelMismatchIsTheNormalizationsError() throws {
        var generator = Xoshiro256(seed: 27)
        let network = Sequential(
            try Conv2D(inputChannels: 1, outputChannels: 4, kernelSize: 3, generator: &generator),
            try BatchNorm2D(features: 3))
        network.setTraining(false)
        #expect {
            try network.forward(try Tensor.zeros([1, 1, 5, 5]))
        } throws: { error in
            "\(error)".contains("BatchNorm2D") && "\(error)".contains("4 channels")
        }
    }
}
