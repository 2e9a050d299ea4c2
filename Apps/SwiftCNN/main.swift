// swiftcnn: tools around model files. See the subcommands.
import ArgumentParser
import ImageClassification

#if canImport(Glibc)
import Glibc
#endif

/// The `swiftcnn` command: `inspect`, `export-onnx`, `export-torch`, `import-torch`,
/// `preprocess`.
struct SwiftCNNTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftcnn",
        abstract: "Tools around SwiftCNN model files and checkpoints.",
        discussion: "Exit status: 0 success, 1 an unreadable file, 2 a usage error.",
        version: SwiftCNNVersion.text,
        subcommands: [
            Inspect.self, ExportONNX.self, ExportTorch.self, ImportTorch.self, Preprocess.self,
        ])
}

/// Parses and runs; usage errors exit 2, failures 1 (the message names the file).
func run() -> Int32 {
    var command: ParsableCommand
    do {
        command = try SwiftCNNTool.parseAsRoot()
    } catch {
        if SwiftCNNTool.exitCode(for: error) == .success {
            print(SwiftCNNTool.fullMessage(for: error))
            return 0
        }
        fputs(SwiftCNNTool.fullMessage(for: error) + "\n", stderr)
        return 2
    }
    do {
        try command.run()
        return 0
    } catch {
        fputs("swiftcnn: \(error)\n", stderr)
        return 1
    }
}

exit(run())
