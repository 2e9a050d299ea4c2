import Datasets
import Foundation
import NeuralNet
import TensorMath

extension NetworkVisualization {
    /// One picture of ``Pictures``: the image and its description (its ``File/name`` is the
    /// file name ``NetworkVisualization/write(_:imagePath:classifier:to:)`` gives it).
    public struct Picture: Sendable {
        /// What the picture shows; `width` and `height` are the image's.
        public var file: File
        /// The RGB (or grey, for the input) picture.
        public var image: Image
    }

    /// The pictures of one image's recorded forward pass, in memory: what `classify
    /// --visualize` writes into its folder (it writes these) and what `classify serve`'s
    /// `:visualize` answers, one code path for both.
    ///
    /// ```swift
    /// let pictures = try NetworkVisualization.Pictures(classifier.trace(image),
    ///                                                  classifier: classifier)
    /// let png = try pictures.input.image.pngData()
    /// for map in pictures.featureMaps { print(map.file.layer, map.file.shape) }
    /// ```
    public struct Pictures: Sendable {
        /// `00-input.png`: the network's input, de-normalized to pixels and enlarged.
        public let input: Picture
        /// `filters-<layer>.png`: the first convolution's filters; `nil` without convolution.
        public let filters: Picture?
        /// `connections-<layer>.png`: the connection table of every partially connected
        /// convolution (LeNet-5's C3, Table I), in network order; empty for other networks.
        public let connectionTables: [Picture]
        /// The feature maps after every convolution, activation, pooling layer and residual
        /// block, in the order the network computes them (see ``NetworkVisualization``).
        public let featureMaps: [Picture]
        /// The most probable class.
        public let prediction: ClassPrediction

        /// Every picture in file order: the input, the filters, the connection tables, the
        /// feature maps.
        public var all: [Picture] {
            [input] + (filters.map { [$0] } ?? []) + connectionTables + featureMaps
        }

        /// Draws the pictures of `trace`, made by `classifier`; nothing runs the network.
        /// - Throws: ``ImageClassifierError/incompatibleModel(path:reason:)`` if the trace
        ///   holds no prediction; ``FeatureMapGrid``'s errors for a picture too large.
        public init(_ trace: ClassificationTrace, classifier: ImageClassifier) throws {
            let pipeline = classifier.pipeline
            let input = trace.input
            guard let prediction = classifier.ranked(trace.probabilities, top: 1).first?.first
            else {
                throw ImageClassifierError.incompatibleModel(
                    path: classifier.source, reason: "the model gives no prediction")
            }
            self.prediction = prediction

            func picture(_ image: Image, _ file: File) -> Picture {
                var file = file
                file.width = image.width
                file.height = image.height
                return Picture(file: file, image: image)
            }

            // The input, de-normalized.
            let inputShape = Array(input.shape.dropFirst())
            let inputScale = FeatureMapGrid.scale(forSide: max(inputShape[1], inputShape[2]))
            let pixels = try Image(
                tensor: input, mean: pipeline.normalization.mean,
                std: pipeline.normalization.std)
            self.input = picture(
                try FeatureMapGrid.upscaled(pixels, by: inputScale),
                File(
                    name: "00-input.png", layer: "input", type: "Input", shape: inputShape,
                    width: 0, height: 0,
                    summary: "the network's input: the image after the model's preprocessing, "
                        + "de-normalized to pixels, enlarged \(inputScale)x"))

            // The first convolution's filters.
            if let first = trace.layers.steps.first(where: { $0.layer is Conv2D }),
                let convolution = first.layer as? Conv2D
            {
                let weight = convolution.weight.value
                let side = max(weight.shape[2], weight.shape[3])
                let scale = FeatureMapGrid.scale(forSide: side, target: 48)
                let inputs = weight.shape[1]
                let colour =
                    inputs == 3
                    ? "in colour (input channels as RGB)"
                    : inputs == 1
                        ? "in grey" : "one grey tile per input channel, a row per filter"
                filters = picture(
                    try FeatureMapGrid.image(filters: weight, scale: scale),
                    File(
                        name: "filters-\(fileName(first.name)).png", layer: first.name,
                        type: "Conv2D", shape: weight.shape, width: 0, height: 0,
                        summary: "the first convolution's \(weight.shape[0]) filters "
                            + "(\(weight.shape[2])x\(weight.shape[3])), \(colour), each min-max "
                            + "normalized, enlarged \(scale)x"))
            } else {
                filters = nil
            }

            // The connection tables of partially connected convolutions (C3).
            connectionTables = try trace.layers.steps.compactMap { step in
                guard let layer = step.layer as? PartiallyConnectedConv2D else { return nil }
                let table = layer.connectionTable
                return picture(
                    try FeatureMapGrid.image(connectionTable: table),
                    File(
                        name: "connections-\(fileName(step.name)).png", layer: step.name,
                        type: "PartiallyConnectedConv2D",
                        shape: [layer.inputChannels, layer.outputChannels], width: 0, height: 0,
                        summary: "the connection table (LeNet-5's Table I for C3): a row per "
                            + "input map (\(layer.inputChannels), top to bottom), a column per "
                            + "output map (\(layer.outputChannels), left to right), filled where "
                            + "the output map takes the input map "
                            + "(\(layer.connectionCount) of \(table.count * layer.outputChannels))")
                )
            }

            // The feature maps, in the order the network computes them.
            var maps: [Picture] = []
            for step in trace.layers.steps {
                guard let kind = kind(of: step.layer), step.output.rank == 4,
                    step.output.shape[0] == 1, step.output.shape[2] * step.output.shape[3] > 1
                else { continue }
                let shape = Array(step.output.shape.dropFirst())
                let scale = FeatureMapGrid.scale(forSide: max(shape[1], shape[2]))
                let name = step.name.isEmpty ? "model" : step.name
                let type = String(describing: Swift.type(of: step.layer))
                maps.append(
                    picture(
                        try FeatureMapGrid.image(featureMaps: step.output, scale: scale),
                        File(
                            name: String(format: "%02d-", maps.count + 1) + fileName(name)
                                + "-\(type.lowercased())-feature-maps.png",
                            layer: name, type: type, shape: shape, width: 0, height: 0,
                            summary: "the \(shape[0]) feature maps (\(shape[1])x\(shape[2])) "
                                + "\(kind), one tile per channel, each min-max normalized, "
                                + "enlarged \(scale)x")))
            }
            featureMaps = maps
        }
    }
}
