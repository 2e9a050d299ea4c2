/// The part of ONNX's object model an exported classifier uses (field numbers from
/// onnx/onnx.proto3), built by ``ONNXExporter`` and encoded by ``ONNXGraph/modelBytes()``.

/// One attribute of a node: an integer, a float, a list of integers, or a string.
public enum ONNXAttributeValue: Equatable, Sendable {
    /// `AttributeProto.i`, type INT (2).
    case int(Int)
    /// `AttributeProto.f`, type FLOAT (1).
    case float(Float)
    /// `AttributeProto.ints`, type INTS (7).
    case ints([Int])
    /// `AttributeProto.s`, type STRING (3).
    case string(String)
}

/// A graph node: `op_type(inputs) -> outputs` with named attributes (in the given order).
public struct ONNXNode: Equatable, Sendable {
    /// The node's name (the layer's dotted path, or a path with a suffix).
    public var name: String
    /// The operator, `Conv`, `Gemm`, `Relu`, ….
    public var opType: String
    /// The names of the values it reads (empty string: an omitted optional input).
    public var inputs: [String]
    /// The names of the values it produces.
    public var outputs: [String]
    /// Attributes, in the order written.
    public var attributes: [(name: String, value: ONNXAttributeValue)]

    /// Creates a node.
    public init(
        name: String, opType: String, inputs: [String], outputs: [String],
        attributes: [(name: String, value: ONNXAttributeValue)] = []
    ) {
        self.name = name
        self.opType = opType
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
    }

    public static func == (a: ONNXNode, b: ONNXNode) -> Bool {
        a.name == b.name && a.opType == b.opType && a.inputs == b.inputs
            && a.outputs == b.outputs && a.attributes.map(\.name) == b.attributes.map(\.name)
            && a.attributes.map(\.value) == b.attributes.map(\.value)
    }
}

/// A constant tensor of the graph (a weight, a running statistic, a shape): float32 or int64.
public struct ONNXInitializer: Equatable, Sendable {
    /// The element type and values.
    public enum Values: Equatable, Sendable {
        /// `TensorProto.DataType.FLOAT` (1), stored as `raw_data`, little-endian.
        case float([Float])
        /// `TensorProto.DataType.INT64` (7), stored as `raw_data`, little-endian.
        case int64([Int64])
    }

    /// The name (the state dictionary's for weights: `features.0.weight`).
    public var name: String
    /// The shape.
    public var shape: [Int]
    /// The values, row-major.
    public var values: Values

    /// Creates an initializer.
    public init(name: String, shape: [Int], values: Values) {
        self.name = name
        self.shape = shape
        self.values = values
    }
}

/// A graph input or output: a float tensor whose first dimension is the symbolic batch size
/// `N` and whose other dimensions are fixed.
public struct ONNXValueInfo: Equatable, Sendable {
    /// The value's name (`input`, `logits`).
    public var name: String
    /// The dimensions after the batch dimension (`[1, 28, 28]`, `[10]`).
    public var sampleShape: [Int]

    /// Creates a value description.
    public init(name: String, sampleShape: [Int]) {
        self.name = name
        self.sampleShape = sampleShape
    }
}

/// An ONNX model: one graph, its opset, producer and metadata.
public struct ONNXGraph: Equatable, Sendable {
    /// ONNX IR version 8 (ONNX 1.10+, the IR of opset 17's release line).
    public static let irVersion = 8
    /// The default-domain opset the nodes follow.
    public static let opsetVersion = 17

    /// The graph's name (the architecture's).
    public var name: String
    /// The nodes, in topological order.
    public var nodes: [ONNXNode]
    /// The constant tensors.
    public var initializers: [ONNXInitializer]
    /// The graph's input, `[N, C, H, W]`.
    public var input: ONNXValueInfo
    /// The graph's output, `[N, classes]` logits.
    public var output: ONNXValueInfo
    /// `metadata_props`, written sorted by key.
    public var metadata: [String: String]
    /// `producer_name`.
    public var producerName: String
    /// `producer_version`.
    public var producerVersion: String

    /// Creates a model.
    public init(
        name: String, nodes: [ONNXNode], initializers: [ONNXInitializer], input: ONNXValueInfo,
        output: ONNXValueInfo, metadata: [String: String], producerName: String,
        producerVersion: String
    ) {
        self.name = name
        self.nodes = nodes
        self.initializers = initializers
        self.input = input
        self.output = output
        self.metadata = metadata
        self.producerName = producerName
        self.producerVersion = producerVersion
    }
}
