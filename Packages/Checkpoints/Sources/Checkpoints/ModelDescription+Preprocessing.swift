extension ModelDescription {
    /// How an arbitrary image becomes the model's input: first the geometric method, then
    /// the conversion of pixels to `[0, 1]` and the per-channel normalization
    /// `(x − mean[c]) / std[c]`.
    public struct Preprocessing: Codable, Equatable, Sendable {
        /// The geometric step, by name: an open key that the model file stores (JSON
        /// `"method"`) and the inference runtime interprets. Any string reads and writes back
        /// unchanged; a runtime refuses a method it does not implement, naming it.
        ///
        /// The methods SwiftCNN's inference pipeline (`ImageClassification`) implements:
        /// - ``mnistCentering`` (`"mnist-centering"`): MNIST-style digit centring: the
        ///   digit's bounding box is scaled to fit 20×20 pixels, keeping its aspect ratio, and
        ///   placed so that its centre of mass is at the centre of the 28×28 input.
        /// - ``resize`` (`"resize"`): a plain resize to the input size.
        ///
        /// ```swift
        /// let method: ModelDescription.Preprocessing.Method = "mnist-centering"
        /// method == .mnistCentering                     // true
        /// ```
        public struct Method: RawRepresentable, Codable, Hashable, Sendable,
            ExpressibleByStringLiteral, CustomStringConvertible
        {
            /// The method's name in model files.
            public var rawValue: String

            /// The method named `rawValue`.
            public init(rawValue: String) {
                self.rawValue = rawValue
            }

            /// The method named `value`.
            public init(stringLiteral value: String) {
                self.init(rawValue: value)
            }

            /// MNIST-style digit centring (JSON `"mnist-centering"`).
            public static let mnistCentering: Method = "mnist-centering"
            /// A plain resize to the input size (JSON `"resize"`).
            public static let resize: Method = "resize"

            /// The name, as model files store it.
            public var description: String { rawValue }
        }

        /// The geometric step.
        public var method: Method
        /// The per-channel mean subtracted after scaling pixels to `[0, 1]`.
        public var mean: [Float]
        /// The per-channel standard deviation divided by (JSON `"std"`).
        public var standardDeviation: [Float]

        /// Creates a preprocessing description; `mean` and `standardDeviation` hold one value
        /// per input channel.
        public init(method: Method, mean: [Float], standardDeviation: [Float]) {
            self.method = method
            self.mean = mean
            self.standardDeviation = standardDeviation
        }

        private enum CodingKeys: String, CodingKey {
            case method, mean
            case standardDeviation = "std"
        }
    }
}
