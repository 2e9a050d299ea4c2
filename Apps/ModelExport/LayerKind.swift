import NeuralNet
import TensorMath

/// The layer types the exporters translate, recognized once for both targets (ONNX and
/// PyTorch). A network is walked through its containers (``NeuralNet/Sequential``,
/// ``NeuralNet/Residual``) down to these leaves; any other type is refused by name.
enum LayerKind {
    case sequential(Sequential)
    case residual(Residual)
    case conv2D(Conv2D)
    case linear(Linear)
    case relu
    case leakyReLU(slope: Float)
    case tanh
    case sigmoid
    case softmax(axis: Int)
    case maxPool(Pooling2D)
    case averagePool(Pooling2D)
    case sumPool(Pooling2D)
    case globalAveragePool
    case batchNorm(BatchNorm)
    case dropout(rate: Float)
    case flatten(start: Int, end: Int)
    case subsampling(Subsampling2D)
    case partiallyConnectedConv2D(PartiallyConnectedConv2D)
    case scaledTanh(amplitude: Float, slope: Float)
    case euclideanRBF(EuclideanRBF)

    /// The type names the exporters accept, for error messages.
    static let supportedTypeNames = [
        "Sequential", "Residual", "Conv2D", "Linear", "ReLU", "LeakyReLU", "Tanh", "Sigmoid",
        "Softmax", "MaxPool2D", "AvgPool2D", "SumPool2D", "GlobalAvgPool2D", "BatchNorm1D",
        "BatchNorm2D", "Dropout", "Flatten", "Subsampling2D", "PartiallyConnectedConv2D",
        "ScaledTanh", "EuclideanRBF",
    ]

    /// The layer's kind, or ``ModelExportError/unsupportedLayer(path:type:target:)`` naming
    /// its path and type.
    init(_ layer: Layer, path: String, target: String) throws {
        switch layer {
        case let layer as Sequential: self = .sequential(layer)
        case let layer as Residual: self = .residual(layer)
        case let layer as Conv2D: self = .conv2D(layer)
        case let layer as Linear: self = .linear(layer)
        case is ReLU: self = .relu
        case let layer as LeakyReLU: self = .leakyReLU(slope: layer.slope)
        case is Tanh: self = .tanh
        case is Sigmoid: self = .sigmoid
        case let layer as Softmax: self = .softmax(axis: layer.axis)
        case let layer as MaxPool2D: self = .maxPool(layer.pooling)
        case let layer as AvgPool2D: self = .averagePool(layer.pooling)
        case let layer as SumPool2D: self = .sumPool(layer.pooling)
        case is GlobalAvgPool2D: self = .globalAveragePool
        case let layer as BatchNorm where layer is BatchNorm1D || layer is BatchNorm2D:
            self = .batchNorm(layer)
        case let layer as Dropout: self = .dropout(rate: layer.rate)
        case let layer as Flatten: self = .flatten(start: layer.startAxis, end: layer.endAxis)
        case let layer as Subsampling2D: self = .subsampling(layer)
        case let layer as PartiallyConnectedConv2D: self = .partiallyConnectedConv2D(layer)
        case let layer as ScaledTanh:
            self = .scaledTanh(amplitude: layer.amplitude, slope: layer.slope)
        case let layer as EuclideanRBF: self = .euclideanRBF(layer)
        default:
            throw ModelExportError.unsupportedLayer(
                path: path, type: LayerKind.typeName(of: layer), target: target)
        }
    }

    /// The layer's type name (`Conv2D`), as ``NeuralNet/ModelSummary`` shows it.
    static func typeName(of layer: Layer) -> String {
        String(describing: type(of: layer))
    }

    /// `prefix.name`, or `name` at the top.
    static func join(_ prefix: String, _ name: String) -> String {
        prefix.isEmpty ? name : "\(prefix).\(name)"
    }
}
