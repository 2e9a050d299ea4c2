import TensorMath

/// The saved state of a random number generator, so that a resumed run draws exactly the
/// numbers the uninterrupted run would have drawn.
///
/// JSON: `{"algorithm":"xoshiro256**","words":["1234…","…","…","…"]}`; the 64-bit words are
/// decimal strings, since JSON numbers are doubles and would round them.
public struct GeneratorState: Codable, Equatable, Sendable {
    /// The name of the xoshiro256** algorithm of ``Xoshiro256``.
    public static let xoshiro256 = "xoshiro256**"

    /// The generator's algorithm (``xoshiro256``).
    public var algorithm: String
    /// The state words.
    public var words: [UInt64]

    /// Creates a state from an algorithm name and its words.
    public init(algorithm: String, words: [UInt64]) {
        self.algorithm = algorithm
        self.words = words
    }

    /// Captures the state of `generator`.
    public init(_ generator: Xoshiro256) {
        self.init(algorithm: Self.xoshiro256, words: generator.state)
    }

    /// A generator in exactly the saved state.
    /// - Throws: ``CheckpointError/invalidArgument(operation:reason:)`` unless the state is
    ///   xoshiro256** with four words, not all zero.
    public func makeXoshiro256() throws -> Xoshiro256 {
        guard algorithm == Self.xoshiro256, let generator = Xoshiro256(state: words) else {
            throw CheckpointError.invalidArgument(
                operation: "GeneratorState.makeXoshiro256",
                reason: "\(algorithm) state of \(words.count) words is not a valid "
                    + "\(Self.xoshiro256) state (4 words, not all zero)")
        }
        return generator
    }

    private enum CodingKeys: String, CodingKey {
        case algorithm, words
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        algorithm = try container.decode(String.self, forKey: .algorithm)
        words = try container.decode([String].self, forKey: .words).map { text in
            guard let word = UInt64(text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .words, in: container,
                    debugDescription: "\"\(text)\" is not a 64-bit unsigned integer")
            }
            return word
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(algorithm, forKey: .algorithm)
        try container.encode(words.map(String.init), forKey: .words)
    }
}
