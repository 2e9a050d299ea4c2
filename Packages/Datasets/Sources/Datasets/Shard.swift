/// One process's part of every batch in data-parallel training: process `index` of `count`
/// takes a contiguous share of each batch, positions
/// `start + n·index/count ..< start + n·(index+1)/count` of a batch of `n` starting at
/// `start`. Every process builds the same loader (same seed, so the same order and
/// augmentation) with its own shard, so the shares of a batch are exactly that batch, and the
/// data a run sees does not depend on `count`.
///
/// ```swift
/// let loader = try BatchLoader(
///     source: train, batchSize: 128, seed: 42, shard: try Shard(index: rank, count: ranks))
/// // rank 0 of 2: positions 0..<64 of every batch of 128, rank 1: 64..<128
/// ```
public struct Shard: Equatable, Sendable {
    /// This process's number, `0..<count`.
    public let index: Int
    /// The number of processes sharing each batch.
    public let count: Int

    /// The whole of every batch (one process).
    public static let whole = Shard(uncheckedIndex: 0, count: 1)

    /// Process `index` of `count`.
    /// - Throws: ``DatasetError/invalidArgument(operation:reason:)`` unless
    ///   `0 <= index < count`.
    public init(index: Int, count: Int) throws {
        guard count >= 1, (0..<count).contains(index) else {
            throw DatasetError.invalidArgument(
                operation: "Shard", reason: "index \(index) is not in 0..<\(count)")
        }
        self.init(uncheckedIndex: index, count: count)
    }

    private init(uncheckedIndex index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// This process's share `(start, end)` of the positions `batch`.
    public func range(of batch: Range<Int>) -> (start: Int, end: Int) {
        let n = batch.count
        return (batch.lowerBound + n * index / count, batch.lowerBound + n * (index + 1) / count)
    }
}
