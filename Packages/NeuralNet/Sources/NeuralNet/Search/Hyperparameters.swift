/// One configuration of a hyper-parameter search: a value per named hyper-parameter, in the
/// order of the search space.
///
/// Typed accessors throw a clear error for a missing name or a wrong type, so a trial closure
/// reads `let rate = try hyperparameters.float("learning_rate")`.
public struct Hyperparameters: Codable, Hashable, Sendable, CustomStringConvertible {
    /// The names and values, in search-space order.
    public var entries: [Entry]

    /// A named value.
    public struct Entry: Codable, Hashable, Sendable {
        /// The hyper-parameter's name.
        public var name: String
        /// Its value.
        public var value: HyperparameterValue

        /// Creates an entry.
        public init(name: String, value: HyperparameterValue) {
            self.name = name
            self.value = value
        }
    }

    /// Creates a configuration from ordered name–value pairs.
    public init(_ entries: [(String, HyperparameterValue)]) {
        self.entries = entries.map { Entry(name: $0.0, value: $0.1) }
    }

    /// The value of `name`, or `nil`.
    public subscript(name: String) -> HyperparameterValue? {
        entries.first { $0.name == name }?.value
    }

    /// `name`'s value as a `Double` (integers convert).
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` if missing or not a number.
    public func double(_ name: String) throws -> Double {
        guard let value = try lookup(name).doubleValue else { throw wrongType(name, "a number") }
        return value
    }

    /// `name`'s value as a `Float`.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` if missing or not a number.
    public func float(_ name: String) throws -> Float { Float(try double(name)) }

    /// `name`'s value as an `Int` (a whole `Double` converts).
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` if missing or not a whole number.
    public func int(_ name: String) throws -> Int {
        switch try lookup(name) {
        case let .int(value): return value
        case let .double(value) where value.rounded() == value && abs(value) < 1e15:
            return Int(value)
        default: throw wrongType(name, "an integer")
        }
    }

    /// `name`'s value as a `String`.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` if missing or not a string.
    public func string(_ name: String) throws -> String {
        guard case let .string(value) = try lookup(name) else { throw wrongType(name, "a string") }
        return value
    }

    /// `name`'s value as a `Bool`.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` if missing or not a flag.
    public func bool(_ name: String) throws -> Bool {
        guard case let .bool(value) = try lookup(name) else { throw wrongType(name, "a flag") }
        return value
    }

    /// Whether `other` has the same names in the same order and the same values, numbers
    /// compared as numbers (a whole `Double` read back from JSON as an ``HyperparameterValue/int(_:)``
    /// equals the `Double`).
    public func hasSameValues(as other: Hyperparameters) -> Bool {
        entries.count == other.entries.count
            && zip(entries, other.entries).allSatisfy { a, b in
                a.name == b.name
                    && (a.value == b.value
                        || (a.value.doubleValue != nil
                            && a.value.doubleValue == b.value.doubleValue))
            }
    }

    /// `name=value` pairs separated by commas: `learning_rate=0.01, batch_size=64`.
    public var description: String {
        entries.map { "\($0.name)=\($0.value)" }.joined(separator: ", ")
    }

    private func lookup(_ name: String) throws -> HyperparameterValue {
        guard let value = self[name] else {
            throw NeuralNetError.invalidConfiguration(
                "hyper-parameter \(name) is not in the configuration (\(description))")
        }
        return value
    }

    private func wrongType(_ name: String, _ expected: String) -> NeuralNetError {
        .invalidConfiguration(
            "hyper-parameter \(name) is \(self[name].map(String.init(describing:)) ?? "missing"), "
                + "not \(expected)")
    }
}
