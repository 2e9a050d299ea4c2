import Foundation
import Testing

/// Proves that another project can depend on this repository by URL and use its libraries:
/// a throw-away package in a temporary folder names this checkout as a `file://` URL at the
/// current commit, builds, and runs a program that multiplies two matrices with `TensorMath`.
/// (It sees committed code only, which is what a user depending on the repository gets.)
@Suite(.serialized) struct DependByURLTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Whether the root holds a `.git` folder: SwiftPM clones only from those, not from a
    /// `git worktree` (whose `.git` is a file).
    static var isGitCheckout: Bool {
        var isFolder: ObjCBool = false
        let path = repositoryRoot.appendingPathComponent(".git").path
        return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
            && isFolder.boolValue
    }

    @Test(.enabled(if: isGitCheckout, "needs a git checkout of the repository, not a worktree"))
    func consumerPackageBuildsAgainstRepositoryURL() throws {
        let root = Self.repositoryRoot
        let commit = try run(["git", "-C", root.path, "rev-parse", "HEAD"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let identity = root.lastPathComponent.lowercased()

        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("swiftcnn-consumer-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let sources = folder.appendingPathComponent("Sources/Consumer")
        try FileManager.default.createDirectory(at: sources, withIntermediateDirectories: true)
        try """
        // swift-tools-version:6.0
        import PackageDescription
        let package = Package(
            name: "Consumer",
            dependencies: [.package(url: "\(root.absoluteString)", revision: "\(commit)")],
            targets: [
                .executableTarget(
                    name: "Consumer",
                    dependencies: [.product(name: "TensorMath", package: "\(identity)")])
            ]
        )
        """.write(
            to: folder.appendingPathComponent("Package.swift"), atomically: true,
            encoding: .utf8)
        try """
        import TensorMath
        let a = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        let product = try Tensor.matmul(a, a)
        print(product.shape, product.scalars)
        """.write(
            to: sources.appendingPathComponent("main.swift"), atomically: true,
            encoding: .utf8)

        let output = try run(["swift", "run", "--package-path", folder.path, "Consumer"])
        #expect(output.contains("[2, 2] [7.0, 10.0, 15.0, 22.0]"), "output: \(output)")
    }
}

/// Runs a command (looked up on PATH), returning standard output; throws with the combined
/// output if it fails.
private func run(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0 else {
        throw CommandFailure(command: arguments.joined(separator: " "), output: text)
    }
    return text
}

private struct CommandFailure: Error, CustomStringConvertible {
    let command: String
    let output: String
    var description: String { "\(command) failed:\n\(output)" }
}
