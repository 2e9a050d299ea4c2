/// A generator saves as `{"algorithm":"xoshiro256**","words":["1234…","…","…","…"]}`, so a
/// resumed run draws exactly the numbers the uninterrupted run would have drawn. The 64-bit
/// words are decimal strings, since JSON numbers are doubles and would round them.
extension Xoshiro256: Codable {
    /// The algorithm name stored beside the state words.
    public static let algorithmName = "xoshiro256**"

    private enum CodingKeys: String, CodingKey {
        case algorithm, words
    }

    /// Decodes a saved generator.
    /// - Throws: `DecodingError.dataCorrupted` for another algorithm, a word that is not a
    ///   64-bit unsigned integer, or a state that is not four words, not all zero.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let algorithm = try container.decode(String.self, forKey: .algorithm)
        guard algorithm == Self.algorithmName else {
            throw DecodingError.dataCorruptedError(
                forKey: .algorithm, in: container,
                debugDescription: "generator \"\(algorithm)\" is not \(Self.algorithmName)")
        }
        let words = try container.decode([String].self, forKey: .words).map { text in
            guard let word = UInt64(text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .words, in: container,
                    debugDescription: "\"\(text)\" is not a 64-bit unsigned integer")
            }
            return word
        }
        guard let generator = Xoshiro256(state: words) else {
            throw DecodingError.dataCorruptedError(
                forKey: .words, in: container,
                debugDescription: "\(words.count) words are not a valid \(Self.algorithmName) "
                    + "state (4 words, not all zero)")
        }
        self = generator
    }

    /// Encodes the algorithm name and the four state words as decimal strings.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.algorithmName, forKey: .algorithm)
        try container.encode(state.map(String.init), forKey: .words)
    }
}
