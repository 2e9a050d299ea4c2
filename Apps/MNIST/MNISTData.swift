import AppSupport
import Datasets
import Foundation
import TensorMath

/// MNIST in memory, normalized with MNIST's mean and standard deviation, as the apps train on.
struct MNISTData {
    let images: Tensor
    let labels: [Int]

    /// Loads a split from the resolved location, with a clear error when it is missing.
    init(flag: String?, split: MNIST.Split) throws {
        let location = DataLocation(
            flag: flag, environmentVariable: "MNIST_DIR", defaultPath: "data/mnist")
        guard location.exists else {
            throw MNISTAppError(
                "no MNIST data at \(location.path) (chosen by \(location.source)); "
                    + "download it with `mnist download --to \(location.path)`, "
                    + "or pass --data DIR / set MNIST_DIR")
        }
        let mnist = try MNIST(directory: location.path, split: split)
        images = (mnist.images - 0.1307) / 0.3081
        labels = mnist.labels
    }

    init(images: Tensor, labels: [Int]) {
        self.images = images
        self.labels = labels
    }

    var count: Int { labels.count }

    /// The samples at `indices`.
    func subset(_ indices: [Int]) throws -> MNISTData {
        MNISTData(images: try images.gathering(batch: indices), labels: indices.map { labels[$0] })
    }

    /// Batches in a seeded order for `epoch` (shuffled), or in file order.
    func batches(size: Int, shuffleSeed: UInt64?, epoch: Int) throws
        -> [(images: Tensor, labels: [Int])]
    {
        var order = Array(0..<count)
        if let shuffleSeed {
            var generator = Xoshiro256(seed: shuffleSeed, stream: UInt64(epoch) + 1)
            order.shuffle(using: &generator)
        }
        return try stride(from: 0, to: count, by: size).map { start in
            let indices = Array(order[start..<min(count, start + size)])
            return (try images.gathering(batch: indices), indices.map { labels[$0] })
        }
    }
}

/// A failed run of the `mnist` app, with a message for the user.
struct MNISTAppError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
