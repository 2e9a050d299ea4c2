import Checkpoints

extension ModelRegistry {
    /// The configuration `architecture` stores, decoded as `type`'s: each field missing from
    /// the stored JSON object (or `null` there) takes its value from
    /// ``RegisteredArchitecture/defaultConfiguration``, the others are decoded as stored.
    ///
    /// ```swift
    /// let stored = ModelDescription.Architecture(
    ///     name: "LeNet5", configuration: ["classCount": 4] as JSONValue)
    /// let configuration = try ModelRegistry.configuration(LeNet5.self, of: stored)
    /// // == LeNet5.Configuration(classCount: 4): ReLU, max pooling, 1 channel, 28x28
    /// ```
    /// - Throws: ``ImageClassifierError/invalidConfiguration(architecture:reason:)`` naming the
    ///   architecture and the field that does not decode (a string where a number belongs, an
    ///   unknown activation name), or the configuration when it is not a JSON object.
    public static func configuration<A: RegisteredArchitecture>(
        _ type: A.Type, of architecture: ModelDescription.Architecture
    ) throws -> A.Configuration {
        try configuration(type, from: architecture.configuration)
    }

    /// `json` over the defaults of `type`, decoded (see ``configuration(_:of:)``).
    static func configuration<A: RegisteredArchitecture>(_ type: A.Type, from json: JSONValue)
        throws -> A.Configuration
    {
        do {
            let defaults = try JSONValue(encoding: A.defaultConfiguration)
            return try merging(json, over: defaults).decode(as: A.Configuration.self)
        } catch let error as DecodingError {
            throw ImageClassifierError.invalidConfiguration(
                architecture: A.architecture, reason: describe(error))
        } catch {
            throw ImageClassifierError.invalidConfiguration(
                architecture: A.architecture, reason: "\(error)")
        }
    }

    /// `stored` with the members of `defaults` it lacks: every member of a stored object that
    /// is present and not `null` replaces the default's, as `decodeIfPresent` reads a field.
    /// A stored value that is not an object is returned as it is, for the decoder to refuse.
    static func merging(_ stored: JSONValue, over defaults: JSONValue) -> JSONValue {
        guard case let .object(members) = stored, case var .object(merged) = defaults else {
            return stored
        }
        for (key, value) in members where value != .null {
            merged[key] = value
        }
        return .object(merged)
    }

    /// A one-line account of a decoding error: the field's path and what was wrong.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            keys.isEmpty ? "configuration" : keys.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case let .typeMismatch(type, context):
            return "\(path(context.codingPath)): expected \(type)"
        case let .valueNotFound(type, context):
            return "\(path(context.codingPath)): expected \(type), found null"
        case let .keyNotFound(key, context):
            return "\(path(context.codingPath + [key])): missing"
        case let .dataCorrupted(context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
