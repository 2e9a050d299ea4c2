import Datasets
import TensorMath

/// A seeded split of a data set into training and validation parts, the same for the same
/// seed, size and count on every machine (its own Fisher–Yates shuffle over `Xoshiro256`).
public struct ValidationSplit: Sendable {
    /// Indices of the training part, in ascending order.
    public let trainingIndices: [Int]
    /// Indices of the validation part, in ascending order.
    public let validationIndices: [Int]

    /// Splits `count` samples, holding out `validationCount` of them chosen at random.
    /// - Parameters:
    ///   - count: The number of samples.
    ///   - validationCount: Clamped to `0...count`.
    ///   - seed: The seed of the choice (stream 1 of `Xoshiro256(seed:)`).
    public init(count: Int, validationCount: Int, seed: UInt64) {
        var order = Array(0..<max(count, 0))
        var generator = Xoshiro256(seed: seed, stream: 1)
        if order.count > 1 {
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                let j = Int(generator.next(upperBound: UInt64(i + 1)))
                order.swapAt(i, j)
            }
        }
        let held = min(max(validationCount, 0), order.count)
        validationIndices = order.prefix(held).sorted()
        trainingIndices = order.dropFirst(held).sorted()
    }

    /// The number of validation samples a `--validation-split` value means: a fraction of
    /// `count` when below 1, else a number of samples; clamped to `0...count`.
    public static func validationCount(_ value: Double, of count: Int) -> Int {
        let wanted = value < 1 ? Int((value * Double(count)).rounded()) : Int(value)
        return min(max(wanted, 0), count)
    }
}
