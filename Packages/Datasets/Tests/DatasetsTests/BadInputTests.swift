import Datasets
import Foundation
import Testing

/// Truncated, corrupt, mislabelled and hostile files: each is a thrown error that names the
/// file and the problem, never a crash (libjpeg's exit() and libpng's longjmp stay in C).
@Suite struct BadInputTests {
    let folder: TemporaryDirectory

    init() throws { folder = try TemporaryDirectory() }

    func kind(_ error: Error) -> String {
        guard let error = error as? DatasetError else { return "not a DatasetError" }
        switch error {
        case .unreadable: return "unreadable"
        case .unsupportedFormat: return "unsupportedFormat"
        case .corrupt: return "corrupt"
        case .truncated: return "truncated"
        case .limitExceeded: return "limitExceeded"
        default: return "other"
        }
    }

    /// Decodes the bytes from a file and returns the error's kind and description.
    func failure(_ bytes: [UInt8], named name: String, maxPixels: Int? = nil) throws
        -> (kind: String, text: String)
    {
        let path = try folder.write(bytes, to: name)
        do {
            if let maxPixels {
                _ = try Image(contentsOf: path, maxPixels: maxPixels)
            } else {
                _ = try Image(contentsOf: path)
            }
        } catch {
            #expect("\(error)".hasPrefix(path), "the message names the file: \(error)")
            return (kind(error), "\(error)")
        }
        Issue.record("\(name) decoded without an error")
        return ("none", "")
    }

    @Test func textFileNamedPNG() throws {
        let (kind, text) = try failure(Array("hello, I am not a picture\n".utf8), named: "note.png")
        #expect(kind == "unsupportedFormat")
        #expect(text.contains("not a PNG or JPEG") && text.contains("text"))
    }

    @Test func emptyAndOtherFormatsAreNamed() throws {
        #expect(try failure([], named: "empty.jpg").text.contains("empty"))
        #expect(try failure(Array("GIF89a....".utf8), named: "anim.png").text.contains("GIF"))
    }

    @Test func missingFileAndFolder() throws {
        #expect(throws: DatasetError.self) { try Image(contentsOf: folder.file("nope.png")) }
        do {
            _ = try Image(contentsOf: folder.path)
            Issue.record("a folder decoded")
        } catch {
            #expect(kind(error) == "unreadable" && describes(error, folder.path))
        }
    }

    @Test func jpegCutInHalf() throws {
        let jpeg = try patternImage(width: 64, height: 64, format: .rgb).jpegData(quality: 90)
        let (kind, text) = try failure(Array(jpeg.prefix(jpeg.count / 2)), named: "half.jpg")
        #expect(kind == "truncated")
        #expect(text.contains("JPEG"))
    }

    @Test func jpegCutAfterItsHeader() throws {
        let jpeg = try patternImage(width: 16, height: 16, format: .grey).jpegData()
        #expect(try failure(Array(jpeg.prefix(20)), named: "stub.jpg").kind == "truncated")
    }

    @Test func jpegWithGarbageScanData() throws {
        var jpeg = try patternImage(width: 64, height: 64, format: .rgb).jpegData(quality: 90)
        // Overwrite the middle of the entropy-coded data with a marker-like byte run.
        let middle = jpeg.count * 2 / 3
        for i in middle..<(middle + 40) { jpeg[i] = i % 2 == 0 ? 0xFF : 0xD3 }
        let (kind, _) = try failure(jpeg, named: "garbled.jpg")
        #expect(kind == "corrupt" || kind == "truncated")
    }

