import TensorMath

/// An image-folder data set: `root/<class>/<file>.png|jpg|jpeg`, one sub-folder per class,
/// the layout torchvision's `ImageFolder` reads.
///
/// Class names are the sub-folder names, sorted, and a label is an index into them. Files are
/// listed when the data set is created and decoded on demand (``image(at:)``), or all at once
/// into memory with ``loadAll(format:size:)``, which reports unreadable files instead of
/// stopping at the first one.
///
/// ```swift
/// let (train, test) = try ImageFolder.trainTest(
///     root: "../shared/datasets/cifar10", classes: ["bird", "cat", "dog", "ship"])
/// let (cached, failures) = train.loadAll()
/// ```
public struct ImageFolder: LabeledImageSource {
    /// One image file and its label.
    public struct Sample: Equatable, Sendable {
        /// The file's path (`root/<class>/<name>`).
        public let path: String
        /// The index of its class in ``ImageFolder/classNames``.
        public let label: Int
    }

    /// The folder holding the class folders.
    public let root: String
    /// The class names, sorted by their UTF-8 bytes.
    public let classNames: [String]
    /// The image files, by class then by file name.
    public let samples: [Sample]
    /// Files in the class folders skipped because their extension is not .png, .jpg or .jpeg
    /// (hidden files are skipped silently).
    public let ignoredFiles: [String]
    /// The pixel format images are converted to on decoding, or `nil` to keep each file's.
    public let format: PixelFormat?

    /// The number of images.
    public var count: Int { samples.count }

    /// Lists the images under `root`.
    /// - Parameters:
    ///   - root: The folder holding one sub-folder per class.
    ///   - classes: The classes to use, or `nil` (default) for every sub-folder. Labels follow
    ///     the sorted order of the chosen names.
    ///   - format: The pixel format to convert images to (for example `.rgb`, so a stray
    ///     greyscale JPEG fits its batch), or `nil` to keep each file's own.
    /// - Throws: ``DatasetError/missingDataset(path:reason:)`` if `root` or a requested class
    ///   folder is missing or there are no class folders; ``DatasetError/unreadable(path:reason:)``
    ///   if a folder cannot be listed; ``DatasetError/invalidArgument(operation:reason:)`` for
    ///   an empty or repeated class list.
    public init(root: String, classes: [String]? = nil, format: PixelFormat? = nil) throws {
        guard FileIO.isDirectory(root) else {
            throw DatasetError.missingDataset(
                path: root, reason: "no image folder here (expected <root>/<class>/*.png|jpg)")
        }
        let folders = try FileIO.contents(ofDirectory: root).filter {
            !$0.hasPrefix(".") && FileIO.isDirectory(FileIO.join(root, $0))
        }
        var names = folders
        if let classes {
            guard !classes.isEmpty, Set(classes).count == classes.count else {
                throw DatasetError.invalidArgument(
                    operation: "ImageFolder(root:classes:)",
                    reason: "classes \(classes) must be non-empty and distinct")
            }
            for name in classes where !folders.contains(name) {
                throw DatasetError.missingDataset(
                    path: FileIO.join(root, name),
                    reason: "no folder for class '\(name)'; found: "
                        + (folders.isEmpty ? "none" : folders.joined(separator: ", ")))
            }
            names = classes.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        }
        guard !names.isEmpty else {
            throw DatasetError.missingDataset(
                path: root, reason: "no class folders (expected <root>/<class>/*.png|jpg)")
        }
        var samples: [Sample] = [], ignored: [String] = []
        for (label, name) in names.enumerated() {
            let folder = FileIO.join(root, name)
            for file in try FileIO.contents(ofDirectory: folder) where !file.hasPrefix(".") {
                let path = FileIO.join(folder, file)
                if ImageFileFormat(pathExtensionOf: file) != nil {
                    samples.append(Sample(path: path, label: label))
                } else if FileIO.isFile(path) {
                    ignored.append(path)
                }
            }
        }
        self.init(
            root: root, classNames: names, samples: samples, ignoredFiles: ignored, format: format)
    }

    /// Creates a data set from its parts (used by the splits).
    init(
        root: String, classNames: [String], samples: [Sample], ignoredFiles: [String],
        format: PixelFormat?
    ) {
        self.root = root
        self.classNames = classNames
        self.samples = samples
        self.ignoredFiles = ignoredFiles
        self.format = format
    }

    /// Lists `root/train` and `root/test`, with the same classes in both.
    /// - Throws: as ``init(root:classes:format:)``, and
    ///   ``DatasetError/missingDataset(path:reason:)`` if the two folders have different
    ///   classes.
    public static func trainTest(root: String, classes: [String]? = nil, format: PixelFormat? = nil)
        throws -> (train: ImageFolder, test: ImageFolder)
    {
        let train = try ImageFolder(
            root: FileIO.join(root, "train"), classes: classes, format: format)
        let test = try ImageFolder(
            root: FileIO.join(root, "test"), classes: classes ?? train.classNames, format: format)
        guard train.classNames == test.classNames else {
            throw DatasetError.missingDataset(
                path: FileIO.join(root, "test"),
                reason: "classes \(test.classNames) differ from train's \(train.classNames)")
        }
        return (train, test)
    }

    /// The label of sample `index`.
    public func label(at index: Int) -> Int { samples[index].label }

    /// Decodes sample `index` (converted to ``format`` when set).
    /// - Throws: ``DatasetError`` naming the file.
    public func image(at index: Int) throws -> Image {
        try Image(contentsOf: samples[index].path, format: format)
    }

    /// A seeded, stratified split: from each class, a shuffled `validationFraction` of its
    /// files (rounded) goes to the validation set, the rest to training. The same seed always
    /// gives the same split; both keep the class list.
    /// - Throws: ``DatasetError/invalidArgument(operation:reason:)`` unless
    ///   `0 ≤ validationFraction ≤ 1`.
    public func split(validationFraction: Double, seed: UInt64) throws
        -> (train: ImageFolder, validation: ImageFolder)
    {
        guard (0...1).contains(validationFraction) else {
            throw DatasetError.invalidArgument(
                operation: "ImageFolder.split",
                reason: "validationFraction \(validationFraction) is outside 0...1")
        }
        let inValidation = StratifiedChoice.choose(labels: samples.map(\.label), seed: seed) {
            _, size in Int((validationFraction * Double(size)).rounded())
        }
        // Both subsets keep the listing order.
        let train = samples.indices.filter { !inValidation[$0] }.map { samples[$0] }
        let validation = samples.indices.filter { inValidation[$0] }.map { samples[$0] }
        return (
            ImageFolder(
                root: root, classNames: classNames, samples: train, ignoredFiles: ignoredFiles,
                format: format),
            ImageFolder(
                root: root, classNames: classNames, samples: validation, ignoredFiles: [],
                format: format)
        )
    }
}
