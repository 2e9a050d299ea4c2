import Checkpoints
import Datasets
import Foundation
import ImageClassification
import ImageModels
import NeuralNet
import TensorMath

/// Turns a PyTorch `state_dict` saved with `safetensors` into a SwiftCNN model file that
/// `classify --model` uses: builds the named architecture, maps PyTorch's usual names
/// (``TorchNameMapping``), checks every tensor's name and shape, and adds the metadata
/// (architecture, classes, input, preprocessing, provenance).
///
/// ```swift
/// var request = TorchImport.Request(architecture: .init(name: "LeNet5"))
/// request.classNames = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]
/// let result = try TorchImport.convert(stateDictionary: inputURL, request)
/// try result.write(to: outputURL)
/// ```
public enum TorchImport {
    /// What to build and which metadata to add.
    public struct Request: Sendable {
        /// The architecture and its configuration (missing fields take their defaults).
        public var architecture: ModelDescription.Architecture
        /// The class names in output order; default `"0"`, `"1"`, ….
        public var classNames: [String]?
        /// A preprocessing key (``TorchImport/preprocessingKeys``); default `mnist` for one
        /// input channel, `cifar10` for three.
        public var preprocessing: String?
        /// The input `[C, H, W]`; default the first of 1x28x28, 1x32x32, 3x32x32, 3x28x28
        /// the network takes.
        public var inputShape: [Int]?
        /// The command line, for the provenance.
        public var command: String

        /// Creates a request with the defaults above.
        public init(
            architecture: ModelDescription.Architecture, classNames: [String]? = nil,
            preprocessing: String? = nil, inputShape: [Int]? = nil,
            command: String = "swiftcnn import-torch"
        ) {
            self.architecture = architecture
            self.classNames = classNames
            self.preprocessing = preprocessing
            self.inputShape = inputShape
            self.command = command
        }
    }

    /// A converted model, ready to write.
    public struct Result {
        /// The tensors under the model's names.
        public var tensors: [String: Tensor]
        /// The model file's description.
        public var description: ModelDescription
        /// File name → model name, for the renamed tensors.
        public var renamed: [String: String]
        /// `num_batches_tracked` buffers the file lacked, set to 0 (unused at inference).
        public var filled: [String]

        /// Writes the model file (atomically) and loads it back as `classify` would.
        /// - Throws: ``Checkpoints/CheckpointError`` from writing, or the classifier's error
        ///   if the written file does not load.
        public func write(to url: URL) throws {
            try SafeTensorsFile.write(tensors, metadata: try description.metadata(), to: url)
            _ = try ImageClassifier(contentsOf: url)
        }
    }

    /// The preprocessing keys: `mnist` (MNIST-style centring, MNIST mean and std), `cifar10`
    /// (resize, CIFAR-10 per-channel mean and std), `mnist-centering` (= `mnist`), `resize`
    /// (= `cifar10` for three channels, MNIST's mean and std for one).
    public static let preprocessingKeys = ["mnist", "cifar10", "mnist-centering", "resize"]

    static let mnist = ModelDescription.Preprocessing(
        method: .mnistCentering, mean: Normalization.mnist.mean,
        standardDeviation: Normalization.mnist.std)
    static let cifar10 = ModelDescription.Preprocessing(
        method: .resize, mean: Normalization.cifar10.mean,
        standardDeviation: Normalization.cifar10.std)

