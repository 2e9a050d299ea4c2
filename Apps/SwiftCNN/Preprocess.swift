import ArgumentParser
import Checkpoints
import Datasets
import Foundation
import ImageClassification

/// `swiftcnn preprocess MODEL IMAGE... --output FILE.safetensors`: the images prepared exactly
/// as `classify` prepares them for MODEL (its preprocessing, then normalization), as one
/// `input` tensor `[N, C, H, W]`: the input of the exported ONNX graph or PyTorch module.
struct Preprocess: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write images prepared for a model as one input tensor (.safetensors).",
        discussion: """
            The tensor `input` [N, C, H, W] (float32) holds the images in the order given, \
            prepared as classify prepares them (the model's preprocessing, then (x/255 - \
            mean) / std); the metadata key `files` lists them as a JSON array. Feed it to the \
            graph of export-onnx or the module of export-torch.
            """)

    @Argument(help: ArgumentHelp("A model file (.safetensors).", valueName: "MODEL"))
    var model: String

    @Argument(help: ArgumentHelp("PNG or JPEG files.", valueName: "IMAGE"))
    var images: [String]

    @Option(help: ArgumentHelp("The file to write.", valueName: "FILE.safetensors"))
    var output: String

    func run() throws {
        let classifier = try ExportCommands.load(model)
        var decoded: [Image] = []
        for path in images {
            do {
                decoded.append(try Image(contentsOf: path))
            } catch {
                let text = "\(error)"
                throw ExportCommandError(
                    description: text.contains(path) ? text : "\(path): \(text)")
            }
        }
        let input = try classifier.pipeline.tensor(for: decoded)
        let files = try JSONEncoder().encode(images)
        try SafeTensorsFile.write(
            ["input": input], metadata: ["files": String(decoding: files, as: UTF8.self)],
            to: URL(fileURLWithPath: output))
        print("wrote \(output): input \(input.shape)")
    }
}
