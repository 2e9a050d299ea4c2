import Foundation
import TensorMath

/// The hyper-parameters a search explores, each with its domain, in order.
///
/// Grid search needs every domain to be finite (``Domain/choices(_:)`` or
/// ``Domain/integers(_:)``); random search samples every domain, continuous ones included.
///
/// ```swift
/// let space = try SearchSpace([
///     ("learning_rate", .logUniform(1e-4...1e-1)),
///     ("batch_size", .choices([32, 64, 128])),
///     ("optimizer", .choices(["sgd", "adam"])),
/// ])
/// ```
public struct SearchSpace: Codable, Hashable, Sendable {
    /// The values a hyper-parameter can take.
    public enum Domain: Codable, Hashable, Sendable {
        /// Listed values; grid search tries each, random search picks one uniformly.
        case choices([HyperparameterValue])
        /// Every integer of a closed range, uniformly.
        case integers(ClosedRange<Int>)
        /// A `Double` uniform in the range (random search only).
        case uniform(ClosedRange<Double>)
        /// A `Double` whose logarithm is uniform in the range's logarithms, for rates and
        /// decays spanning orders of magnitude (random search only; bounds > 0).
        case logUniform(ClosedRange<Double>)

        /// The values grid search tries, or `nil` for a continuous domain.
        public var gridValues: [HyperparameterValue]? {
            switch self {
            case let .choices(values): return values
            case let .integers(range): return range.map { .int($0) }
            case .uniform, .logUniform: return nil
            }
        }

        /// A value drawn with `generator`.
        public func sample<G: RandomNumberGenerator>(using generator: inout G)
            -> HyperparameterValue
        {
            switch self {
            case let .choices(values):
                return values[Int(generator.next() % UInt64(values.count))]
            case let .integers(range):
                let width = UInt64(range.upperBound - range.lowerBound) + 1
                return .int(range.lowerBound + Int(generator.next() % width))
            case let .uniform(range):
                return .double(
                    range.lowerBound + unit(&generator)
                        * (range.upperBound
                            - range.lowerBound))
            case let .logUniform(range):
                let (low, high) = (log(range.lowerBound), log(range.upperBound))
                return .double(exp(low + unit(&generator) * (high - low)))
            }
        }

        /// A uniform `Double` in `[0, 1)` with 53 random bits.
        private func unit<G: RandomNumberGenerator>(_ generator: inout G) -> Double {
            Double(generator.next() >> 11) * 0x1p-53
        }
    }

    /// The hyper-parameters in order.
    public private(set) var dimensions: [Dimension]

    /// A named domain.
    public struct Dimension: Codable, Hashable, Sendable {
        /// The hyper-parameter's name.
        public var name: String
        /// Its domain.
        public var domain: Domain
    }

    /// Creates a search space.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` for an empty or duplicate name, an
    ///   empty choice list, or a range that is not finite (log-uniform: not positive).
    public init(_ dimensions: [(String, Domain)]) throws {
        self.dimensions = dimensions.map { Dimension(name: $0.0, domain: $0.1) }
        try validate()
    }

    /// Decodes a search space and validates it as ``init(_:)`` does.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        dimensions = try container.decode([Dimension].self, forKey: .dimensions)
        try validate()
    }

    private enum CodingKeys: String, CodingKey { case dimensions }

    private func validate() throws {
        var names = Set<String>()
        for (name, domain) in dimensions.map({ ($0.name, $0.domain) }) {
            try require(
                !name.isEmpty && names.insert(name).inserted,
                "SearchSpace: hyper-parameter names must be unique and non-empty: \(name)")
            switch domain {
            case let .choices(values):
                try require(!values.isEmpty, "SearchSpace: \(name) has no choices")
            case let .integers(range):
                let width = range.upperBound.subtractingReportingOverflow(range.lowerBound)
                try require(
                    !width.overflow && width.partialValue < Int(UInt32.max),
                    "SearchSpace: \(name) has too wide an integer range")
            case let .uniform(range):
                try require(
                    range.lowerBound.isFinite && range.upperBound.isFinite,
                    "SearchSpace: \(name) needs a finite range")
            case let .logUniform(range):
                try require(
                    range.lowerBound > 0 && range.upperBound.isFinite,
                    "SearchSpace: \(name) needs a finite positive range for log-uniform")
            }
        }
    }

    /// Every combination of the grid values, the last hyper-parameter varying fastest.
    /// - Throws: ``NeuralNetError/invalidConfiguration(_:)`` for a continuous domain or a grid
    ///   of more than `limit` configurations.
    public func grid(limit: Int = 100_000) throws -> [Hyperparameters] {
        var lists: [[HyperparameterValue]] = []
        var size = 1
        for dimension in dimensions {
            guard let values = dimension.domain.gridValues else {
                throw NeuralNetError.invalidConfiguration(
                    "SearchSpace: \(dimension.name) is continuous; grid search needs choices")
            }
            size = size.multipliedReportingOverflow(by: values.count).partialValue
            try require(size <= limit, "SearchSpace: the grid has more than \(limit) points")
            lists.append(values)
        }
        var result: [[HyperparameterValue]] = [[]]
        for values in lists {
            result = result.flatMap { prefix in values.map { prefix + [$0] } }
        }
        return result.map { Hyperparameters(Array(zip(dimensions.map(\.name), $0))) }
    }

    /// One configuration drawn with `generator`, dimension by dimension in order.
    public func sample<G: RandomNumberGenerator>(using generator: inout G) -> Hyperparameters {
        Hyperparameters(dimensions.map { ($0.name, $0.domain.sample(using: &generator)) })
    }
}
