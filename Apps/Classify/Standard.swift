#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing to the standard streams.
enum Standard {
    /// Writes `message` and a newline to standard error.
    static func error(_ message: String) {
        fputs(message + "\n", stderr)
    }
}
