import Datasets
import Foundation
import Testing

@Suite struct MNISTTests {
    /// Writes a small MNIST-format split: `count` 28x28 images whose pixels encode their index.
    func writeSplit(
        _ split: MNIST.Split, count: Int, in folder: TemporaryDirectory, compressed: Bool = true,
        labels: [UInt8]? = nil
    ) throws {
        var pixels: [UInt8] = []
        for n in 0..<count {
            pixels += (0..<784).map { UInt8((n * 31 + $0) % 256) }
        }
        let names = split.fileNames
        let suffix = compressed ? ".gz" : ""
        try IDXArray(shape: [count, 28, 28], elements: .uint8(pixels))
            .write(to: folder.file(names.images + suffix))
        try IDXArray(
            shape: [labels?.count ?? count],
            elements: .uint8(labels ?? (0..<count).map { UInt8($0 % 10) })
        ).write(to: folder.file(names.labels + suffix))
    }

    @Test(arguments: [true, false])
    func readsASplitCompressedOrNot(compressed: Bool) throws {
        let folder = try TemporaryDirectory()
        try writeSplit(.test, count: 12, in: folder, compressed: compressed)
        let mnist = try MNIST(directory: folder.path, split: .test)
        #expect(mnist.images.shape == [12, 1, 28, 28])
        #expect(mnist.labels == (0..<12).map { $0 % 10 })
        #expect(mnist.count == 12 && mnist.classNames.count == 10)
        // Image 5, pixel 100: (5·31 + 100) mod 256 = 255 → 1.0; pixel 101 → 0.
        #expect(mnist.images.scalars[5 * 784 + 100] == 1)
        #expect(mnist.images.scalars[5 * 784 + 101] == 0)
        #expect(mnist.images.scalars[3] == Float(3) / 255)
        let image = try mnist.image(at: 5)
        #expect(image.format == .grey && image.width == 28 && image.pixels[100] == 255)
        #expect(mnist.label(at: 7) == 7)
        #expect(mnist.classCounts() == [2, 2, 1, 1, 1, 1, 1, 1, 1, 1])
    }

    @Test func explainsAMissingDataset() throws {
        let folder = try TemporaryDirectory()
        #expect { try MNIST(directory: folder.file("absent"), split: .train) } throws: { error in
            guard case .missingDataset? = error as? DatasetError else { return false }
            return describes(error, "absent", "download")
        }
        try writeSplit(.test, count: 3, in: folder)
        #expect { try MNIST(directory: folder.path, split: .train) } throws: { error in
            describes(error, "train-images-idx3-ubyte.gz", "download")
        }
    }

    @Test func refusesMismatchedCountsAndBadLabels() throws {
        let counts = try TemporaryDirectory()
        try writeSplit(.train, count: 4, in: counts, labels: [1, 2, 3])
        #expect { try MNIST(directory: counts.path, split: .train) } throws: { error in
            describes(error, "train-labels-idx1-ubyte.gz", "3 labels for the 4 images")
        }
        let labels = try TemporaryDirectory()
        try writeSplit(.train, count: 3, in: labels, labels: [1, 12, 3])
        #expect { try MNIST(directory: labels.path, split: .train) } throws: { error in
            describes(error, "label 12 at index 1")
        }
        let type = try TemporaryDirectory()
        try writeSplit(.test, count: 2, in: type)
        try IDXArray(shape: [2], elements: .int32([1, 2]))
            .write(to: type.file("t10k-labels-idx1-ubyte.gz"))
        #expect { try MNIST(directory: type.path, split: .test) } throws: { error in
            describes(error, "t10k-labels", "32-bit integer")
        }
    }

    @Test func refusesEmptySetsAndFilesThatAreNotRegular() throws {
        let empty = try TemporaryDirectory()
        try writeSplit(.train, count: 0, in: empty)
        #expect { try MNIST(directory: empty.path, split: .train) } throws: { error in
            describes(error, "train-images-idx3-ubyte.gz", "holds 0 images")
        }
        let fifo = try TemporaryDirectory()
        try writeSplit(.train, count: 2, in: fifo)
        let images = fifo.file("train-images-idx3-ubyte.gz")
        try FileManager.default.removeItem(atPath: images)
        #expect(mkfifo(images, 0o600) == 0)
        #expect { try MNIST(directory: fifo.path, split: .train) } throws: { error in
            describes(error, images, "not a regular file")
        }
        try FileManager.default.removeItem(atPath: images)
        try FileManager.default.createDirectory(atPath: images, withIntermediateDirectories: false)
        #expect { try MNIST(directory: fifo.path, split: .train) } throws: { error in
            describes(error, images, "not a regular file")
        }
    }
}
