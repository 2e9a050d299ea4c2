import Datasets
import Foundation
import TensorMath
import Testing

@Suite struct BatchLoaderTests {
    /// `count` 4x4 RGB images; image n has every byte equal to n, label n mod 3.
    func numbered(_ count: Int) throws -> InMemoryImageDataset {
        let images = try (0..<count).map {
            try Image(width: 4, height: 4, format: .rgb, filledWith: UInt8($0))
        }
        return try InMemoryImageDataset(
            images: images, labels: (0..<count).map { $0 % 3 }, classNames: ["a", "b", "c"])
    }

    /// Every batch of an epoch, as (images, labels, indices).
    func collect(_ loader: BatchLoader, epoch: Int) -> [Batch] {
        Array(loader.batches(epoch: epoch))
    }

    @Test func coversEveryIndexOncePerEpochInSeededOrder() throws {
        let loader = try BatchLoader(source: numbered(10), batchSize: 4, seed: 3)
        let batches = collect(loader, epoch: 0)
        #expect(batches.map(\.count) == [4, 4, 2])
        #expect(loader.batchesPerEpoch == 3)
        let indices = batches.flatMap(\.indices)
        #expect(indices.sorted() == Array(0..<10) && indices != Array(0..<10))
        #expect(indices == loader.order(epoch: 0))
        for batch in batches {
            #expect(batch.images.shape == [batch.count, 3, 4, 4])
            #expect(batch.labels == batch.indices.map { $0 % 3 })
            // Image n is n / 255 everywhere.
            for (n, index) in batch.indices.enumerated() {
                #expect(batch.images.scalars[n * 48] == Float(index) / 255)
            }
        }
        #expect(loader.order(epoch: 1) != loader.order(epoch: 0))
        let unshuffled = try BatchLoader(source: numbered(10), batchSize: 4, shuffle: false)
        #expect(collect(unshuffled, epoch: 5).flatMap(\.indices) == Array(0..<10))
    }

    @Test func dropsTheLastPartialBatchWhenAsked() throws {
        let loader = try BatchLoader(source: numbered(10), batchSize: 4, dropLast: true)
        #expect(loader.batchesPerEpoch == 2)
        #expect(collect(loader, epoch: 0).map(\.count) == [4, 4])
    }

    /// The same seed gives the same batches whatever the number of worker threads.
    @Test func isDeterministicWhateverTheThreadCount() throws {
        let base = try patternImage(width: 6, height: 5, format: .rgb)
        let images = (0..<37).map { i -> Image in
            let image = i % 2 == 0 ? base : base.inverted()
            return i % 3 == 0 ? image.flippedHorizontally() : image
        }
        let source = try InMemoryImageDataset(
            images: images, labels: Array(repeating: 0, count: 37), classNames: ["x"])
        let reference = try BatchLoader(
            source: source, batchSize: 5, seed: 11, augmentation: .cifar,
            normalization: .cifar10, size: Size2D(4, 5), workers: 0)
        let expected = collect(reference, epoch: 2)
        for workers in [1, 2, 3, 8] {
            let loader = try BatchLoader(
                source: source, batchSize: 5, seed: 11, augmentation: .cifar,
                normalization: .cifar10, size: Size2D(4, 5), workers: workers, prefetch: 2)
            let batches = collect(loader, epoch: 2)
            #expect(batches.map(\.images) == expected.map(\.images), "workers: \(workers)")
            #expect(batches.map(\.indices) == expected.map(\.indices))
        }
        let otherSeed = try BatchLoader(
            source: source, batchSize: 5, seed: 12, augmentation: .cifar,
            normalization: .cifar10, size: Size2D(4, 5), workers: 0)
        #expect(collect(otherSeed, epoch: 2).map(\.images) != expected.map(\.images))
    }

    /// Each augmented sample is the original shifted by (dx, dy) in -p...p with zeros coming in,
    /// possibly mirrored; over many samples every variant appears.
    @Test func augmentsWithPaddedCropsAndFlips() throws {
        let image = try patternImage(width: 6, height: 6, format: .grey)
        let source = try InMemoryImageDataset(
            images: Array(repeating: image, count: 200), labels: Array(repeating: 0, count: 200),
            classNames: ["x"])
        let loader = try BatchLoader(
            source: source, batchSize: 50, seed: 5,
            augmentation: Augmentation(cropPadding: 2, horizontalFlip: true), workers: 2)
        var seen = Set<String>()
        for batch in loader.batches(epoch: 0) {
            for n in 0..<batch.count {
                let values = Array(batch.images.scalars[(n * 36)..<((n + 1) * 36)])
                let bytes = values.map { UInt8(($0 * 255).rounded()) }
                let variant = try #require(findVariant(of: image, in: bytes, padding: 2))
                seen.insert(variant)
            }
        }
        #expect(seen.count > 30)  // of the 5 × 5 × 2 = 50 variants
        #expect(seen.contains("0,0,false") && seen.contains("0,0,true"))
    }

