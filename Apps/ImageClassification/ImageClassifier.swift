import Checkpoints
import Datasets
import Foundation
import ImageModels
import NeuralNet
import TensorMath

/// A trained model ready to classify images: the network rebuilt from a self-describing model
/// file, its weights loaded strictly, in inference mode, with the preprocessing the file
/// prescribes.
///
/// ```swift
/// let classifier = try ImageClassifier(contentsOf: URL(fileURLWithPath: "mnist.safetensors"))
/// let image = try Image(contentsOf: "seven.png")
/// let best = try classifier.predictions(for: [image], top: 3)[0]
/// print(best[0].className, best[0].probability)          // 7 0.992
///
/// for file in try classifier.classify(files: ["seven.png", "missing.png"], top: 3) {
///     print(file.path, (try? file.result.get())?.first?.className ?? "unreadable")
/// }
/// ```
///
/// ``classify(files:top:tracing:_:)`` decodes files with a result per file (a bad file does
/// not stop the others) and runs them in batches; ``trace(_:)`` records every layer's output
/// of one image, which ``NetworkVisualization`` draws.
public final class ImageClassifier {
    /// The model file's description: architecture, classes, input, preprocessing, provenance.
    public let modelDescription: ModelDescription
    /// The network, in inference mode.
    public let network: Layer
    /// How images become the network's input.
    public let pipeline: PreprocessingPipeline
    /// Where the model came from (a path), for error messages.
    public let source: String

    /// The class names, in output order.
    public var classNames: [String] { modelDescription.classNames }

    /// Wraps a network and its description; puts the network in inference mode and runs it
    /// once on a blank input of the declared shape, so that a model whose network disagrees
    /// with its description is refused here, naming the file, not at its first image.
    /// - Parameter source: Names the model in errors; default `"<model>"`.
    /// - Throws: ``ImageClassifierError/incompatibleModel(path:reason:)`` naming `source` for
    ///   a preprocessing method that ``PreprocessingPipeline`` does not implement, a declared
    ///   input side outside 1...``ImageModels/ModelLimits/maxInputSide``, or a network that does
    ///   not take the declared input or does not answer one score per class;
    ///   ``ImageClassifierError/invalidArgument(operation:reason:)`` if the description's
    ///   preprocessing does not fit its input.
    public init(network: Layer, description: ModelDescription, source: String = "<model>")
        throws
    {
        let input = description.input
        let sides = 1...ModelLimits.maxInputSide
        guard sides.contains(input.height), sides.contains(input.width) else {
            throw ImageClassifierError.incompatibleModel(
                path: source,
                reason: "the declared input of \(input.width)x\(input.height) pixels is outside "
                    + "1...\(ModelLimits.maxInputSide) per side (the limit)")
        }
        do {
            self.pipeline = try PreprocessingPipeline(description)
        } catch let error as ImageClassifierError {
            guard case .unknownPreprocessingMethod = error else { throw error }
            throw ImageClassifierError.incompatibleModel(path: source, reason: "\(error)")
        }
        self.modelDescription = description
        self.network = network
        self.source = source
        network.setTraining(false)
        try checkShapes()
    }

    /// Runs the network on one blank input of the declared shape `[1, C, H, W]` and checks
    /// that it answers `[1, classNames.count]`.
    private func checkShapes() throws {
        let input = modelDescription.input
        let output: Tensor
        do {
            output = try network.forward(Tensor.zeros(input.shape(batchSize: 1)))
        } catch {
            throw ImageClassifierError.incompatibleModel(
                path: source,
                reason: "the network does not take the declared \(input.channels)x"
                    + "\(input.height)x\(input.width) input: \(error)")
        }
        guard output.shape == [1, classNames.count] else {
            throw ImageClassifierError.incompatibleModel(
                path: source,
                reason: "the network outputs \(output.shape) for one input, not one score for "
                    + "each of the \(classNames.count) classes the file names")
        }
    }

    /// Loads a self-describing model file: reads its description, rebuilds the architecture
    /// through ``ModelRegistry``, and loads its weights strictly (every tensor of the network
    /// present with its shape, nothing else).
    /// - Throws: ``Checkpoints/CheckpointError`` naming the file (unreadable, not safetensors,
    ///   missing or invalid metadata, missing, unexpected or mis-shaped tensors);
    ///   ``ImageClassifierError`` for an unknown architecture, a bad configuration or an
    ///   unknown preprocessing method, with the file's path.
    public convenience init(contentsOf url: URL) throws {
        try self.init(file: SafeTensorsFile(contentsOf: url))
    }

