extension Parallel {
    /// Calls `body` with consecutive ranges of `0..<count`, each `chunkSize` long (the last one
    /// may be shorter), spread over the worker threads.
    ///
    /// The chunk boundaries depend only on `count` and `chunkSize`, never on the thread count,
    /// so a kernel that reduces within a chunk in a fixed order gives bit-identical results
    /// for any number of threads. Runs on the calling thread when there is only one chunk.
    public static func forEachChunk(
        of count: Int, chunkSize: Int, _ body: (Range<Int>) -> Void
    ) {
        guard count > 0 else { return }
        let size = Swift.max(1, chunkSize)
        let chunks = (count + size - 1) / size
        if chunks == 1 {
            body(0..<count)
            return
        }
        forEach(chunks) { chunk in
            let start = chunk * size
            body(start..<Swift.min(count, start + size))
        }
    }

    /// The number of items per chunk so that each chunk does about `work` scalar operations
    /// when one item costs `costPerItem` of them (at least one item per chunk).
    public static func itemsPerChunk(costPerItem: Int, work: Int = 1 << 15) -> Int {
        Swift.max(1, work / Swift.max(1, costPerItem))
    }
}