    func findVariant(of image: Image, in bytes: [UInt8], padding p: Int) -> String? {
        for dy in -p...p {
            for dx in -p...p {
                for flip in [false, true] {
                    var expected: [UInt8] = []
                    for y in 0..<image.height {
                        for x in 0..<image.width {
                            let sx = (flip ? image.width - 1 - x : x) + dx, sy = y + dy
                            let inside = sx >= 0 && sx < image.width && sy >= 0 && sy < image.height
                            expected.append(inside ? image[sx, sy, 0] : 0)
                        }
                    }
                    if expected == bytes { return "\(dx),\(dy),\(flip)" }
                }
            }
        }
        return nil
    }

    @Test func normalizesConvertsAndResizes() throws {
        let loader = try BatchLoader(
            source: numbered(3), batchSize: 3, shuffle: false, normalization: .mnist,
            format: .grey, size: Size2D(2, 2))
        let batch = try #require(collect(loader, epoch: 0).first)
        #expect(batch.images.shape == [3, 1, 2, 2])
        let expected = (2 / Float(255) - 0.1307) / 0.3081
        #expect(abs(batch.images.scalars[8] - expected) < 1e-5)
        #expect(throws: DatasetError.self) {
            try BatchLoader(
                source: numbered(3), batchSize: 1, normalization: .cifar10, format: .grey)
        }
        #expect(throws: DatasetError.self) { try BatchLoader(source: numbered(3), batchSize: 0) }
    }

    @Test func reportsUnreadableFilesAndKeepsGoing() throws {
        let folder = try TemporaryDirectory()
        for i in 0..<6 {
            try folder.write(
                Image(width: 3, height: 3, format: .rgb, filledWith: UInt8(i)).pngData(),
                to: "only/\(i).png")
        }
        try folder.write(Array("garbage".utf8), to: "only/3.png")
        let jpeg = try Image(width: 30, height: 30, format: .rgb).jpegData()
        try folder.write(Array(jpeg.prefix(jpeg.count / 2)), to: "only/5.png")
        let dataset = try ImageFolder(root: folder.path)
        let loader = try BatchLoader(source: dataset, batchSize: 4, shuffle: false, workers: 2)
        let epoch = loader.batches(epoch: 0)
        let batches = Array(epoch)
        #expect(batches.map(\.count) == [3, 1])
        #expect(batches.flatMap(\.indices) == [0, 1, 2, 4])
        #expect(epoch.failures.count == 2)
        #expect(describes(epoch.failures[0], "3.png") && describes(epoch.failures[1], "5.png"))
        #expect(batches[0].failures.count == 1)
    }

    /// Workers build ahead of the consumer, up to `prefetch` batches beyond the one being
    /// consumed and never further: checked at every decode, and by waiting (not sleeping)
    /// for the window to fill.
    @Test func boundsThePrefetchQueue() throws {
        let counter = CountingSource(count: 400, batchSize: 10, window: 3)
        let loader = try BatchLoader(
            source: counter, batchSize: 10, shuffle: false, format: .grey, size: Size2D(1, 1),
            workers: 2, prefetch: 3)
        let epoch = loader.batches(epoch: 0)
        counter.willTake()
        #expect(epoch.next()?.indices == Array(0..<10))
        // Taken: batch 0; allowed ahead: batches 1...3, which the workers build and stop at.
        // The timeout only ends a hang: a busy machine just takes longer to fill the window.
        #expect(counter.wait(untilDecoded: 40, timeout: 300))
        #expect(counter.decoded == 40)
        var rest = 0
        while true {
            counter.willTake()
            guard epoch.next() != nil else { break }
            rest += 1
        }
        #expect(rest == 39)
        #expect(counter.decoded == 400)
        #expect(counter.decodedBeyondTheWindow.isEmpty)
    }
}

/// A source of 1x1 grey images, read in order in batches of `batchSize`, that counts the
/// decodes and records every sample decoded more than `window` batches beyond the batches the
/// consumer has asked for (``willTake()``).
final class CountingSource: LabeledImageSource, @unchecked Sendable {
    let count: Int
    let classNames = ["x"]
    private let batchSize: Int
    private let window: Int
    private let condition = NSCondition()
    private var calls = 0
    private var requested = 0
    private var beyond: [Int] = []

    init(count: Int, batchSize: Int, window: Int) {
        self.count = count
        self.batchSize = batchSize
        self.window = window
    }

    /// The number of images decoded so far.
    var decoded: Int { locked { calls } }

    /// The indices decoded while their batch was out of the prefetch window.
    var decodedBeyondTheWindow: [Int] { locked { beyond } }

    /// Tells the source that the consumer asks for one more batch.
    func willTake() { locked { requested += 1 } }

    /// Waits until at least `target` images are decoded; false if `timeout` seconds pass first.
    func wait(untilDecoded target: Int, timeout: TimeInterval) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        return locked {
            while calls < target {
                if !condition.wait(until: deadline) { return calls >= target }
            }
            return true
        }
    }

    func label(at index: Int) -> Int { 0 }

    func image(at index: Int) throws -> Image {
        locked {
            calls += 1
            // The queue builds batch b only once b < taken + window, and it takes no more
            // batches than the consumer has asked for.
            if index / batchSize >= requested + window { beyond.append(index) }
            condition.broadcast()
        }
        return try Image(width: 1, height: 1, format: .grey, filledWith: UInt8(index % 256))
    }

    private func locked<T>(_ body: () -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return body()
    }
}
