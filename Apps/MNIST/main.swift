// mnist: trains, evaluates and downloads MNIST digit models. See the subcommands.
import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The `mnist` command: `train`, `evaluate`, `download`.
struct MNISTTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnist",
        abstract: "Train, evaluate and download MNIST digit classifiers.",
        discussion: """
            Data: --data DIR, else $MNIST_DIR, else data/mnist (the four IDX files, .gz or not).
            Get them with `mnist download`.
            """,
        subcommands: [Train.self, Evaluate.self, Download.self])

    /// Parses and runs; returns 0 on success, 1 for a failed run, 2 for a usage error.
    static func run(arguments: [String]) -> Int32 {
        var command: ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            if exitCode(for: error) == .success {
                print(fullMessage(for: error))
                return 0
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            return 2
        }
        do {
            try command.run()
            return 0
        } catch {
            FileHandle.standardError.write(Data("mnist: \(error)\n".utf8))
            return 1
        }
    }
}

exit(MNISTTool.run(arguments: Array(CommandLine.arguments.dropFirst())))
