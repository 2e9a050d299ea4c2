#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lossless file names. Linux file names are bytes, not text: a name such as `caf\xE9.png`
/// (Latin-1) is not UTF-8, and Swift's `String(cString:)` and `CommandLine.arguments` replace
/// such bytes by U+FFFD, so the file can no longer be opened. Here every byte of an invalid
/// UTF-8 sequence becomes one private-use character, U+10FF00 + byte (U+10FF80...U+10FFFF), and
/// ``withCString(_:_:)`` turns those characters back into the original bytes, so a name read
/// from a directory or the command line opens the same file. Valid UTF-8 is unchanged.
/// (A name that really contains U+10FF80...U+10FFFF, which are unassigned private-use code
/// points, is read as those bytes.)
///
/// ```swift
/// let name = FileSystemName.string(fromBytes: [0x63, 0x61, 0x66, 0xE9])   // "caf" + U+10FFE9
/// FileSystemName.withCString(name) { open($0, O_RDONLY) }                 // opens "caf\xE9"
/// FileSystemName.displayed(name)                                          // "caf\xE9"
/// ```
public enum FileSystemName {
    /// The first of the 128 characters that stand for the bytes 0x80...0xFF.
    static let base: UInt32 = 0x10_FF00

    /// A name from its bytes (no terminating zero): valid UTF-8 as text, each other byte as its
    /// private-use character.
    public static func string<Bytes: Collection<UInt8>>(fromBytes bytes: Bytes) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var scalars = String.UnicodeScalarView()
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let length = validSequenceLength(bytes, at: index)
            if length > 0 {
                let end = bytes.index(index, offsetBy: length)
                scalars.append(
                    contentsOf: String(decoding: bytes[index..<end], as: UTF8.self)
                        .unicodeScalars)
                index = end
            } else {
                scalars.append(Unicode.Scalar(base + UInt32(bytes[index]))!)
                index = bytes.index(after: index)
            }
        }
        return String(scalars)
    }

    /// A name from a zero-terminated C string, as ``string(fromBytes:)``.
    public static func string(fromCString pointer: UnsafePointer<CChar>) -> String {
        var length = 0
        while pointer[length] != 0 { length += 1 }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            string(fromBytes: UnsafeBufferPointer(start: $0, count: length))
        }
    }

    /// The bytes a name stands for (the private-use characters turned back into their bytes).
    public static func bytes(of name: String) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(name.utf8.count)
        for scalar in name.unicodeScalars {
            if scalar.value >= base + 0x80 && scalar.value <= base + 0xFF {
                result.append(UInt8(scalar.value - base))
            } else {
                result.append(contentsOf: String(scalar).utf8)
            }
        }
        return result
    }

    /// Calls `body` with the zero-terminated bytes `name` stands for, for a system call.
    public static func withCString<Result>(
        _ name: String, _ body: (UnsafePointer<CChar>) throws -> Result
    ) rethrows -> Result {
        guard name.unicodeScalars.contains(where: { $0.value >= base + 0x80 }) else {
            return try name.withCString(body)
        }
        let raw = bytes(of: name) + [0]
        return try raw.withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) }
        }
    }

    /// The names in the directory `path`, without `.` and `..`, in the order the system lists
    /// them, each as a lossless name; nil when the directory cannot be opened (`errno` tells
    /// why). Reads each entry's name in place: a `dirent` may be shorter than its declared
    /// size, so it must never be copied.
    public static func entries(ofDirectory path: String) -> [String]? {
        guard let directory = withCString(path, { opendir($0) }) else { return nil }
        defer { closedir(directory) }
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = string(
                fromCString: UnsafeRawPointer(entry).advanced(by: nameOffset)
                    .assumingMemoryBound(to: CChar.self))
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The name for messages: each byte that is not UTF-8 written as `\xNN`.
    public static func displayed(_ name: String) -> String {
        var text = ""
        for scalar in name.unicodeScalars {
            if scalar.value >= base + 0x80 && scalar.value <= base + 0xFF {
                let hex = String(scalar.value - base, radix: 16, uppercase: true)
                text += "\\x" + hex
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return text
    }

    /// The process's arguments without the program name, each decoded losslessly (unlike
    /// `CommandLine.arguments`, which replaces bytes that are not UTF-8).
    public static var commandLineArguments: [String] {
        (1..<Int(CommandLine.argc)).compactMap { index in
            CommandLine.unsafeArgv[index].map { string(fromCString: $0) }
        }
    }

    /// The length of the valid UTF-8 sequence starting at `index`, or 0 if none starts there.
    private static func validSequenceLength<Bytes: Collection<UInt8>>(
        _ bytes: Bytes, at index: Bytes.Index
    ) -> Int {
        let lead = bytes[index]
        let (length, low, high): (Int, UInt8, UInt8)
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: (length, low, high) = (2, 0x80, 0xBF)
        case 0xE0: (length, low, high) = (3, 0xA0, 0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (length, low, high) = (3, 0x80, 0xBF)
        case 0xED: (length, low, high) = (3, 0x80, 0x9F)
        case 0xF0: (length, low, high) = (4, 0x90, 0xBF)
        case 0xF1...0xF3: (length, low, high) = (4, 0x80, 0xBF)
        case 0xF4: (length, low, high) = (4, 0x80, 0x8F)
        default: return 0
        }
        var position = bytes.index(after: index)
        for offset in 1..<length {
            guard position != bytes.endIndex else { return 0 }
            let byte = bytes[position]
            let (minimum, maximum) = offset == 1 ? (low, high) : (0x80, 0xBF)
            guard byte >= minimum && byte <= maximum else { return 0 }
            position = bytes.index(after: position)
        }
        return length
    }
}