    @Test func jpegHeaderDeclaringHugeDimensions() throws {
        var jpeg = try patternImage(width: 8, height: 8, format: .rgb).jpegData()
        // SOF0: FF C0, length (2), precision (1), height (2), width (2).
        let sof = try #require(
            zip(jpeg.indices, jpeg.dropFirst()).first {
                jpeg[$0.0] == 0xFF && $0.1 == 0xC0
            }?.0)
        jpeg[sof + 5] = 0xEA; jpeg[sof + 6] = 0x60  // height 60000
        jpeg[sof + 7] = 0xEA; jpeg[sof + 8] = 0x60  // width 60000
        let (kind, text) = try failure(jpeg, named: "huge.jpg")
        #expect(kind == "limitExceeded")
        #expect(text.contains("60000x60000"))
    }

    @Test func pngCutInHalf() throws {
        let png = try patternImage(width: 40, height: 40, format: .rgb).pngData()
        let (kind, text) = try failure(Array(png.prefix(png.count / 2)), named: "half.png")
        #expect(kind == "truncated" && text.contains("PNG"))
    }

    @Test func pngWithABadChecksum() throws {
        var png = try patternImage(width: 40, height: 40, format: .rgb).pngData()
        png[png.count / 2] ^= 0x55  // inside IDAT: its CRC no longer matches
        let (kind, text) = try failure(png, named: "crc.png")
        #expect(kind == "corrupt" && text.contains("PNG"), "\(text)")
    }

    @Test func pngHeaderDeclaring100000Squared() throws {
        // A valid IHDR (CRC and all) for 100000x100000 RGB, then a tiny IDAT.
        let png = PNGSynthesizer(width: 100_000, height: 100_000, colorType: .rgb, bitDepth: 8)
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        bytes += png.chunk("IHDR", bigEndian32(100_000) + bigEndian32(100_000) + [8, 2, 0, 0, 0])
        bytes += png.chunk("IDAT", zlibStored([0, 1, 2, 3]))
        bytes += png.chunk("IEND", [])
        let (kind, text) = try failure(bytes, named: "bomb.png")
        #expect(kind == "limitExceeded")
        #expect(text.contains("100000x100000") && text.contains("limit"))
    }

    /// A small, highly compressible file that inflates to many pixels is refused by an
    /// explicit pixel limit before any pixel is allocated.
    @Test func decompressionBombsAreRefusedByThePixelLimit() throws {
        let big = try Image(width: 2048, height: 2048, format: .grey)
        let png = try big.pngData(compressionLevel: 9)
        #expect(png.count < 10_000)
        let (kind, text) = try failure(png, named: "zeros.png", maxPixels: 1_000_000)
        #expect(kind == "limitExceeded" && text.contains("2048x2048"))
        let jpeg = try big.jpegData(quality: 50)
        #expect(try failure(jpeg, named: "zeros.jpg", maxPixels: 1_000_000).kind == "limitExceeded")
        #expect(DatasetLimits.maxImagePixels == 1 << 26)
    }

    @Test func idxHeaderClaimingMoreBytesThanExist() throws {
        // Claims 60000 images of 28x28 but holds 10 bytes.
        let bytes: [UInt8] =
            [0, 0, 8, 3, 0, 0, 0xEA, 0x60, 0, 0, 0, 28, 0, 0, 0, 28]
            + [UInt8](repeating: 0, count: 10)
        // Plain: refused from the file size, before allocating 47 MB.
        let plain = try folder.write(bytes, to: "short-idx")
        #expect { try IDXArray(contentsOf: plain) } throws: { error in
            kind(error) == "truncated"
                && describes(error, plain, "60000x28x28", "47040000 bytes", "at most 10 bytes")
        }
        // Compressed, with incompressible content so that only inflating can tell: 10,000
        // images (7.8 MB, within 200 times the file's size), but the stream ends after 60,000
        // bytes.
        var state: UInt32 = 1
        let noise: [UInt8] = (0..<59_984).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(state >> 24)
        }
        let header: [UInt8] = [0, 0, 8, 3, 0, 0, 0x27, 0x10, 0, 0, 0, 28, 0, 0, 0, 28]
        let compressed = try folder.write(Gzip.compress(header + noise), to: "short-idx.gz")
        #expect { try IDXArray(contentsOf: compressed) } throws: { error in
            kind(error) == "truncated"
                && describes(error, compressed, "59984 of the 7840000 bytes", "10000x28x28")
        }
        // A tiny gzip stream may not inflate to 47 MB (200 times its size at most): refused
        // from the header.
        let tiny = try folder.write(Gzip.compress(bytes), to: "tiny-idx.gz")
        #expect { try IDXArray(contentsOf: tiny) } throws: { error in
            kind(error) == "limitExceeded"
                && describes(error, tiny, "47040000 bytes", "200 times", "decompression bombs")
        }
    }

    @Test func idxWithBadHeaders() throws {
        let cases: [(String, [UInt8], String)] = [
            ("magic", [1, 0, 8, 1, 0, 0, 0, 1, 5], "magic"),
            ("type", [0, 0, 7, 1, 0, 0, 0, 1, 5], "element type"),
            ("rank0", [0, 0, 8, 0, 5], "0 dimensions"),
            ("rank", [0, 0, 8, 200] + [UInt8](repeating: 0, count: 800), "200 dimensions"),
            ("trailing", [0, 0, 8, 1, 0, 0, 0, 1, 5, 6], "extra bytes"),
            ("header", [0, 0, 8], "header"),
            ("dims", [0, 0, 8, 2, 0, 0, 0, 1], "dimensions"),
            ("negative", [0, 0, 8, 1, 0xFF, 0xFF, 0xFF, 0xFF], "dimension 0"),
        ]
        for (name, bytes, fragment) in cases {
            let path = try folder.write(bytes, to: name)
            #expect(
                performing: { try IDXArray(contentsOf: path) },
                throws: { error in
                    describes(error, path, fragment)
                })
        }
    }

    @Test func idxPayloadAboveTheLimit() throws {
        // 2^30 x 2^30 float64 elements: refused from the header alone.
        let bytes: [UInt8] = [0, 0, 0x0E, 2, 0x40, 0, 0, 0, 0x40, 0, 0, 0]
        let path = try folder.write(bytes, to: "huge-idx")
        #expect { try IDXArray(contentsOf: path) } throws: { kind($0) == "limitExceeded" }
        let small = try IDXArray(shape: [100], elements: .uint8(Array(repeating: 1, count: 100)))
        #expect { try IDXArray(bytes: small.encoded(), source: "x", maxBytes: 50) } throws: {
            kind($0) == "limitExceeded"
        }
    }

    @Test func corruptGzipIDX() throws {
        var gz = try Gzip.compress(IDXArray(shape: [50], elements: .uint8(Array(0..<50))).encoded())
        gz[gz.count - 5] ^= 1  // the stored CRC
        let path = try folder.write(gz, to: "bad-idx.gz")
        #expect { try IDXArray(contentsOf: path) } throws: { error in
            kind(error) == "corrupt" && describes(error, path)
        }
    }
}
