import Checkpoints
import Datasets
import TensorMath

/// Turns any decoded image into a model's input, as the model file's description says: the
/// geometric step (MNIST-style digit centring or a plain resize), the colour mode, and the
/// per-channel normalization.
///
/// ```swift
/// let pipeline = try PreprocessingPipeline(description)          // from a model file
/// let input = try pipeline.tensor(for: [try Image(contentsOf: "seven.jpg")])   // [1, 1, 28, 28]
/// ```
///
/// The model file names the geometric method, an open key
/// (``Checkpoints/ModelDescription/Preprocessing/Method``); the pipeline implements these two
/// (``methods``) and refuses any other:
///
/// - ``ModelDescription/Preprocessing/Method/mnistCentering``: the way MNIST itself was made
///   (see ``digitImage(_:)`` and ``centeredDigit(_:width:height:)``): the background is decided
///   from the image, transparency composited onto it, the image turned grey and, for dark ink
///   on light paper, inverted to light ink on black; then the ink's bounding box is scaled
///   into a 20x20 box (for a 28x28 input) keeping its aspect ratio, and placed so that its
///   centre of mass is at the centre.
/// - ``ModelDescription/Preprocessing/Method/resize``: transparency composited onto white,
///   then the colour mode, then a plain resize to the input size (area averaging when
///   shrinking, bilinear when enlarging).
public struct PreprocessingPipeline: Equatable, Sendable {
    /// The model's input: size and colour mode.
    public let input: ModelDescription.Input
    /// The geometric method and the normalization statistics.
    public let preprocessing: ModelDescription.Preprocessing
    /// The normalization applied when images become tensors.
    public let normalization: Normalization

    /// The geometric methods the pipeline implements.
    public static let methods: [ModelDescription.Preprocessing.Method] = [.mnistCentering, .resize]

    /// Creates the pipeline of a model's input and preprocessing.
    /// - Throws: ``ImageClassifierError/unknownPreprocessingMethod(method:known:)`` for a method
    ///   not in ``methods``; ``ImageClassifierError/invalidArgument(operation:reason:)`` if the
    ///   statistics do not give one finite mean and one positive standard deviation per
    ///   channel, or a side is outside `1...ModelDescription.Input.maximumSide`.
    public init(input: ModelDescription.Input, preprocessing: ModelDescription.Preprocessing)
        throws
    {
        guard Self.methods.contains(preprocessing.method) else {
            throw Self.unknown(preprocessing.method)
        }
        let operation = "PreprocessingPipeline"
        let sides = 1...ModelDescription.Input.maximumSide
        guard sides.contains(input.width), sides.contains(input.height) else {
            throw ImageClassifierError.invalidArgument(
                operation: operation,
                reason: "input size \(input.width)x\(input.height) is outside \(sides)")
        }
        let channels = input.channels
        guard preprocessing.mean.count == channels,
            preprocessing.standardDeviation.count == channels,
            preprocessing.standardDeviation.allSatisfy({ $0 > 0 })
        else {
            throw ImageClassifierError.invalidArgument(
                operation: operation,
                reason: "needs one mean and one positive std per channel (\(channels)), got "
                    + "mean \(preprocessing.mean) and std \(preprocessing.standardDeviation)")
        }
        do {
            normalization = try Normalization(
                mean: preprocessing.mean, std: preprocessing.standardDeviation)
        } catch {
            throw ImageClassifierError.invalidArgument(operation: operation, reason: "\(error)")
        }
        self.input = input
        self.preprocessing = preprocessing
    }

    /// Creates the pipeline a model description prescribes.
    /// - Throws: as ``init(input:preprocessing:)``.
    public init(_ description: ModelDescription) throws {
        try self.init(input: description.input, preprocessing: description.preprocessing)
    }

    /// The pixel format of prepared images: grey or RGB.
    public var pixelFormat: PixelFormat { input.colorMode == .grayscale ? .grey : .rgb }

    /// `image` prepared for the model, before normalization: `input.width × input.height`
    /// pixels in the model's colour mode.
    /// - Throws: ``Datasets/DatasetError`` only for an empty (0-pixel) image.
    public func preparedImage(_ image: Image) throws -> Image {
        switch preprocessing.method {
        case .mnistCentering:
            let digit = try PreprocessingPipeline.centeredDigit(
                PreprocessingPipeline.digitImage(image), width: input.width,
                height: input.height)
            return digit.converted(to: pixelFormat)
        case .resize:
            let converted = image.composited(onto: .white).converted(to: pixelFormat)
            let shrinking = image.width >= input.width && image.height >= input.height
            return try converted.resized(
                width: input.width, height: input.height,
                method: shrinking ? .area : .bilinear)
        default:
            throw Self.unknown(preprocessing.method)  // refused by init already
        }
    }

    /// The error for a method the pipeline does not implement.
    static func unknown(_ method: ModelDescription.Preprocessing.Method) -> ImageClassifierError {
        .unknownPreprocessingMethod(method: method.rawValue, known: methods.map(\.rawValue))
    }

    /// The model's input for a batch of images: `[images.count, channels, height, width]`,
    /// each image prepared by ``preparedImage(_:)`` then normalized.
    /// - Throws: ``ImageClassifierError/invalidArgument(operation:reason:)`` for an empty list;
    ///   ``Datasets/DatasetError`` for an empty image.
    public func tensor(for images: [Image]) throws -> Tensor {
        guard !images.isEmpty else {
            throw ImageClassifierError.invalidArgument(
                operation: "PreprocessingPipeline.tensor(for:)", reason: "no images")
        }
        let prepared = try images.map(preparedImage)
        return try Image.tensor(stacking: prepared, normalization: normalization)
    }
}
