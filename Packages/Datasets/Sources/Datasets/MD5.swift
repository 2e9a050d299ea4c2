import CDatasetCodecs

/// MD5 digests (RFC 1321), for checking downloads against published checksums. Not for
/// security: MD5 is broken against deliberate collisions.
public struct MD5: Sendable {
    private var context = dc_md5_context()

    /// A fresh digest.
    public init() { dc_md5_init(&context) }

    /// Adds `bytes` to the digest.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        dc_md5_update(&context, bytes.bindMemory(to: UInt8.self).baseAddress, bytes.count)
    }

    /// Adds `bytes` to the digest.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The 16-byte digest as 32 lowercase hexadecimal digits.
    public func hexDigest() -> String {
        var copy = context
        var digest = [UInt8](repeating: 0, count: 16)
        dc_md5_final(&copy, &digest)
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The MD5 of `bytes` as 32 lowercase hexadecimal digits.
    public static func hexDigest(of bytes: [UInt8]) -> String {
        var md5 = MD5()
        md5.update(bytes)
        return md5.hexDigest()
    }
}
