import Datasets
import Foundation
import NeuralNet
import TensorMath

/// What each layer of a classifier sees for one image, as pictures in a folder (`classify
/// --visualize DIR IMAGE`):
///
/// - `00-input.png`: the network's input after the model's own preprocessing, de-normalized
///   back to pixels;
/// - `filters-<layer>.png`: the first convolution's filters
///   (``FeatureMapGrid/image(filters:scale:gap:)``);
/// - `connections-<layer>.png`: the connection table of a partially connected convolution
///   (LeNet-5's C3), a 6x16 grid filled where connected
///   (``FeatureMapGrid/image(connectionTable:cell:gap:)``);
/// - `NN-<layer>-<kind>-feature-maps.png`, numbered in the order the network computes them:
///   the feature maps (``FeatureMapGrid/image(featureMaps:scale:gap:)``) after every
///   convolution (partially connected ones included), activation (ReLU, leaky ReLU, tanh,
///   scaled tanh, sigmoid), pooling or trainable subsampling layer and residual block, e.g. `03-features.3-conv2d-feature-maps.png`. Batch normalization is left out (a
///   per-channel affine map of the convolution before it, so its normalized tiles repeat that
///   convolution's), and so are dropout (the identity in inference) and outputs of 1x1 pixel;
/// - `legend.txt`: every file with its layer, type, shape and what it shows, and the top
///   prediction.
///
/// ```swift
/// let classifier = try ImageClassifier(contentsOf: modelURL)
/// let result = try NetworkVisualization.write(
///     image: try Image(contentsOf: "seven.png"), imagePath: "seven.png",
///     classifier: classifier, to: "seven-layers")
/// print(result.prediction.className, result.files.count)
/// ```
///
/// The pictures come from one recorded forward pass (``ClassificationTrace``): a trace made
/// while classifying (``ImageClassifier/classify(files:top:tracing:_:)`` with `tracing`) is
/// drawn with ``write(_:imagePath:classifier:to:)`` without running the network again.
public struct NetworkVisualization {
    /// One file written.
    public struct File: Equatable, Sendable {
        /// The file name inside the folder.
        public var name: String
        /// The layer's dotted name (`features.3`), or `input`.
        public var layer: String
        /// The layer's type (`Conv2D`), or `Input`.
        public var type: String
        /// The picture's tensor shape: `[C, H, W]` for the input and feature maps, the weight's
        /// `[O, I, KH, KW]` for filters.
        public var shape: [Int]
        /// The image's size in pixels.
        public var width: Int
        /// The image's height in pixels.
        public var height: Int
        /// What the picture shows, in a sentence.
        public var summary: String
    }

    /// The folder written to.
    public let directory: String
    /// The image files, in order (`legend.txt` not included).
    public let files: [File]
    /// The most probable class.
    public let prediction: ClassPrediction
    /// The text of `legend.txt`.
    public let legend: String

    /// The name of the legend file.
    public static let legendName = "legend.txt"

    /// Runs `classifier` on `image` once (``ImageClassifier/trace(_:)``) and writes the
    /// pictures and the legend into `directory` (see ``write(_:imagePath:classifier:to:)``).
    /// - Parameters:
    ///   - image: The decoded image, before preprocessing.
    ///   - imagePath: The image's path, for the legend.
    ///   - classifier: The model.
    ///   - directory: The output folder.
    /// - Throws: The classifier's errors (an empty image, a network that does not fit its
    ///   description), and those of ``write(_:imagePath:classifier:to:)``.
    public static func write(
        image: Image, imagePath: String, classifier: ImageClassifier, to directory: String
    ) throws -> NetworkVisualization {
        try write(
            classifier.trace(image), imagePath: imagePath, classifier: classifier, to: directory)
    }

