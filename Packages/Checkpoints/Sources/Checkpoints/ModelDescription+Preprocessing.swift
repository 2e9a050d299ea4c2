extension ModelDescription {
    /// How an arbitrary image becomes the model's input: first the geometric method, then
    /// the conversion of pixels to `[0, 1]` and the per-channel normalization
    /// `(x − mean[c]) / std[c]`.
    public struct Preprocessing: Codable, Equatable, Sendable {
        /// The geometric step.
        public enum Method: String, Codable, Sendable, CaseIterable {
            /// MNIST-style digit centring (JSON `"mnist-centering"`): the digit's bounding
            /// box is scaled to fit 20×20 pixels, keeping its aspect ratio, and placed so that
            /// its centre of mass is at the centre of the 28×28 input.
            case mnistCentering = "mnist-centering"
            /// A plain resize to the input size (JSON `"resize"`).
            case resize
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