    /// Loads a model from a safetensors file already opened (or held in memory): as
    /// ``init(contentsOf:)``, with the file's name in errors.
    /// - Throws: As ``init(contentsOf:)``.
    public convenience init(file: SafeTensorsFile) throws {
        let description = try file.modelDescription()
        let network: Layer
        // The file's tensors bound the network: a configuration asking for far more
        // parameters than the file holds values is refused before anything is allocated.
        do {
            network = try ModelLimits.$parameterAllowance.withValue(
                ModelLimits.allowance(forFileValues: file.elementCount)
            ) {
                try ModelRegistry.makeModel(description.architecture)
            }
        } catch let error as ImageClassifierError {
            throw ImageClassifierError.incompatibleModel(path: file.path, reason: "\(error)")
        } catch let error as NeuralNetError {
            throw ImageClassifierError.incompatibleModel(path: file.path, reason: "\(error)")
        }
        let expected = network.stateDictionary.mapValues(\.shape)
        let weights = try file.tensors(matching: expected)
        do {
            try network.loadStateDictionary(weights)
        } catch {
            throw ImageClassifierError.incompatibleModel(path: file.path, reason: "\(error)")
        }
        try self.init(network: network, description: description, source: file.path)
    }

    /// The network's class probabilities for an already preprocessed, normalized input
    /// batch `[N, channels, height, width]`: `[N, classNames.count]`, rows summing to 1.
    /// - Throws: ``ImageClassifierError/incompatibleModel(path:reason:)`` if the network's
    ///   output is not one score per class; the network's errors for an input of the wrong
    ///   shape.
    public func probabilities(forInput input: Tensor) throws -> Tensor {
        try probabilities(fromLogits: network.forward(input), input: input)
    }

    /// The softmax of the network's `logits` for `input`, checked to hold one finite score per
    /// class.
    func probabilities(fromLogits logits: Tensor, input: Tensor) throws -> Tensor {
        let n = input.shape.first ?? 0
        guard logits.shape == [n, classNames.count] else {
            throw ImageClassifierError.incompatibleModel(
                path: source,
                reason: "the network outputs \(logits.shape) for input \(input.shape), not one "
                    + "score for each of the \(classNames.count) classes")
        }
        guard logits.withUnsafeBufferPointer({ $0.allSatisfy(\.isFinite) }) else {
            throw ImageClassifierError.incompatibleModel(
                path: source,
                reason: "the network's scores are not finite (NaN or infinite): its weights "
                    + "are broken or too large")
        }
        return try logits.softmax(alongAxis: 1)
    }

    /// The class probabilities of `images`, each preprocessed as the model file says:
    /// `[images.count, classNames.count]`.
    /// - Throws: ``ImageClassifierError/invalidArgument(operation:reason:)`` for an empty
    ///   list, and the errors of ``probabilities(forInput:)``.
    public func probabilities(for images: [Image]) throws -> Tensor {
        try probabilities(forInput: pipeline.tensor(for: images))
    }

    /// The `top` most probable classes of each image, most probable first (ties in output
    /// order).
    /// - Parameter top: How many classes per image, at least 1 (default 1); more than the
    ///   number of classes gives them all.
    /// - Throws: ``ImageClassifierError/invalidArgument(operation:reason:)`` for `top` below 1
    ///   or an empty list, and the errors of ``probabilities(forInput:)``.
    public func predictions(for images: [Image], top: Int = 1) throws -> [[ClassPrediction]] {
        guard top >= 1 else {
            throw ImageClassifierError.invalidArgument(
                operation: "ImageClassifier.predictions",
                reason: "top must be at least 1, got \(top)")
        }
        return ranked(try probabilities(for: images), top: top)
    }

    /// The `top` most probable classes of each row of a `[N, classes]` probability tensor.
    public func ranked(_ probabilities: Tensor, top: Int) -> [[ClassPrediction]] {
        let classes = classNames.count
        guard probabilities.rank == 2, probabilities.shape[1] == classes, classes > 0 else {
            return []
        }
        let k = min(max(top, 1), classes)
        return probabilities.withUnsafeBufferPointer { values in
            (0..<probabilities.shape[0]).map { row in
                let order = (0..<classes).sorted {
                    let a = values[row * classes + $0], b = values[row * classes + $1]
                    return a != b ? a > b : $0 < $1
                }
                return order.prefix(k).map {
                    ClassPrediction(
                        classIndex: $0, className: classNames[$0],
                        probability: values[row * classes + $0])
                }
            }
        }
    }
}
