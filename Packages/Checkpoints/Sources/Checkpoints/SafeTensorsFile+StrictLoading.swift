import TensorMath

extension SafeTensorsFile {
    /// Checks, from the header alone, that the file holds exactly the tensors of `expected`
    /// (name → shape), without reading any data.
    /// - Parameters:
    ///   - expected: The tensors the caller needs, name → shape (a model's state dictionary's
    ///     shapes).
    ///   - isIgnored: Unexpected names to tolerate; see
    ///     ``TensorSetMismatch/init(expected:actual:ignoringUnexpected:)``.
    /// - Throws: ``CheckpointError/tensorSetMismatch(path:mismatch:)`` naming every missing,
    ///   unexpected and mis-shaped tensor (with both shapes).
    public func validate(
        matching expected: [String: [Int]],
        ignoringUnexpected isIgnored: (String) -> Bool = { _ in false }
    ) throws {
        if let mismatch = TensorSetMismatch(
            expected: expected, actual: shapes, ignoringUnexpected: isIgnored)
        {
            throw CheckpointError.tensorSetMismatch(path: path, mismatch: mismatch)
        }
    }

    /// Loads exactly the tensors of `expected` (name → shape), strictly: the header is
    /// checked with ``validate(matching:ignoringUnexpected:)`` before any data is read.
    /// Ignored unexpected tensors are not loaded.
    /// - Returns: The tensors by name, each with its expected shape.
    /// - Throws: ``CheckpointError/tensorSetMismatch(path:mismatch:)``.
    public func tensors(
        matching expected: [String: [Int]],
        ignoringUnexpected isIgnored: (String) -> Bool = { _ in false }
    ) throws -> [String: Tensor] {
        try validate(matching: expected, ignoringUnexpected: isIgnored)
        var result: [String: Tensor] = [:]
        result.reserveCapacity(expected.count)
        for name in expected.keys { result[name] = try tensor(named: name) }
        return result
    }
}
