import ImageClassification

/// The JSON answers of `:classify` and `:visualize`.
enum ClassifyResponses {
    /// One class of a ranking: `{"class":"7","index":7,"probability":0.98}`.
    struct Prediction: Encodable {
        var `class`: String
        var index: Int
        var probability: Float

        init(_ prediction: ClassPrediction) {
            `class` = prediction.className
            index = prediction.classIndex
            probability = prediction.probability
        }
    }

    /// Milliseconds spent queued, in the forward pass, and in the whole request.
    struct Timing: Encodable {
        var queue: Double
        var inference: Double
        var total: Double

        init(queue: Double, inference: Double, total: Double) {
            func ms(_ seconds: Double) -> Double { (seconds * 1e6).rounded() / 1000 }
            self.queue = ms(queue)
            self.inference = ms(inference)
            self.total = ms(total)
        }

        enum CodingKeys: String, CodingKey { case queue, inference, total }
    }

    /// The answer for one raw image.
    struct Single: Encodable {
        var model: String
        var version: String
        var predictions: [Prediction]
        var batchSize: Int
        var timing: Timing

        enum CodingKeys: String, CodingKey {
            case model, version, predictions
            case batchSize = "batch_size"
            case timing = "timing_ms"
        }
    }

    /// One image of a JSON batch: its ranking or its error.
    enum Result: Encodable {
        case predictions([Prediction])
        case error(APIError)

        enum CodingKeys: String, CodingKey { case predictions, error }
        enum ErrorKeys: String, CodingKey { case status, code, message }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .predictions(let predictions):
                try container.encode(predictions, forKey: .predictions)
            case .error(let error):
                var nested = container.nestedContainer(keyedBy: ErrorKeys.self, forKey: .error)
                try nested.encode(error.status, forKey: .status)
                try nested.encode(error.code, forKey: .code)
                try nested.encode(error.message, forKey: .message)
            }
        }
    }

    /// The answer for a JSON batch.
    struct Batch: Encodable {
        var model: String
        var version: String
        var results: [Result]
        var timing: Timing

        enum CodingKeys: String, CodingKey {
            case model, version, results
            case timing = "timing_ms"
        }
    }

    /// A picture as a PNG data URL with its size.
    struct Picture: Encodable {
        var png: String
        var width: Int
        var height: Int
    }

    /// A filters picture: the layer and the picture.
    struct Filters: Encodable {
        var layer: String
        var png: String
        var width: Int
        var height: Int
    }

    /// One layer's feature maps.
    struct Layer: Encodable {
        var index: Int
        var name: String
        var type: String
        var outputShape: [Int]
        var png: String
        var width: Int
        var height: Int
        var summary: String

        enum CodingKeys: String, CodingKey {
            case index, name, type
            case outputShape = "output_shape"
            case png, width, height, summary
        }
    }

    /// The answer of `:visualize`.
    struct Visualization: Encodable {
        var model: String
        var version: String
        var prediction: Prediction
        var probabilities: [Float]
        var input: Picture
        var filters: Filters?
        var layers: [Layer]
        var timing: Timing

        enum CodingKeys: String, CodingKey {
            case model, version, prediction, probabilities, input, filters, layers
            case timing = "timing_ms"
        }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(model, forKey: .model)
            try container.encode(version, forKey: .version)
            try container.encode(prediction, forKey: .prediction)
            try container.encode(probabilities, forKey: .probabilities)
            try container.encode(input, forKey: .input)
            try container.encode(filters, forKey: .filters)  // null without convolution
            try container.encode(layers, forKey: .layers)
            try container.encode(timing, forKey: .timing)
        }
    }
}
