import Foundation
import TensorMath
import Testing

/// A saved ``Xoshiro256`` continues exactly the same sequence, and bad states are refused.
@Suite struct GeneratorCodingTests {
    @Test func aRestoredGeneratorContinuesTheSameSequence() throws {
        var generator = Xoshiro256(seed: 2025)
        for _ in 0..<1000 { _ = generator.next() }
        let data = try JSONEncoder().encode(generator)
        var restored = try JSONDecoder().decode(Xoshiro256.self, from: data)
        #expect((0..<100).map { _ in restored.next() } == (0..<100).map { _ in generator.next() })
    }

    @Test func stateWordsAreStoredAsDecimalStrings() throws {
        let generator = try #require(Xoshiro256(state: [.max, 7, 0, 1]))
        let json = String(decoding: try JSONEncoder().encode(generator), as: UTF8.self)
        #expect(json.contains(#""words":["18446744073709551615","7","0","1"]"#))
        #expect(json.contains(#""algorithm":"xoshiro256**""#))
    }

    @Test func invalidStatesAreDecodingErrors() {
        for text in [
            #"{"algorithm":"xoshiro256**","words":["0","0","0","0"]}"#,
            #"{"algorithm":"xoshiro256**","words":["1","2","3"]}"#,
            #"{"algorithm":"pcg","words":["1","2","3","4"]}"#,
            #"{"algorithm":"xoshiro256**","words":["1","2","3","-4"]}"#,
        ] {
            #expect(throws: DecodingError.self, "\(text)") {
                try JSONDecoder().decode(Xoshiro256.self, from: Data(text.utf8))
            }
        }
    }
}
