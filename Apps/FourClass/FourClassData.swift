import AppSupport
import ArgumentParser
import Checkpoints
import Datasets
import Foundation
import TensorMath

/// Where the `four-class` app reads its image folders, and what its model files say about
/// their input.
enum FourClassData {
    /// The environment variable naming the data folder.
    static let environmentVariable = "CIFAR10_DIR"
    /// The folder used when neither `--data` nor `$CIFAR10_DIR` is given.
    static let defaultFolder = "data/cifar10"
    /// The classes trained when `--classes` is absent.
    static let defaultClasses = ["bird", "cat", "dog", "ship"]
    /// The side of the network's square input.
    static let side = 32

    /// The splits of an image-folder data set (`DIR/train/<class>/…`, `DIR/test/<class>/…`).
    enum Split: String {
        case train, test
    }

    /// The folder chosen by `--data`, `$CIFAR10_DIR` or the default.
    static func location(_ flag: String?) -> DataLocation {
        DataLocation(
            flag: flag, environmentVariable: environmentVariable, defaultPath: defaultFolder)
    }

    /// Parses `--classes bird,cat,dog,ship`.
    /// - Throws: `ValidationError` (a usage error) for fewer than two classes, an empty name
    ///   or a repeated one.
    static func classes(_ flag: String?) throws -> [String] {
        guard let flag else { return defaultClasses }
        let names = flag.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard names.count >= 2, !names.contains(""), Set(names).count == names.count else {
            throw ValidationError(
                "--classes \(flag): give at least two distinct class folder names, "
                    + "separated by commas (bird,cat,dog,ship)")
        }
        return names
    }

    /// Decodes one split of the chosen classes into memory, as RGB images of 32x32 pixels
    /// (others are resized).
    /// - Throws: ``AppError`` naming the folder when it is missing, a class folder is missing
    ///   or empty, or files cannot be decoded (the first few are named).
    static func load(
        _ flag: String?, split: Split, classes: [String], skipUnreadable: Bool = false
    ) throws -> InMemoryImageDataset {
        let location = location(flag)
        let root = try location.requireExisting(
            dataset: "image-folder", howToGet: "see the README: DIR/train/<class>/*.jpg")
        let folder = URL(fileURLWithPath: root).appendingPathComponent(split.rawValue).path
        let listing: ImageFolder
        do {
            listing = try ImageFolder(root: folder, classes: classes, format: .rgb)
        } catch {
            throw AppError("cannot read the \(split.rawValue) images in \(folder): \(error)")
        }
        if let empty = zip(listing.classNames, listing.classCounts()).first(where: { $0.1 == 0 }) {
            throw AppError("\(folder)/\(empty.0) holds no images")
        }
        return try listing.loadAllForTraining(
            size: Size2D(side, side), place: folder, skipUnreadable: skipUnreadable,
            warn: { FileHandle.standardError.write(Data(("four-class: " + $0 + "\n").utf8)) })
    }

    /// `data` reordered round-robin over its classes (the first image of each class, then the
    /// second of each, …), so that `--train-subset N` takes about N / classes of each class
    /// rather than the first class only (folders list their images class by class).
    static func interleavedByClass(_ data: any LabeledImageSource) throws -> SubsetSource {
        var perClass = [[Int]](repeating: [], count: data.classNames.count)
        for index in 0..<data.count { perClass[data.label(at: index)].append(index) }
        var order: [Int] = []
        order.reserveCapacity(data.count)
        for rank in 0..<(perClass.map(\.count).max() ?? 0) {
            for indices in perClass where rank < indices.count { order.append(indices[rank]) }
        }
        return try SubsetSource(data, indices: order)
    }

    /// The model-file template: the classes, 32x32 RGB input, resized and normalized with
    /// CIFAR-10's channel statistics.
    static func template(classes: [String]) -> TrainingSession.ModelTemplate {
        TrainingSession.ModelTemplate(
            classNames: classes,
            input: .init(height: side, width: side, colorMode: .rgb),
            preprocessing: .init(
                method: .resize, mean: Normalization.cifar10.mean,
                standardDeviation: Normalization.cifar10.std),
            dataset: "image folders")
    }
}
