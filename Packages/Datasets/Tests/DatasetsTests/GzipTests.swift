import Datasets
import Foundation
import Testing

@Suite struct GzipTests {
    @Test func roundTripsAndChecksTheMagicNumber() throws {
        let data: [UInt8] = (0..<100_000).map { (i: Int) -> UInt8 in
            UInt8((i * 7 + i / 300) % 251)
        }
        let compressed = try Gzip.compress(data)
        #expect(Gzip.isCompressed(compressed))
        #expect(compressed.count < data.count)
        #expect(try Gzip.decompress(compressed) == data)
        #expect(try Gzip.decompress(Gzip.compress([])) == [])
        #expect(!Gzip.isCompressed([0x1F]))
    }

    @Test func readsConcatenatedMembers() throws {
        let joined = try Gzip.compress(Array("hello, ".utf8)) + Gzip.compress(Array("world".utf8))
        #expect(try Gzip.decompress(joined) == Array("hello, world".utf8))
    }

    @Test func refusesTruncatedCorruptAndOversizedStreams() throws {
        let tail: [UInt8] = (0..<5000).map { (i: Int) -> UInt8 in UInt8(i % 256) }
        let data = [UInt8](repeating: 42, count: 50_000) + tail
        let compressed = try Gzip.compress(data)
        #expect {
            try Gzip.decompress(Array(compressed.prefix(compressed.count / 2)), source: "half.gz")
        } throws: { describes($0, "half.gz", "truncated") }
        var corrupt = compressed
        corrupt[corrupt.count - 6] ^= 0xFF  // the CRC-32 in the trailer
        #expect { try Gzip.decompress(corrupt, source: "crc.gz") } throws: {
            describes($0, "crc.gz", "corrupt")
        }
        #expect { try Gzip.decompress(compressed + [1, 2, 3], source: "tail.gz") } throws: {
            describes($0, "tail.gz", "after the end")
        }
        // A bomb: 55 KB of output refused at a 10 KB limit.
        #expect {
            try Gzip.decompress(compressed, source: "bomb.gz", maxOutputBytes: 10_000)
        } throws: { error in
            guard case .limitExceeded(path: "bomb.gz", _)? = error as? DatasetError else {
                return false
            }
            return true
        }
        #expect(throws: DatasetError.self) { try Gzip.compress(data, level: 10) }
    }

    @Test func md5MatchesRFC1321TestSuite() {
        #expect(MD5.hexDigest(of: []) == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(MD5.hexDigest(of: Array("abc".utf8)) == "900150983cd24fb0d6963f7d28e17f72")
        let long = String(repeating: "1234567890", count: 8)
        #expect(MD5.hexDigest(of: Array(long.utf8)) == "57edf4a22be3c955ac49da2e2107b67a")
        // Streaming in uneven pieces gives the same digest.
        var md5 = MD5()
        let bytes = Array(long.utf8)
        md5.update(Array(bytes[0..<3]))
        md5.update(Array(bytes[3..<70]))
        md5.update(Array(bytes[70...]))
        #expect(md5.hexDigest() == "57edf4a22be3c955ac49da2e2107b67a")
    }
}
