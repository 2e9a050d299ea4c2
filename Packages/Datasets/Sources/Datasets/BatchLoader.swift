import TensorMath

/// Turns a ``LabeledImageSource`` into mini-batches for training and evaluation: seeded
/// shuffling per epoch, an optional drop-last, augmentation, and normalization, with decoding
/// and augmentation on background threads and a bounded prefetch queue.
///
/// The same seed gives the same batches, whatever the number of worker threads: the order of
/// epoch `e` comes from a generator seeded with `(seed, e)`, and the sample at position `p`
/// of that order is augmented with a generator seeded with `(seed, e, p)`.
///
/// ```swift
/// let loader = try BatchLoader(
///     source: cachedTrain, batchSize: 128, seed: 42,
///     augmentation: .cifar, normalization: .cifar10)
/// for epoch in 0..<30 {
///     for batch in loader.batches(epoch: epoch) {
///         train(batch.images, batch.labels)      // [128, 3, 32, 32], [Int]
///     }
/// }
/// ```
public struct BatchLoader: Sendable {
    /// The data set drawn from.
    public let source: any LabeledImageSource
    /// The number of samples per batch (the last batch may be smaller unless ``dropLast``).
    public let batchSize: Int
    /// Whether each epoch visits the samples in a fresh seeded order.
    public let shuffle: Bool
    /// Whether to leave out a final batch smaller than ``batchSize``.
    public let dropLast: Bool
    /// The seed of the shuffling and the augmentation.
    public let seed: UInt64
    /// The random augmentation applied to each sample.
    public let augmentation: Augmentation
    /// The per-channel normalization of the tensors.
    public let normalization: Normalization
    /// The pixel format every sample is converted to before augmentation.
    public let format: PixelFormat
    /// The size (height × width) of every sample.
    public let size: Size2D
    /// The number of background threads that decode and augment; 0 builds each batch on the
    /// thread that asks for it.
    public let workers: Int
    /// The most batches built ahead of the one being consumed.
    public let prefetch: Int
    /// The part of every batch this loader yields: all of it (``Shard/whole``), or one
    /// process's contiguous share in data-parallel training.
    public let shard: Shard
    /// The normalization's lookup table for ``format``.
    private let table: [Float]

    /// Creates a loader.
    /// - Parameters:
    ///   - source: The data set.
    ///   - batchSize: Samples per batch, at least 1.
    ///   - shuffle: Whether to shuffle each epoch; default `true`.
    ///   - dropLast: Whether to drop a last, smaller batch; default `false`.
    ///   - seed: The seed of shuffling and augmentation; default 0.
    ///   - augmentation: Per-sample random augmentation; default none.
    ///   - normalization: Per-channel normalization; default ``Normalization/unit``.
    ///   - format: The pixel format of the batches, or `nil` (default) for that of the first
    ///     sample that decodes.
    ///   - size: The size (height × width) of every sample, or `nil` (default) for that of
    ///     the first sample that decodes. Samples of another size are resized to it (area
    ///     filter when shrinking, bilinear otherwise).
    ///   - workers: Background threads; default `Parallel.threadCount`; 0 for none.
    ///   - prefetch: Batches prepared ahead, at least 1; default 4.
    ///   - shard: The part of every batch to yield; default ``Shard/whole``.
    /// - Throws: ``DatasetError/invalidArgument(operation:reason:)`` for a batch size below 1,
    ///   negative workers, a prefetch below 1, a normalization that does not fit the format, an
    ///   empty source, or one in which no sample decodes (when `format` or `size` is `nil`).
    public init(
        source: any LabeledImageSource, batchSize: Int, shuffle: Bool = true,
        dropLast: Bool = false, seed: UInt64 = 0, augmentation: Augmentation = .none,
        normalization: Normalization = .unit, format: PixelFormat? = nil, size: Size2D? = nil,
        workers: Int = Parallel.threadCount, prefetch: Int = 4, shard: Shard = .whole
    ) throws {
        let operation = "BatchLoader"
        guard batchSize >= 1, workers >= 0, prefetch >= 1, augmentation.cropPadding >= 0 else {
            throw DatasetError.invalidArgument(
                operation: operation,
                reason: "batchSize \(batchSize) and prefetch \(prefetch) must be at least 1, "
                    + "workers \(workers) and cropPadding \(augmentation.cropPadding) "
                    + "non-negative")
        }
        guard source.count > 0 else {
            throw DatasetError.invalidArgument(operation: operation, reason: "the source is empty")
        }
        var resolvedFormat = format, resolvedSize = size
        if format == nil || size == nil {
            var firstError: DatasetError?
            var probe: Image?
            for i in 0..<source.count {
                do {
                    probe = try source.image(at: i)
                    break
                } catch {
                    firstError = firstError ?? (error as? DatasetError)
                }
            }
            guard let probe else {
                throw DatasetError.invalidArgument(
                    operation: operation,
                    reason: "no sample of the source can be decoded"
                        + (firstError.map { ": \($0)" } ?? ""))
            }
            resolvedFormat = resolvedFormat ?? probe.format
            resolvedSize = resolvedSize ?? Size2D(probe.height, probe.width)
        }
        guard let resolvedFormat, let resolvedSize, resolvedSize.height >= 1,
            resolvedSize.width >= 1
        else {
            throw DatasetError.invalidArgument(
                operation: operation, reason: "sample size \(String(describing: size)) is empty")
        }
        self.table = try normalization.lookupTable(
            channels: resolvedFormat.channels, operation: operation)
        self.source = source
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.seed = seed
        self.augmentation = augmentation
        self.normalization = normalization
        self.format = resolvedFormat
        self.size = resolvedSize
        self.workers = workers
        self.prefetch = prefetch
        self.shard = shard
    }

