import Foundation

/// A seeded, fast, statistically strong random number generator: xoshiro256** (Blackman &
/// Vigna, 2018), seeded through SplitMix64 as its authors recommend.
///
/// Randomness in SwiftCNN is explicit: every initializer, shuffle, augmentation and dropout
/// mask takes a generator, so the same seed gives the same model. The full ``state`` can be
/// read and restored, which training checkpoints use for bit-identical resumes.
public struct Xoshiro256: RandomNumberGenerator, Equatable, Sendable {
    @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// The four 64-bit words of the generator's state.
    public var state: [UInt64] { [s0, s1, s2, s3] }

    /// Creates a generator from a seed; equal seeds give equal sequences.
    /// - Parameters:
    ///   - seed: Any 64-bit value.
    ///   - stream: Selects an independent sequence for the same seed (for example one per
    ///     worker or per sample), so parallel work stays deterministic.
    public init(seed: UInt64, stream: UInt64 = 0) {
        var mixer = SplitMix64(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        (s0, s1, s2, s3) = (mixer.next(), mixer.next(), mixer.next(), mixer.next())
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    /// Restores a generator from a saved ``state``; returns `nil` unless it has four words,
    /// not all zero.
    public init?(state: [UInt64]) {
        guard state.count == 4, state.contains(where: { $0 != 0 }) else { return nil }
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
    }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }

    @inlinable
    func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

/// SplitMix64 (Steele, Lea & Flood, 2014): a tiny generator used to expand one seed into
/// well-mixed state words.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The generator's 64-bit state.
    public private(set) var state: UInt64

    /// Creates a generator whose first output depends on every bit of `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension RandomNumberGenerator {
    /// A uniformly distributed `Float` in `[0, 1)` with 24 random bits.
    @inlinable
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * (1.0 / Float(1 << 24))
    }

    /// A standard normal `Float` (Box–Muller transform, computed in `Double`).
    @inlinable
    public mutating func nextNormalFloat() -> Float {
        // u1 in (0, 1] so that log(u1) is finite.
        let u1 = Double((next() >> 11) + 1) * (1.0 / 9_007_199_254_740_992.0)
        let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }
}
