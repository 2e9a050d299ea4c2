import Foundation

extension ModelDescription {
    /// Where a model came from: the command that trained it, its seed, its length, its
    /// final metrics, when, and with which version of the software.
    public struct Provenance: Codable, Equatable, Sendable {
        /// The command line that produced the model.
        public var command: String
        /// The random seed (JSON: a decimal string, since JSON numbers are doubles).
        public var seed: UInt64?
        /// The number of training epochs.
        public var epochs: Int?
        /// Final metrics by name (`test_accuracy`, `test_loss`).
        public var metrics: [String: Double]
        /// When training finished, in ISO 8601 (`2025-01-31T12:00:00Z`).
        public var date: String
        /// The software that wrote the file (`SwiftCNN 1.0`), if known.
        public var version: String?
        /// The data set trained on, if known (`MNIST`).
        public var dataset: String?

        /// Creates a provenance record.
        /// - Parameters:
        ///   - command: The command line that trained the model.
        ///   - seed: Defaults to `nil`.
        ///   - epochs: Defaults to `nil`.
        ///   - metrics: Defaults to none.
        ///   - date: Defaults to now, in ISO 8601 (``timestamp(_:)``).
        ///   - version: Defaults to `nil`.
        ///   - dataset: Defaults to `nil`.
        public init(
            command: String, seed: UInt64? = nil, epochs: Int? = nil,
            metrics: [String: Double] = [:], date: String = Provenance.timestamp(),
            version: String? = nil, dataset: String? = nil
        ) {
            self.command = command
            self.seed = seed
            self.epochs = epochs
            self.metrics = metrics
            self.date = date
            self.version = version
            self.dataset = dataset
        }

        /// `date` in ISO 8601 with seconds, in UTC (`2025-01-31T12:00:00Z`).
        public static func timestamp(_ date: Date = Date()) -> String {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime]
            return formatter.string(from: date)
        }

        private enum CodingKeys: String, CodingKey {
            case command, seed, epochs, metrics, date, version, dataset
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            command = try container.decode(String.self, forKey: .command)
            seed = try container.decodeIfPresent(String.self, forKey: .seed).map { text in
                guard let value = UInt64(text) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .seed, in: container,
                        debugDescription: "seed \"\(text)\" is not a 64-bit unsigned integer")
                }
                return value
            }
            epochs = try container.decodeIfPresent(Int.self, forKey: .epochs)
            metrics = try container.decodeIfPresent([String: Double].self, forKey: .metrics) ?? [:]
            date = try container.decode(String.self, forKey: .date)
            version = try container.decodeIfPresent(String.self, forKey: .version)
            dataset = try container.decodeIfPresent(String.self, forKey: .dataset)
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(command, forKey: .command)
            try container.encodeIfPresent(seed.map(String.init), forKey: .seed)
            try container.encodeIfPresent(epochs, forKey: .epochs)
            try container.encode(metrics, forKey: .metrics)
            try container.encode(date, forKey: .date)
            try container.encodeIfPresent(version, forKey: .version)
            try container.encodeIfPresent(dataset, forKey: .dataset)
        }
    }
}
