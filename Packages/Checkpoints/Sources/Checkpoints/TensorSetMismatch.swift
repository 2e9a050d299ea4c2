/// The difference between the tensors a model expects and the tensors a file (or a
/// dictionary) holds: what strict loading reports.
///
/// Loading is strict: a missing, unexpected or mis-shaped tensor is an error, and the error
/// names every such tensor and, for shapes, both shapes:
/// `missing tensors: fc.bias; unexpected tensors: head.weight; tensor conv1.weight has shape
/// [6, 3, 5, 5] in the file, the model expects [6, 1, 5, 5]`.
public struct TensorSetMismatch: Error, Equatable, Sendable, CustomStringConvertible {
    /// A tensor present on both sides with different shapes.
    public struct ShapeMismatch: Equatable, Sendable {
        /// The tensor's name.
        public var name: String
        /// The shape the model expects.
        public var expected: [Int]
        /// The shape found.
        public var actual: [Int]

        /// Creates a shape mismatch record.
        public init(name: String, expected: [Int], actual: [Int]) {
            self.name = name
            self.expected = expected
            self.actual = actual
        }
    }

    /// Expected names that are absent, sorted.
    public var missing: [String]
    /// Names present but not expected, sorted.
    public var unexpected: [String]
    /// Names on both sides whose shapes differ, sorted by name.
    public var misshaped: [ShapeMismatch]

    /// Compares `actual` shapes with `expected` ones; returns `nil` when they match exactly.
    /// - Parameters:
    ///   - expected: The tensors needed, name → shape.
    ///   - actual: The tensors present, name → shape.
    ///   - isIgnored: Unexpected names for which this returns `true` are not reported (for
    ///     example PyTorch's BatchNorm counters,
    ///     `{ $0.hasSuffix(".num_batches_tracked") }`). Defaults to ignoring nothing.
    public init?(
        expected: [String: [Int]], actual: [String: [Int]],
        ignoringUnexpected isIgnored: (String) -> Bool = { _ in false }
    ) {
        missing = expected.keys.filter { actual[$0] == nil }.sorted()
        unexpected = actual.keys.filter { expected[$0] == nil && !isIgnored($0) }.sorted()
        misshaped = expected.compactMap { name, shape in
            guard let found = actual[name], found != shape else { return nil }
            return ShapeMismatch(name: name, expected: shape, actual: found)
        }.sorted { $0.name < $1.name }
        if missing.isEmpty && unexpected.isEmpty && misshaped.isEmpty { return nil }
    }

    public var description: String {
        var parts: [String] = []
        if !missing.isEmpty {
            parts.append("missing tensors: \(missing.joined(separator: ", "))")
        }
        if !unexpected.isEmpty {
            parts.append("unexpected tensors: \(unexpected.joined(separator: ", "))")
        }
        for item in misshaped {
            parts.append(
                "tensor \(item.name) has shape \(item.actual) in the file, the model expects "
                    + "\(item.expected)")
        }
        return parts.joined(separator: "; ")
    }
}
