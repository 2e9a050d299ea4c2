import AppSupport
import Datasets
import Foundation
import TensorMath

/// The training and test images of a run, decoded into memory once: CIFAR-10's image folders
/// (`DIR/train/<class>/*.jpg`, `DIR/test/<class>/*.jpg`), or a seeded, class-stratified subset
/// of each.
struct ExperimentData {
    /// The environment variable naming the data folder.
    static let environmentVariable = "CIFAR10_DIR"
    /// The folder used when neither `--data` nor `$CIFAR10_DIR` is given.
    static let defaultFolder = "data/cifar10"
    /// The side of the networks' square input.
    static let side = 32

    /// The folder read.
    var root: String
    /// The training images.
    var training: InMemoryImageDataset
    /// The test images.
    var test: InMemoryImageDataset
    /// The number of training images in the folder.
    var trainingAvailable: Int
    /// The number of test images in the folder.
    var testAvailable: Int

    /// The class names, in label order.
    var classNames: [String] { training.classNames }

    /// The folder chosen by `--data`, `$CIFAR10_DIR` or the default.
    static func location(_ flag: String?) -> DataLocation {
        DataLocation(
            flag: flag, environmentVariable: environmentVariable, defaultPath: defaultFolder)
    }

    /// Lists both splits, takes the subsets and decodes them (in parallel) as 32x32 RGB.
    /// - Throws: ``AppError`` naming the folder when it or a split is missing, the two splits'
    ///   classes differ, a subset is empty, or images cannot be decoded (the first few named).
    static func load(
        _ flag: String?, trainSubset: Int?, testSubset: Int?, seed: UInt64
    ) throws -> ExperimentData {
        let root = try location(flag).requireExisting(
            dataset: "CIFAR-10",
            howToGet: "see the README: DIR/train/<class>/*.jpg and DIR/test/<class>/*.jpg")
        let listings: (train: ImageFolder, test: ImageFolder)
        do {
            listings = try ImageFolder.trainTest(root: root, format: .rgb)
        } catch {
            throw AppError("cannot read the image folders in \(root): \(error)")
        }
        return ExperimentData(
            root: root,
            training: try decode(listings.train, subset: trainSubset, seed: seed),
            test: try decode(listings.test, subset: testSubset, seed: seed),
            trainingAvailable: listings.train.count, testAvailable: listings.test.count)
    }

    /// A seeded, class-stratified subset of about `subset` images of `listing` (all when
    /// `nil` or not smaller), decoded.
    private static func decode(_ listing: ImageFolder, subset: Int?, seed: UInt64) throws
        -> InMemoryImageDataset
    {
        var chosen = listing
        if let subset, subset < listing.count {
            chosen = try listing.split(
                validationFraction: Double(subset) / Double(listing.count), seed: seed
            ).validation
        }
        guard chosen.count > 0 else {
            throw AppError(
                "no images in \(listing.root)"
                    + (subset.map { " for a subset of \($0) (too small for the classes)" } ?? ""))
        }
        return try chosen.loadAllForTraining(size: Size2D(side, side), place: listing.root)
    }
}
