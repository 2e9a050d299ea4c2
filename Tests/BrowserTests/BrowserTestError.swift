import Foundation

/// What went wrong driving the server or the browser, with what was being waited for.
enum BrowserTestError: Error, CustomStringConvertible {
    /// A program, pipe or file could not be started or opened (`errno`-style code).
    case spawnFailed(String, Int32)
    /// Nothing came within the time limit.
    case timeout(String)
    /// The browser answered a DevTools command with an error.
    case protocolError(method: String, message: String)
    /// The browser closed its end of the DevTools pipe.
    case pipeClosed(String)
    /// The server exited or printed something other than its listening line.
    case serverFailed(String)
    /// A page script threw.
    case scriptFailed(expression: String, message: String)

    var description: String {
        switch self {
        case .spawnFailed(let what, let code):
            return "cannot start \(what): \(String(cString: strerror(code)))"
        case .timeout(let what): return "timed out waiting for \(what)"
        case .protocolError(let method, let message):
            return "DevTools \(method) failed: \(message)"
        case .pipeClosed(let what): return "the browser closed the DevTools pipe (\(what))"
        case .serverFailed(let message): return "classify serve failed: \(message)"
        case .scriptFailed(let expression, let message):
            return "page script `\(expression)` threw: \(message)"
        }
    }
}
