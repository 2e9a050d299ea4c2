import Foundation

/// Where an app finds a data set: the `--data` flag, else an environment variable, else a
/// documented default folder.
public struct DataLocation: Sendable {
    /// The folder to read.
    public let path: String
    /// How the folder was chosen, for messages (`--data`, `$MNIST_DIR`, `default`).
    public let source: String

    /// Resolves the location from a flag value, an environment variable and a default.
    public init(flag: String?, environmentVariable: String, defaultPath: String) {
        if let flag, !flag.isEmpty {
            (path, source) = (flag, "--data")
        } else if let value = ProcessInfo.processInfo.environment[environmentVariable],
            !value.isEmpty
        {
            (path, source) = (value, "$\(environmentVariable)")
        } else {
            (path, source) = (defaultPath, "default")
        }
    }

    /// Whether the folder exists.
    public var exists: Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }
}
