import ArgumentParser
import Checkpoints
import Foundation
import ModelExport
import NeuralNet

/// `swiftcnn export-torch MODEL [--output-dir DIR]`: a self-contained PyTorch module
/// definition (`model.py`, generated from the network's layers) next to its `state_dict`
/// (`state_dict.safetensors`, names matching, loads with `strict=True`) and `classes.json`.
struct ExportTorch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-torch",
        abstract: "Write a model file as a PyTorch module and its state_dict.",
        discussion: """
            DIR receives model.py (build_model() returns a torch.nn.Module whose state_dict \
            names and shapes are the model's; running the file loads the weights strictly), \
            state_dict.safetensors (the weights, with the model file's metadata, so it is \
            also a SwiftCNN model file) and classes.json (the class names in output order).
            """)

    @Argument(help: ArgumentHelp("A model file (.safetensors).", valueName: "MODEL"))
    var model: String

    @Option(
        help: ArgumentHelp(
            "The folder to write into, created if needed (default: MODEL without its extension, "
                + "plus -torch).", valueName: "DIR"))
    var outputDir: String?

    func run() throws {
        let classifier = try ExportCommands.load(model)
        let folder =
            outputDir
            ?? ExportCommands.replacingExtension(of: model, with: "x").dropLast(2) + "-torch"
        let description = classifier.modelDescription
        do {
            let source = try TorchModuleWriter.source(
                network: classifier.network, description: description)
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true)
            try ExportCommands.write(Data(source.utf8), to: "\(folder)/model.py")
            let state = classifier.network.stateDictionary
            try SafeTensorsFile.write(
                state, metadata: try description.metadata(),
                to: URL(fileURLWithPath: "\(folder)/state_dict.safetensors"))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes]
            try ExportCommands.write(
                try encoder.encode(description.classNames) + Data("\n".utf8),
                to: "\(folder)/classes.json")
            print(
                "wrote \(folder)/model.py, \(folder)/state_dict.safetensors (\(state.count) "
                    + "tensors) and \(folder)/classes.json (\(description.classNames.count) classes)"
            )
        } catch let error as ModelExportError {
            throw ExportCommandError(description: "\(model): \(error)")
        }
    }
}
