import Foundation
import TensorMath

/// Where an app finds a data set: the `--data` flag, else an environment variable, else a
/// documented default folder.
///
/// ```swift
/// let location = DataLocation(flag: data, environmentVariable: "MNIST_DIR",
///                             defaultPath: "data/mnist")
/// let folder = try location.requireExisting(
///     dataset: "MNIST", howToGet: "mnist download --to \(location.path)")
/// ```
public struct DataLocation: Equatable, Sendable {
    /// The folder to read.
    public let path: String
    /// How the folder was chosen, for messages: `--data`, `$MNIST_DIR` or `default`.
    public let source: String
    /// The environment variable that was consulted (`MNIST_DIR`).
    public let environmentVariable: String

    /// Resolves the location from a flag value, an environment variable and a default; empty
    /// values count as absent.
    /// - Parameter environment: The environment to read; default the process's.
    public init(
        flag: String?, environmentVariable: String, defaultPath: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.environmentVariable = environmentVariable
        if let flag, !flag.isEmpty {
            (path, source) = (flag, "--data")
        } else if let value = environment[environmentVariable], !value.isEmpty {
            (path, source) = (value, "$\(environmentVariable)")
        } else {
            (path, source) = (defaultPath, "default")
        }
    }

    /// Whether the folder exists.
    public var exists: Bool {
        var status = stat()
        return FileSystemName.withCString(path) { stat($0, &status) } == 0
            && (status.st_mode & S_IFMT) == S_IFDIR
    }

    /// The path, if the folder exists.
    /// - Parameters:
    ///   - dataset: The data set's name for the message (`MNIST`).
    ///   - howToGet: The command that fetches it (`mnist download --to data/mnist`).
    /// - Throws: ``AppError`` naming the path tried, how it was chosen, and `howToGet`.
    public func requireExisting(dataset: String, howToGet: String) throws -> String {
        guard exists else {
            throw AppError(
                "no \(dataset) data set at \(path) (the \(source) location); get it with "
                    + "`\(howToGet)`, or point to it with --data DIR or $\(environmentVariable)")
        }
        return path
    }
}
