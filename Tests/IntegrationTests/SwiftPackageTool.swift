import Foundation

/// Runs `swift` sub-commands for the tests that inspect or build this repository's packages
/// (the manifest-drift and README-sample tests).
enum SwiftPackageTool {
    /// The repository's root folder (this file is `Tests/IntegrationTests/SwiftPackageTool.swift`).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The root manifest's folder and every `Packages/*` folder holding a `Package.swift`,
    /// sorted by name; found by listing, so a new package is checked without editing a test.
    static func packageFolders(in root: URL = repositoryRoot) throws -> [URL] {
        let packages = root.appendingPathComponent("Packages")
        return try FileManager.default.contentsOfDirectory(atPath: packages.path).sorted()
            .map { packages.appendingPathComponent($0) }
            .filter {
                FileManager.default.fileExists(
                    atPath: $0.appendingPathComponent("Package.swift").path)
            }
    }

    /// `swift package dump-package` of the manifest in `folder`, parsed. It reads the manifest
    /// only (no dependency resolution, no network); the scratch path is a fresh temporary
    /// folder so that a build holding the package's `.build` lock cannot block it.
    static func dumpPackage(at folder: URL) throws -> JSON {
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("swiftcnn-dump-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let output = try run(
            [
                "swift", "package", "--package-path", folder.path, "--scratch-path", scratch.path,
                "dump-package",
            ])
        do {
            return try JSONDecoder().decode(JSON.self, from: Data(output.utf8))
        } catch {
            throw CommandFailure(
                command: "swift package dump-package in \(folder.path)",
                output: "unreadable JSON (\(error)):\n\(output)")
        }
    }

    /// Runs a command (looked up on PATH) in `directory`, returning standard output; throws
    /// with the combined output if it exits with a non-zero status. Standard error goes to a
    /// file, so neither pipe can fill up and stall the child.
    @discardableResult
    static func run(_ arguments: [String], in directory: URL? = nil) throws -> String {
        let errors = FileManager.default.temporaryDirectory
            .appendingPathComponent("swiftcnn-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errors) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            let errorText = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            throw CommandFailure(
                command: arguments.joined(separator: " "), output: text + errorText)
        }
        return text
    }

    /// A command that failed, with everything it printed.
    struct CommandFailure: Error, CustomStringConvertible {
        let command: String
        let output: String
        var description: String { "\(command) failed:\n\(output)" }
    }
}