    /// The number of batches in each epoch.
    public var batchesPerEpoch: Int {
        dropLast ? source.count / batchSize : (source.count + batchSize - 1) / batchSize
    }

    /// The order in which epoch `epoch` visits the samples: a seeded permutation, or
    /// `0..<count` without shuffling.
    public func order(epoch: Int) -> [Int] {
        guard shuffle else { return Array(0..<source.count) }
        var generator = Xoshiro256(seed: epochSeed(epoch), stream: 0)
        return Shuffle.permutation(source.count, using: &generator)
    }

    /// The batches of epoch `epoch`, built ahead on ``workers`` background threads.
    /// Iterate it once; stopping early (dropping it) stops the workers.
    public func batches(epoch: Int) -> Epoch {
        Epoch(loader: self, epoch: epoch)
    }

    /// The seed all of an epoch's randomness derives from.
    func epochSeed(_ epoch: Int) -> UInt64 {
        let epochBits = UInt64(bitPattern: Int64(epoch))
        var mixer = SplitMix64(seed: seed ^ (epochBits &* 0x9E37_79B9_7F4A_7C15))
        return mixer.next()
    }

    /// Builds (this loader's ``shard`` of) batch `number` of an epoch whose order is `order`.
    func makeBatch(_ number: Int, order: [Int], epochSeed: UInt64) -> Batch {
        let (start, end) = shard.range(
            of: number * batchSize..<min(order.count, number * batchSize + batchSize))
        var images: [Image] = [], labels: [Int] = [], indices: [Int] = []
        var failures: [DatasetError] = []
        for position in start..<end {
            let index = order[position]
            do {
                var image = try source.image(at: index)
                if image.format != format { image = image.converted(to: format) }
                image = try image.resized(toFit: size)
                var generator = Xoshiro256(seed: epochSeed, stream: UInt64(position) + 1)
                image = augmentation.apply(to: image, using: &generator)
                images.append(image)
                labels.append(source.label(at: index))
                indices.append(index)
            } catch let error as DatasetError {
                failures.append(error)
            } catch {
                failures.append(.unreadable(path: "sample \(index)", reason: "\(error)"))
            }
        }
        let sampleSize = size.height * size.width * format.channels
        let tensor = try? Tensor(shape: [images.count, format.channels, size.height, size.width]) {
            buffer in
            for (n, image) in images.enumerated() {
                image.writePlanar(into: buffer.baseAddress! + n * sampleSize, table: table)
            }
        }
        return Batch(
            images: tensor ?? Tensor([]), labels: labels, indices: indices, failures: failures)
    }
}