    /// Writes the pictures of one image's recorded forward pass, and the legend with its top
    /// prediction, into `directory` (created with its parents if missing; existing files of
    /// the same names are replaced). Nothing runs the network again.
    /// - Parameters:
    ///   - trace: The image's trace by `classifier` (``ImageClassifier/trace(_:)``, or
    ///     ``FileClassification/trace`` from a classification with `tracing`).
    ///   - imagePath: The image's path, for the legend.
    ///   - classifier: The model that made the trace.
    ///   - directory: The output folder.
    /// - Throws: ``ImageClassifierError/cannotWrite(path:message:)`` naming the folder or file
    ///   that could not be written; ``ImageClassifierError/incompatibleModel(path:reason:)`` if
    ///   the trace holds no prediction.
    public static func write(
        _ trace: ClassificationTrace, imagePath: String, classifier: ImageClassifier,
        to directory: String
    ) throws -> NetworkVisualization {
        let pictures = try Pictures(trace, classifier: classifier)
        try createDirectory(directory)
        for picture in pictures.all {
            let path = (directory as NSString).appendingPathComponent(picture.file.name)
            do { try picture.image.write(to: path, as: .png) } catch {
                throw ImageClassifierError.cannotWrite(
                    path: path, message: "cannot write \(path): \(error)")
            }
        }
        let files = pictures.all.map(\.file)
        let legend = legendText(
            files: files, imagePath: imagePath, classifier: classifier,
            prediction: pictures.prediction)
        let legendPath = (directory as NSString).appendingPathComponent(legendName)
        do {
            try Data(legend.utf8).write(to: URL(fileURLWithPath: legendPath), options: .atomic)
        } catch {
            throw ImageClassifierError.cannotWrite(
                path: legendPath,
                message: "cannot write \(legendPath): \(error.localizedDescription)")
        }
        return NetworkVisualization(
            directory: directory, files: files, prediction: pictures.prediction, legend: legend)
    }

    /// What the output of `layer` is called in the legend, or `nil` for a layer not drawn.
    static func kind(of layer: Layer) -> String? {
        switch layer {
        case is Conv2D: return "out of the convolution"
        case is ReLU: return "after the ReLU"
        case is LeakyReLU: return "after the leaky ReLU"
        case is Tanh: return "after the tanh"
        case is Sigmoid: return "after the sigmoid"
        case is MaxPool2D: return "after max pooling"
        case is AvgPool2D: return "after average pooling"
        case is SumPool2D: return "after sum pooling"
        case is Residual: return "out of the residual block (its sum with the shortcut)"
        case is ScaledTanh: return "after the scaled tanh"
        case is Subsampling2D: return "after the trainable subsampling"
        case is PartiallyConnectedConv2D: return "out of the partially connected convolution"
        default: return nil
        }
    }

    /// A layer name safe in a file name (dots kept).
    static func fileName(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" ? $0 : "-" })
    }

    /// Creates `directory` with its parents, or checks that it is a folder.
    static func createDirectory(_ directory: String) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder) {
            guard isFolder.boolValue else {
                throw ImageClassifierError.cannotWrite(
                    path: directory,
                    message: "cannot write into \(directory): it is a file, not a folder")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ImageClassifierError.cannotWrite(
                path: directory,
                message: "cannot create the folder \(directory): \(error.localizedDescription)")
        }
    }

    /// The text of `legend.txt`.
    static func legendText(
        files: [File], imagePath: String, classifier: ImageClassifier,
        prediction: ClassPrediction
    ) -> String {
        let description = classifier.modelDescription
        let input = description.input
        let percent = String(format: "%.1f%%", Double(prediction.probability) * 100)
        var lines = [
            "What each layer of the network sees (classify --visualize)",
            "",
            "image:      \(imagePath)",
            "model:      \(classifier.source) (\(description.architecture.name))",
            "input:      [\(input.channels), \(input.height), \(input.width)] "
                + "\(input.colorMode.rawValue), normalized with mean "
                + "\(description.preprocessing.mean) and std "
                + "\(description.preprocessing.standardDeviation)",
            "prediction: \(prediction.className) (\(percent))",
            "",
            "Feature-map grids show one tile per channel, left to right then top to bottom in",
            "channel order, with steel-blue lines between tiles. Each tile is min-max normalized",
            "on its own (its minimum black, its maximum white; a constant map, such as a channel",
            "the ReLU silenced, is black) and enlarged with nearest neighbour. Batch-norm outputs",
            "are left out: they are per-channel affine maps of the convolution before them.",
            "",
        ]
        let rows =
            [["file", "layer", "type", "shape", "size", "shows"]]
            + files.map {
                [
                    $0.name, $0.layer, $0.type,
                    "[" + $0.shape.map(String.init).joined(separator: ",") + "]",
                    "\($0.width)x\($0.height)", $0.summary,
                ]
            }
        let widths = (0..<5).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            var line = ""
            for column in 0..<5 {
                line +=
                    row[column]
                    + String(repeating: " ", count: widths[column] - row[column].count + 2)
            }
            lines.append(line + row[5])
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
