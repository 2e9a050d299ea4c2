// Datasets benchmark (run by Tools/bench-datasets):
//   1. decode every CIFAR-10 JPEG under <datasets>/cifar10 (train and test, all classes) to RGB
//      images on all cores, the same files Tools/reference/bench_datasets.py gives Pillow;
//   2. load the MNIST training set from its .gz files into a [60000, 1, 28, 28] tensor;
//   3. one BatchLoader epoch (batches of 128, CIFAR augmentation and normalization) over the
//      four-class CIFAR-10 training set cached in memory, the way training draws it.
// Prints human-readable lines, and with --tsv `name<TAB>value` lines for the script.
import Datasets
import Foundation
import TensorMath

struct Options {
    var datasets = "../shared/datasets"
    var repetitions = 3
    var tsv = false
}

func parseOptions() -> Options {
    var options = Options()
    var arguments = CommandLine.arguments.dropFirst()
    while let argument = arguments.popFirst() {
        switch argument {
        case "--datasets": options.datasets = arguments.popFirst() ?? options.datasets
        case "--repetitions": options.repetitions = Int(arguments.popFirst() ?? "") ?? 3
        case "--tsv": options.tsv = true
        default:
            FileHandle.standardError.write(
                Data("usage: DatasetsBench [--datasets DIR] [--repetitions N] [--tsv]\n".utf8))
            exit(2)
        }
    }
    return options
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// Every CIFAR-10 JPEG path, in a fixed order.
func cifarFiles(_ root: String) throws -> [String] {
    try ["train", "test"].flatMap { split in
        try ImageFolder(root: "\(root)/cifar10/\(split)").samples.map(\.path)
    }
}

/// Decodes every file on all cores (chunks of 64 files); returns the number that failed.
func decodeAll(_ paths: [String]) -> Int {
    let chunk = 64
    var images = [Image?](repeating: nil, count: paths.count)
    images.withUnsafeMutableBufferPointer { out in
        let base = out.baseAddress!
        Parallel.forEach((paths.count + chunk - 1) / chunk) { c in
            for i in (c * chunk)..<min(paths.count, (c + 1) * chunk) {
                base[i] = try? Image(contentsOf: paths[i], format: .rgb)
            }
        }
    }
    return images.reduce(0) { $0 + ($1 == nil ? 1 : 0) }
}

let options = parseOptions()
do {
    let paths = try cifarFiles(options.datasets)
    _ = decodeAll(paths)  // warm-up: page cache, thread pool, per-thread decoders
    var times: [Double] = []
    var failures = 0
    for _ in 0..<options.repetitions {
        times.append(seconds { failures = decodeAll(paths) })
    }
    let decodeTime = median(times)
    let rate = Double(paths.count) / decodeTime

    let mnistDirectory = "\(options.datasets)/mnist"
    _ = try MNIST(directory: mnistDirectory, split: .train)
    var loadTimes: [Double] = []
    for _ in 0..<max(options.repetitions, 5) {
        try loadTimes.append(seconds { _ = try MNIST(directory: mnistDirectory, split: .train) })
    }
    let loadTime = median(loadTimes)

    let fourClass = try ImageFolder(
        root: "\(options.datasets)/cifar10/train", classes: ["bird", "cat", "dog", "ship"])
    let cached = fourClass.loadAll(format: .rgb).dataset
    let loader = try BatchLoader(
        source: cached, batchSize: 128, seed: 1, augmentation: .cifar, normalization: .cifar10)
    var epochTimes: [Double] = []
    for epoch in 0..<options.repetitions {
        epochTimes.append(seconds { for batch in loader.batches(epoch: epoch) { _ = batch } })
    }
    let epochTime = median(epochTimes)

    if options.tsv {
        print("jpeg_files\t\(paths.count)")
        print("jpeg_failures\t\(failures)")
        print("jpeg_images_per_second\t\(rate)")
        print("mnist_train_load_seconds\t\(loadTime)")
        print("batch_epoch_seconds\t\(epochTime)")
        print("batch_epoch_samples\t\(cached.count)")
    } else {
        print(
            String(
                format: "CIFAR-10 JPEG decode: %d files in %.3f s (median of %d), %.0f "
                    + "images/s on %d threads, %d failures", paths.count, decodeTime, times.count,
                rate,
                Parallel.threadCount, failures))
        print(
            String(
                format: "MNIST training set load (.gz to tensor): %.3f s (median of %d)",
                loadTime, loadTimes.count))
        print(
            String(
                format: "BatchLoader epoch, cached four-class CIFAR-10 (%d images, batches "
                    + "of 128, augmented): %.3f s (median of %d)", cached.count, epochTime,
                epochTimes.count))
    }
} catch {
    FileHandle.standardError.write(Data("DatasetsBench: \(error)\n".utf8))
    exit(1)
}
