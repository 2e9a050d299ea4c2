extension ModelDescription {
    /// A network's architecture: a name that the model library knows (`lenet5`,
    /// `resnet20`) and the configuration that its builder takes, as a JSON object.
    public struct Architecture: Codable, Equatable, Sendable {
        /// The architecture's name.
        public var name: String
        /// The builder's configuration (layer widths, depth, dropout, …); `{}` by default.
        public var configuration: JSONValue

        /// Creates an architecture from a name and a JSON configuration (default `{}`).
        public init(name: String, configuration: JSONValue = .object([:])) {
            self.name = name
            self.configuration = configuration
        }

        /// Creates an architecture whose configuration is any `Encodable` value.
        /// - Throws: ``CheckpointError/invalidArgument(operation:reason:)`` if it does not
        ///   encode.
        public init<Configuration: Encodable>(name: String, configuration: Configuration)
            throws
        {
            do {
                self.init(name: name, configuration: try JSONValue(encoding: configuration))
            } catch {
                throw CheckpointError.invalidArgument(
                    operation: "ModelDescription.Architecture", reason: "\(error)")
            }
        }

        /// The configuration decoded as `type`.
        /// - Throws: ``CheckpointError/invalidMetadata(path:key:reason:)`` (path
        ///   `ModelDescription`, key ``MetadataKey/architecture``) saying which field is
        ///   missing or mistyped.
        public func configuration<Configuration: Decodable>(as type: Configuration.Type)
            throws -> Configuration
        {
            do {
                return try configuration.decode(as: type)
            } catch let error as DecodingError {
                throw CheckpointError.invalidMetadata(
                    path: "ModelDescription", key: MetadataKey.architecture,
                    reason: "configuration of \(name): \(MetadataJSON.describe(error))")
            }
        }
    }
}
