import Datasets
import Foundation
import TensorMath
import Testing

/// `BatchLoader(shard:)`: the shares of every batch are that batch, in order, with the same
/// augmentation, for any number of processes.
@Suite struct ShardTests {
    /// `count` 6x6 grey images; image n has every byte equal to n.
    func numbered(_ count: Int) throws -> InMemoryImageDataset {
        let images = try (0..<count).map {
            try Image(width: 6, height: 6, format: .grey, filledWith: UInt8($0 * 3))
        }
        return try InMemoryImageDataset(
            images: images, labels: (0..<count).map { $0 % 2 }, classNames: ["a", "b"])
    }

    @Test(arguments: [1, 2, 3, 5]) func sharesMakeUpEveryBatch(processes: Int) throws {
        // 11 images in batches of 4: the last batch of 3 leaves process 3 of 5 nothing.
        let source = try numbered(11)
        let augmentation = Augmentation(cropPadding: 2, horizontalFlip: true)
        let whole = try BatchLoader(
            source: source, batchSize: 4, seed: 7, augmentation: augmentation, workers: 0)
        let shares = try (0..<processes).map { index in
            Array(
                try BatchLoader(
                    source: source, batchSize: 4, seed: 7, augmentation: augmentation,
                    workers: 2, shard: Shard(index: index, count: processes)
                ).batches(epoch: 1))
        }
        let batches = Array(whole.batches(epoch: 1))
        for share in shares { #expect(share.count == batches.count) }
        for (number, batch) in batches.enumerated() {
            let parts = shares.map { $0[number] }
            #expect(parts.flatMap(\.indices) == batch.indices)
            #expect(parts.flatMap(\.labels) == batch.labels)
            #expect(parts.flatMap { $0.images.scalars } == batch.images.scalars)
            #expect(parts.map(\.count).max()! - parts.map(\.count).min()! <= 1)
        }
    }

    @Test func rejectsAnIndexOutsideTheCount() {
        #expect(throws: DatasetError.self) { try Shard(index: 2, count: 2) }
        #expect(throws: DatasetError.self) { try Shard(index: 0, count: 0) }
        #expect(Shard.whole.range(of: 8..<12) == (8, 12))
    }
}