    /// Reads `url`, maps and checks its tensors against the architecture.
    /// - Throws: ``ModelExportError/stateDictionaryMismatch(path:architecture:report:)`` listing
    ///   the missing tensors (with the model's shapes), the unexpected ones (with the file's)
    ///   and the mis-shaped ones (both shapes); ``ModelExportError/invalidArgument(_:)`` for
    ///   bad classes, preprocessing or input; the registry's and reader's errors naming the
    ///   architecture or the file.
    public static func convert(stateDictionary url: URL, _ request: Request) throws -> Result {
        let file = try SafeTensorsFile(contentsOf: url)
        // As when loading: no network larger than the file's tensors can fill.
        let architecture = request.architecture
        let network = try ModelLimits.$parameterAllowance.withValue(
            ModelLimits.allowance(forFileValues: file.elementCount)
        ) { try ModelRegistry.makeModel(architecture) }
        network.setTraining(false)
        let expected = network.stateDictionary.mapValues(\.shape)
        let mapping = TorchNameMapping(fileNames: file.names, network: network)
        var shapes: [String: [Int]] = [:]
        var sources: [String: String] = [:]
        for name in file.names {
            let target = mapping.modelName(for: name)
            shapes[target] = file.shapes[name]
            sources[target] = name
        }
        let filled = expected.keys.filter {
            $0.hasSuffix("num_batches_tracked") && shapes[$0] == nil
        }.sorted()
        for name in filled { shapes[name] = expected[name] }
        if let mismatch = TensorSetMismatch(expected: expected, actual: shapes) {
            throw ModelExportError.stateDictionaryMismatch(
                path: file.path, architecture: request.architecture.name,
                report: report(
                    mismatch, expected: expected, shapes: shapes, sources: sources,
                    renamed: mapping.renamed))
        }
        var tensors: [String: Tensor] = [:]
        for (target, source) in sources { tensors[target] = try file.tensor(named: source) }
        for name in filled { tensors[name] = Tensor(scalar: 0) }
        try network.loadStateDictionary(tensors)

        let inputShape =
            try request.inputShape ?? probeInput(network, architecture: request.architecture.name)
        guard inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 }),
            inputShape[0] == 1 || inputShape[0] == 3
        else {
            throw ModelExportError.invalidArgument(
                "input \(inputShape): expected [C, H, W] with 1 (grey) or 3 (RGB) channels")
        }
        let output = try network.forward(try Tensor.zeros([1] + inputShape))
        let classCount = output.shape.last ?? 0
        let classNames = request.classNames ?? (0..<classCount).map(String.init)
        guard output.rank == 2, classNames.count == classCount else {
            throw ModelExportError.invalidArgument(
                "\(classNames.count) class names given, the network answers \(classCount) "
                    + "scores (output \(output.shape))")
        }
        let channels = inputShape[0]
        let preprocessing = try self.preprocessing(request.preprocessing, channels: channels)
        let description = ModelDescription(
            architecture: request.architecture, classNames: classNames,
            input: ModelDescription.Input(
                height: inputShape[1], width: inputShape[2],
                colorMode: channels == 1 ? .grayscale : .rgb),
            preprocessing: preprocessing,
            provenance: ModelDescription.Provenance(
                command: request.command, version: SwiftCNNVersion.current,
                dataset: "imported from \(url.lastPathComponent)"))
        try description.validate()
        return Result(
            tensors: tensors, description: description, renamed: mapping.renamed, filled: filled)
    }

    /// The preprocessing a key names, for `channels` input channels.
    static func preprocessing(_ key: String?, channels: Int) throws
        -> ModelDescription.Preprocessing
    {
        switch key ?? (channels == 1 ? "mnist" : "cifar10") {
        case "mnist", "mnist-centering":
            guard channels == 1 else {
                throw ModelExportError.invalidArgument(
                    "preprocessing mnist needs a grey (1-channel) input, the model takes "
                        + "\(channels) channels")
            }
            return mnist
        case "cifar10":
            guard channels == 3 else {
                throw ModelExportError.invalidArgument(
                    "preprocessing cifar10 needs an RGB (3-channel) input, the model takes "
                        + "\(channels) channel")
            }
            return cifar10
        case "resize":
            return channels == 3
                ? cifar10
                : ModelDescription.Preprocessing(
                    method: .resize, mean: mnist.mean, standardDeviation: mnist.standardDeviation)
        case let other:
            throw ModelExportError.invalidArgument(
                "unknown preprocessing \(other); known: "
                    + preprocessingKeys.joined(separator: ", "))
        }
    }

    /// The first usual input the network takes.
    static func probeInput(_ network: Layer, architecture: String) throws -> [Int] {
        for shape in [[1, 28, 28], [1, 32, 32], [3, 32, 32], [3, 28, 28]] {
            if (try? network.forward(try Tensor.zeros([1] + shape))) != nil { return shape }
        }
        throw ModelExportError.invalidArgument(
            "\(architecture) takes none of the inputs 1x28x28, 1x32x32, 3x32x32, 3x28x28; "
                + "give --input CxHxW")
    }

    /// The mismatch with both sides' names and shapes.
    static func report(
        _ mismatch: TensorSetMismatch, expected: [String: [Int]], shapes: [String: [Int]],
        sources: [String: String], renamed: [String: String]
    ) -> String {
        func fileName(_ name: String) -> String {
            let source = sources[name] ?? name
            return source == name ? name : "\(source) (read as \(name))"
        }
        var lines: [String] = []
        if !mismatch.missing.isEmpty {
            lines.append(
                "missing from the file (\(mismatch.missing.count)), the model's names and shapes:")
            lines += mismatch.missing.map { "  \($0) \(expected[$0] ?? [])" }
        }
        if !mismatch.unexpected.isEmpty {
            lines.append(
                "unexpected in the file (\(mismatch.unexpected.count)), the file's names and shapes:"
            )
            lines += mismatch.unexpected.map { "  \(fileName($0)) \(shapes[$0] ?? [])" }
        }
        if !mismatch.misshaped.isEmpty {
            lines.append("wrong shape (\(mismatch.misshaped.count)):")
            lines += mismatch.misshaped.map {
                "  \(fileName($0.name)): file \($0.actual), model \($0.expected)"
            }
        }
        if !renamed.isEmpty {
            lines.append("renamed from PyTorch's names:")
            lines += renamed.sorted { $0.key < $1.key }.map { "  \($0.key) -> \($0.value)" }
        }
        return lines.joined(separator: "\n")
    }
}
