import Datasets
import Foundation
import TensorMath
import Testing

/// Tests on the real data sets; they run when DATASETS_DIR names them (CI sets it).
@Suite(.enabled(if: datasetsDirectory != nil, "set DATASETS_DIR to run"))
struct RealDataTests {
    var root: String { datasetsDirectory ?? "" }

    @Test func mnistTrainingAndTestSplits() throws {
        let train = try MNIST(directory: "\(root)/mnist", split: .train)
        #expect(train.images.shape == [60000, 1, 28, 28])
        #expect(
            train.classCounts() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
        #expect(Array(train.labels.prefix(5)) == [5, 0, 4, 1, 9])
        let test = try MNIST(directory: "\(root)/mnist", split: .test)
        #expect(test.images.shape == [10000, 1, 28, 28])
        #expect(test.classCounts() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
        #expect(Array(test.labels.prefix(5)) == [7, 2, 1, 0, 4])
        let pixels = train.images.scalars
        #expect(pixels.min() == 0 && pixels.max() == 1)
        // The mean MNIST training pixel, the 0.1307 of the usual normalization.
        let mean = pixels.reduce(0.0) { $0 + Double($1) } / Double(pixels.count)
        #expect(abs(mean - 0.1307) < 0.0001)
    }

    @Test func mnistFilesPassTheDownloadersChecksums() throws {
        for file in MNIST.remoteFiles {
            let path = "\(root)/mnist/\(file.name)"
            #expect(try Downloader.verify(path: path, as: file), "\(file.name)")
        }
    }

    @Test func mnistDownloadsFromAFileMirror() throws {
        let folder = try TemporaryDirectory()
        let outcomes = try MNIST.download(to: folder.path, mirrors: ["file://\(root)/mnist/"])
        #expect(outcomes.count == 4)
        #expect(try MNIST(directory: folder.path, split: .test).count == 10000)
    }

    @Test func cifarFourClassFolders() throws {
        let classes = ["bird", "cat", "dog", "ship"]
        let (train, test) = try ImageFolder.trainTest(root: "\(root)/cifar10", classes: classes)
        #expect(train.classNames == classes && train.count == 20000 && test.count == 4000)
        #expect(train.classCounts() == [5000, 5000, 5000, 5000])
        let (cached, failures) = test.loadAll(format: .rgb)
        #expect(failures.isEmpty)
        #expect(cached.count == 4000 && cached.width == 32 && cached.height == 32)
        // Mean pixel of the test images, close to CIFAR-10's usual statistics.
        let mean = Double(cached.pixels.reduce(0) { $0 + Int($1) }) / Double(cached.pixels.count)
        #expect(mean > 100 && mean < 140)
        let loader = try BatchLoader(
            source: cached, batchSize: 128, seed: 1, augmentation: .cifar, normalization: .cifar10)
        let first = try #require(loader.batches(epoch: 0).next())
        #expect(first.images.shape == [128, 3, 32, 32])
    }

    @Test func cifarDecodingMatchesPillowOnAFile() throws {
        // Pillow 13 (libjpeg-turbo 3.2): sum of the RGB bytes of train/cat/0000.jpg.
        let image = try Image(contentsOf: "\(root)/cifar10/train/cat/0000.jpg")
        #expect(image.format == .rgb && image.width == 32 && image.height == 32)
        let sum = image.pixels.reduce(0) { $0 + Int($1) }
        #expect(abs(sum - ReferenceFixtures.cifarCat0000Sum) <= 3 * 32 * 32 / 4)
    }
}
