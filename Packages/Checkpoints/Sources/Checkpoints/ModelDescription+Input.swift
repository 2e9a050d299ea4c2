extension ModelDescription {
    /// A model's input: the image size it takes and its colour mode. Images are NCHW, so a
    /// batch has shape `[n, channels, height, width]`.
    public struct Input: Codable, Equatable, Sendable {
        /// The largest height or width accepted: 16,384 (a bound against hostile metadata
        /// that would make a reader allocate huge images).
        public static let maximumSide = 16_384

        /// How many colour channels the model sees.
        public enum ColorMode: String, Codable, Sendable, CaseIterable {
            /// One channel (JSON `"grey"`).
            case grayscale = "grey"
            /// Three channels, red, green, blue (JSON `"rgb"`).
            case rgb

            /// The number of channels: 1 or 3.
            public var channels: Int { self == .grayscale ? 1 : 3 }
        }

        /// The image height in pixels.
        public var height: Int
        /// The image width in pixels.
        public var width: Int
        /// The colour mode.
        public var colorMode: ColorMode

        /// The number of channels, from ``colorMode``.
        public var channels: Int { colorMode.channels }

        /// The shape of a batch of `batchSize` inputs: `[batchSize, channels, height, width]`.
        public func shape(batchSize: Int = 1) -> [Int] { [batchSize, channels, height, width] }

        /// Creates an input description.
        public init(height: Int, width: Int, colorMode: ColorMode) {
            self.height = height
            self.width = width
            self.colorMode = colorMode
        }

        private enum CodingKeys: String, CodingKey {
            case height, width, channels
            case colorMode = "color_mode"
        }

        /// Decodes an input; `channels`, written for Python readers, must agree with the
        /// colour mode when present.
        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            height = try container.decode(Int.self, forKey: .height)
            width = try container.decode(Int.self, forKey: .width)
            colorMode = try container.decode(ColorMode.self, forKey: .colorMode)
            if let channels = try container.decodeIfPresent(Int.self, forKey: .channels),
                channels != colorMode.channels
            {
                throw DecodingError.dataCorruptedError(
                    forKey: .channels, in: container,
                    debugDescription: "\(channels) channels disagree with colour mode "
                        + "\(colorMode.rawValue)")
            }
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(height, forKey: .height)
            try container.encode(width, forKey: .width)
            try container.encode(channels, forKey: .channels)
            try container.encode(colorMode, forKey: .colorMode)
        }
    }
}
