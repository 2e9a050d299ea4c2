import AppSupport
import Checkpoints
import Datasets

/// Where the `mnist` app reads MNIST, and what its model files say about their input.
enum MNISTData {
    /// The environment variable naming the MNIST folder.
    static let environmentVariable = "MNIST_DIR"
    /// The folder used when neither `--data` nor `$MNIST_DIR` is given.
    static let defaultFolder = "data/mnist"

    /// The folder chosen by `--data`, `$MNIST_DIR` or the default.
    static func location(_ flag: String?) -> DataLocation {
        DataLocation(
            flag: flag, environmentVariable: environmentVariable, defaultPath: defaultFolder)
    }

    /// One split, read from the resolved folder.
    /// - Throws: ``AppError`` naming the folder tried and `mnist download` when it is missing;
    ///   the reader's errors (naming the file) for a missing or corrupt file.
    static func load(_ flag: String?, split: MNIST.Split) throws -> MNIST {
        let location = location(flag)
        let folder = try location.requireExisting(
            dataset: "MNIST", howToGet: "mnist download --to \(location.path)")
        let mnist = try MNIST(directory: folder, split: split)
        let side = Array(mnist.images.shape.suffix(2))
        guard side == [28, 28] else {
            throw AppError(
                "\(folder): the MNIST \(split.rawValue) images are \(side[1])x\(side[0]) pixels; "
                    + "the mnist networks take 28x28")
        }
        return mnist
    }

    /// The model-file template of MNIST digit classifiers: ten classes `0`…`9`, 28x28 grey
    /// input, MNIST-style centring with MNIST's mean and standard deviation.
    static let template = TrainingSession.ModelTemplate(
        classNames: (0...9).map(String.init),
        input: .init(height: 28, width: 28, colorMode: .grayscale),
        preprocessing: .init(
            method: .mnistCentering, mean: Normalization.mnist.mean,
            standardDeviation: Normalization.mnist.std),
        dataset: "MNIST")
}
