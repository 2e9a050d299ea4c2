import ArgumentParser
import Checkpoints
import Foundation
import ImageClassification
import ModelExport

/// `swiftcnn import-torch STATE_DICT.safetensors --architecture NAME [--config JSON]
/// [--classes a,b,...] [--preprocessing KEY] [--input CxHxW] --output MODEL`: a PyTorch
/// `state_dict` saved with safetensors, checked tensor by tensor against the architecture,
/// written as a self-describing model file that `classify --model` uses.
struct ImportTorch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-torch",
        abstract: "Turn a PyTorch state_dict (.safetensors) into a SwiftCNN model file.",
        discussion: """
            PyTorch's usual names are mapped: the wrappers' `module.` and `_orig_mod.` \
            prefixes; the tutorials' numbered layers (conv1, conv2, fc1, fc2, fc3 become the \
            first, second, ... convolution or linear layer: features.0, features.3, \
            classifier.0, ... of LeNet5); `linear` for `fc` and `downsample` for `shortcut` \
            (CIFAR ResNets). Every tensor is then checked; on a mismatch the missing, \
            unexpected and mis-shaped tensors are listed with their shapes on both sides. \
            A missing num_batches_tracked is set to 0 (unused at inference).
            """)

    @Argument(help: ArgumentHelp("A state_dict saved with safetensors.", valueName: "STATE_DICT"))
    var stateDictionary: String

    @Option(
        help: ArgumentHelp(
            "The architecture: \(ModelRegistry.names.joined(separator: ", ")).", valueName: "NAME"))
    var architecture: String

    @Option(
        help: ArgumentHelp(
            "The architecture's configuration as a JSON object (missing fields take their "
                + "defaults), e.g. '{\"activation\":\"tanh\"}'. Default: {}.", valueName: "JSON"))
    var config: String = "{}"

    @Option(
        help: ArgumentHelp(
            "The class names in output order, comma-separated (default: 0,1,...).",
            valueName: "a,b,..."))
    var classes: String?

    @Option(
        help: ArgumentHelp(
            "The preprocessing: \(TorchImport.preprocessingKeys.joined(separator: ", ")) "
                + "(default: mnist for a grey input, cifar10 for RGB).", valueName: "KEY"))
    var preprocessing: String?

    @Option(
        help: ArgumentHelp(
            "The input, channels x height x width (default: the first of 1x28x28, 1x32x32, "
                + "3x32x32, 3x28x28 the network takes).", valueName: "CxHxW"))
    var input: String?

    @Option(help: ArgumentHelp("The model file to write.", valueName: "MODEL"))
    var output: String

    @Flag(help: "Replace an existing output file.")
    var overwrite = false

    func validate() throws {
        if let input, Self.shape(input) == nil {
            throw ValidationError("--input \(input): expected CxHxW, e.g. 1x28x28")
        }
    }

    static func shape(_ text: String) -> [Int]? {
        let parts = text.split(separator: "x").compactMap { Int($0) }
        return parts.count == 3 && parts.allSatisfy({ $0 > 0 }) ? parts : nil
    }

    func run() throws {
        guard overwrite || !FileManager.default.fileExists(atPath: output) else {
            throw ExportCommandError(
                description: "\(output): exists; give --overwrite to replace it, or another "
                    + "--output")
        }
        let configuration: JSONValue
        do {
            configuration = try JSONDecoder().decode(JSONValue.self, from: Data(config.utf8))
        } catch {
            throw ExportCommandError(description: "--config \(config): not valid JSON")
        }
        let request = TorchImport.Request(
            architecture: .init(name: architecture, configuration: configuration),
            classNames: classes.map {
                $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            },
            preprocessing: preprocessing, inputShape: input.flatMap(Self.shape),
            command: (["swiftcnn"] + CommandLine.arguments.dropFirst()).joined(separator: " "))
        let result: TorchImport.Result
        do {
            result = try TorchImport.convert(
                stateDictionary: URL(fileURLWithPath: stateDictionary), request)
        } catch let error as ModelExportError {
            throw ExportCommandError(description: "\(error)")
        } catch {
            let text = "\(error)"
            throw ExportCommandError(
                description: text.contains(stateDictionary) ? text : "\(stateDictionary): \(text)")
        }
        for (from, to) in result.renamed.sorted(by: { $0.key < $1.key }) {
            print("renamed \(from) -> \(to)")
        }
        if !result.filled.isEmpty {
            print("set to 0 (absent from the file): \(result.filled.joined(separator: ", "))")
        }
        do {
            try result.write(to: URL(fileURLWithPath: output))
        } catch {
            let text = "\(error)"
            throw ExportCommandError(
                description: text.contains(output) ? text : "\(output): \(text)")
        }
        let description = result.description
        let input = description.input
        print(
            "wrote \(output): \(description.architecture.name), \(result.tensors.count) tensors, "
                + "\(description.classNames.count) classes, input \(input.channels)x"
                + "\(input.height)x\(input.width), preprocessing "
                + "\(description.preprocessing.method)")
    }
}
