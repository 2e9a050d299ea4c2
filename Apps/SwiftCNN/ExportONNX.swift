import ArgumentParser
import Checkpoints
import Foundation
import ImageClassification
import ModelExport

/// `swiftcnn export-onnx MODEL [--output FILE.onnx]`: the model as an ONNX file (opset 17,
/// IR 8) that onnxruntime runs: input `input` `[N, C, H, W]` float (already preprocessed as
/// the metadata says), output `logits` `[N, classes]`, the weights as initializers under
/// their state-dictionary names, the class names and preprocessing in `metadata_props`.
struct ExportONNX: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-onnx",
        abstract: "Write a model file as an ONNX file (opset 17).",
        discussion: """
            The graph reads `input` [N, C, H, W] (float, after the model's preprocessing) and \
            answers `logits` [N, classes]; batch norm uses its running statistics and dropout \
            is left out. The metadata keys of the model file (swiftcnn.class_names, \
            swiftcnn.preprocessing, ...) are the ONNX file's metadata_props. The same model \
            always gives the same bytes.
            """)

    @Argument(help: ArgumentHelp("A model file (.safetensors).", valueName: "MODEL"))
    var model: String

    @Option(
        help: ArgumentHelp(
            "The ONNX file to write (default: MODEL with the extension .onnx).",
            valueName: "FILE.onnx"))
    var output: String?

    func run() throws {
        let classifier = try ExportCommands.load(model)
        let destination = output ?? ExportCommands.replacingExtension(of: model, with: "onnx")
        do {
            let graph = try ONNXExporter.graph(
                network: classifier.network, description: classifier.modelDescription,
                producerVersion: SwiftCNNVersion.current)
            let bytes = graph.modelBytes()
            try ExportCommands.write(Data(bytes), to: destination)
            print(
                "wrote \(destination): \(graph.nodes.count) nodes, "
                    + "\(graph.initializers.count) initializers, \(bytes.count) bytes "
                    + "(input [N, \(graph.input.sampleShape.map(String.init).joined(separator: ", "))], "
                    + "output logits [N, \(graph.output.sampleShape.map(String.init).joined(separator: ", "))])"
            )
        } catch let error as ModelExportError {
            throw ExportCommandError(description: "\(model): \(error)")
        }
    }
}

/// A failure of an export or import command, naming the file.
struct ExportCommandError: Error, CustomStringConvertible {
    let description: String
}

/// What the export and import commands share.
enum ExportCommands {
    /// The model file loaded as `classify` loads it, errors naming the file.
    static func load(_ path: String) throws -> ImageClassifier {
        do {
            return try ImageClassifier(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let text = "\(error)"
            throw ExportCommandError(description: text.contains(path) ? text : "\(path): \(text)")
        }
    }

    /// `path` with its extension replaced (`model.safetensors` → `model.onnx`).
    static func replacingExtension(of path: String, with newExtension: String) -> String {
        let url = URL(fileURLWithPath: path)
        let base = url.deletingPathExtension().lastPathComponent
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "\(base).\(newExtension)" : "\(folder)/\(base).\(newExtension)"
    }

    /// Writes `data` to `path` atomically (``Checkpoints/AtomicFile``: a temporary file,
    /// fsync, rename); errors name the path.
    static func write(_ data: Data, to path: String) throws {
        do {
            try AtomicFile.write([UInt8](data), to: URL(fileURLWithPath: path))
        } catch {
            let text = "\(error)"
            throw ExportCommandError(
                description: text.contains(path) ? text : "\(path): cannot write: \(text)")
        }
    }
}
