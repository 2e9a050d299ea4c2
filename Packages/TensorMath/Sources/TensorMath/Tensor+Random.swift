import Foundation

/// Seeded random tensors and the weight initializers layers use.
///
/// The fan conventions follow PyTorch's `torch.nn.init`: for a weight of shape
/// `[out, in, kh, kw]` (or `[out, in]`), `fanIn = in·kh·kw` and `fanOut = out·kh·kw`.
extension Tensor {
    /// Scalars drawn uniformly from `[low, high)`.
    /// - Throws: ``TensorError/invalidShape(operation:shape:reason:)`` for a negative dimension.
    public static func uniform<G: RandomNumberGenerator>(
        _ shape: [Int], low: Float = 0, high: Float = 1, using generator: inout G
    ) throws -> Tensor {
        let count = try elementCount(of: shape, operation: "Tensor.uniform")
        let width = high - low
        return Tensor(uncheckedShape: shape, count: count) { buffer in
            for i in 0..<count { buffer[i] = low + width * generator.nextUnitFloat() }
        }
    }

    /// Scalars drawn from a normal distribution with the given mean and standard deviation.
    /// - Throws: ``TensorError/invalidShape(operation:shape:reason:)`` for a negative dimension.
    public static func normal<G: RandomNumberGenerator>(
        _ shape: [Int], mean: Float = 0, standardDeviation: Float = 1, using generator: inout G
    ) throws -> Tensor {
        let count = try elementCount(of: shape, operation: "Tensor.normal")
        return Tensor(uncheckedShape: shape, count: count) { buffer in
            for i in 0..<count {
                buffer[i] = mean + standardDeviation * generator.nextNormalFloat()
            }
        }
    }

    /// The fan-in and fan-out of a weight shape (`[out, in, …]`), as PyTorch computes them.
    /// - Throws: ``TensorError/invalidShape(operation:shape:reason:)`` for rank below 2.
    public static func fans(of shape: [Int]) throws -> (fanIn: Int, fanOut: Int) {
        guard shape.count >= 2 else {
            throw TensorError.invalidShape(
                operation: "Tensor.fans", shape: shape, reason: "weights need rank 2 or more")
        }
        let receptive = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptive, shape[0] * receptive)
    }

    /// Kaiming/He uniform initialization (He et al., 2015): `U(-b, b)` with
    /// `b = gain·√(3 / fanIn)`. The default gain `√2` suits ReLU networks.
    public static func kaimingUniform<G: RandomNumberGenerator>(
        _ shape: [Int], gain: Float = Float(2).squareRoot(), using generator: inout G
    ) throws -> Tensor {
        let fanIn = try fans(of: shape).fanIn
        let bound = gain * (3 / Float(Swift.max(fanIn, 1))).squareRoot()
        return try uniform(shape, low: -bound, high: bound, using: &generator)
    }

    /// Kaiming/He normal initialization: `N(0, gain² / fanIn)`.
    public static func kaimingNormal<G: RandomNumberGenerator>(
        _ shape: [Int], gain: Float = Float(2).squareRoot(), using generator: inout G
    ) throws -> Tensor {
        let fanIn = try fans(of: shape).fanIn
        let std = gain / Float(Swift.max(fanIn, 1)).squareRoot()
        return try normal(shape, standardDeviation: std, using: &generator)
    }

    /// Xavier/Glorot uniform initialization (Glorot & Bengio, 2010):
    /// `U(-b, b)` with `b = gain·√(6 / (fanIn + fanOut))`.
    public static func xavierUniform<G: RandomNumberGenerator>(
        _ shape: [Int], gain: Float = 1, using generator: inout G
    ) throws -> Tensor {
        let (fanIn, fanOut) = try fans(of: shape)
        let bound = gain * (6 / Float(Swift.max(fanIn + fanOut, 1))).squareRoot()
        return try uniform(shape, low: -bound, high: bound, using: &generator)
    }

    /// Xavier/Glorot normal initialization: `N(0, gain²·2 / (fanIn + fanOut))`.
    public static func xavierNormal<G: RandomNumberGenerator>(
        _ shape: [Int], gain: Float = 1, using generator: inout G
    ) throws -> Tensor {
        let (fanIn, fanOut) = try fans(of: shape)
        let std = gain * (2 / Float(Swift.max(fanIn + fanOut, 1))).squareRoot()
        return try normal(shape, standardDeviation: std, using: &generator)
    }
}
