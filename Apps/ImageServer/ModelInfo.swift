import Checkpoints
import NeuralNet

/// What `GET /v1/models` tells about a served model: its name and version, architecture,
/// classes, input, the preprocessing and provenance stored in its file, and its layers with
/// their output shapes (per image, no batch axis) from a dry run.
public struct ModelInfo: Encodable, Sendable {
    /// One layer (a leaf of the network; containers are not listed).
    public struct LayerInfo: Encodable, Sendable, Equatable {
        /// The position in the list, from 0.
        public var index: Int
        /// The dotted name (`features.0`).
        public var name: String
        /// The layer's type (`Conv2D`).
        public var type: String
        /// The output shape of one image, `[C, H, W]` or `[features]`.
        public var outputShape: [Int]
        /// The layer's trainable scalars.
        public var parameters: Int

        enum CodingKeys: String, CodingKey {
            case index, name, type
            case outputShape = "output_shape"
            case parameters
        }
    }

    /// The input the model takes.
    public struct InputInfo: Encodable, Sendable, Equatable {
        /// 1 (grey) or 3 (RGB).
        public var channels: Int
        /// In pixels.
        public var height: Int
        /// In pixels.
        public var width: Int
    }

    /// The model's name: its file name without extension.
    public var name: String
    /// The first 12 hex digits of the SHA-256 of its file.
    public var version: String
    /// The architecture's registered name (`lenet5`, `mnistnet`).
    public var architecture: String
    /// The class names, in output order.
    public var classes: [String]
    /// The input size and channels.
    public var input: InputInfo
    /// The preprocessing, as in the file.
    public var preprocessing: ModelDescription.Preprocessing
    /// The provenance, as in the file (JSON `null` when the file has none).
    public var provenance: ModelDescription.Provenance?
    /// The model's trainable scalars.
    public var parameters: Int
    /// Every leaf layer, in the order the network runs them.
    public var layers: [LayerInfo]

    /// Describes a model: `summary` is the network's dry run on one image.
    init(name: String, version: String, description: ModelDescription, summary: ModelSummary) {
        self.name = name
        self.version = version
        architecture = description.architecture.name
        classes = description.classNames
        input = InputInfo(
            channels: description.input.channels, height: description.input.height,
            width: description.input.width)
        preprocessing = description.preprocessing
        provenance = description.provenance
        parameters = summary.parameterCount
        layers = summary.rows.filter { !$0.isContainer }.enumerated().map { index, row in
            LayerInfo(
                index: index, name: row.name, type: row.type,
                outputShape: Array(row.outputShape.dropFirst()), parameters: row.parameterCount)
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, version, architecture, classes, input, preprocessing, provenance
        case parameters, layers
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(version, forKey: .version)
        try container.encode(architecture, forKey: .architecture)
        try container.encode(classes, forKey: .classes)
        try container.encode(input, forKey: .input)
        try container.encode(preprocessing, forKey: .preprocessing)
        try container.encode(provenance, forKey: .provenance)  // null when absent
        try container.encode(parameters, forKey: .parameters)
        try container.encode(layers, forKey: .layers)
    }
}
