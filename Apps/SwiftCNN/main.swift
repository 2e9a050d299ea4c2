// swiftcnn: tools around model files. See the subcommands.
import AppSupport
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

// Usage errors exit 2, failures 1 (the message names the file), help and version 0.
exit(CommandRunner.run(SwiftCNNTool.self, name: "swiftcnn"))
