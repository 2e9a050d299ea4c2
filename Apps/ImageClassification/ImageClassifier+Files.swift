import Datasets
import TensorMath

extension ImageClassifier {
    /// How many files ``classify(files:top:tracing:_:)`` decodes and prepares together (on
    /// every core, keeping only the small prepared images) before one forward pass runs the
    /// ones that decoded.
    public static let fileBatchSize = 64

    /// Classifies image files, one answer per file in the order given, handed to `body` as each
    /// batch of ``fileBatchSize`` files is done: a file that cannot be read, decoded or prepared
    /// gets its error (naming it) and the others are still classified.
    ///
    /// ```swift
    /// try classifier.classify(files: ["seven.png", "missing.png"], top: 2) { file in
    ///     switch file.result {
    ///     case .success(let ranking): print(file.path, ranking[0].className)   // seven.png 7
    ///     case .failure(let error): print(error)      // missing.png: cannot read: No such file…
    ///     }
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - files: Paths of PNG or JPEG images, of any size and colour type.
    ///   - top: How many classes per image, at least 1 (default 1); more than the number of
    ///     classes gives them all.
    ///   - tracing: Whether to record every layer's output of each image
    ///     (``FileClassification/trace``, what ``NetworkVisualization`` draws); each image then
    ///     runs through the network on its own. Default `false`.
    ///   - body: Receives each file's answer.
    /// - Throws: ``ImageClassifierError/invalidArgument(operation:reason:)`` for `top` below 1;
    ///   the errors of ``probabilities(forInput:)`` when the network does not fit its
    ///   description (then no further file is classified); `body`'s errors.
    public func classify(
        files: [String], top: Int = 1, tracing: Bool = false,
        _ body: (FileClassification) throws -> Void
    ) throws {
        guard top >= 1 else {
            throw ImageClassifierError.invalidArgument(
                operation: "ImageClassifier.classify", reason: "top must be at least 1, got \(top)")
        }
        var start = 0
        while start < files.count {
            let paths = Array(files[start..<min(files.count, start + Self.fileBatchSize)])
            let prepared = preparedImages(paths)
            var answers: [(ranking: [ClassPrediction], trace: ClassificationTrace?)]
            if tracing {
                answers = try prepared.compactMap { try? $0.get() }.map {
                    let trace = try self.trace(prepared: $0)
                    return (ranked(trace.probabilities, top: top).first ?? [], trace)
                }
            } else {
                answers = try rankings(of: prepared.compactMap { try? $0.get() }, top: top)
                    .map { ($0, nil) }
            }
            var next = answers.makeIterator()
            for (path, outcome) in zip(paths, prepared) {
                switch outcome {
                case .success:
                    guard let answer = next.next() else { continue }
                    try body(
                        FileClassification(
                            path: path, result: .success(answer.ranking), trace: answer.trace))
                case .failure(let error):
                    try body(FileClassification(path: path, result: .failure(error)))
                }
            }
            start += Self.fileBatchSize
        }
    }

    /// Classifies image files and returns one answer per file, in the order given (see
    /// ``classify(files:top:tracing:_:)``).
    /// - Throws: As ``classify(files:top:tracing:_:)``.
    public func classify(files: [String], top: Int = 1, tracing: Bool = false) throws
        -> [FileClassification]
    {
        var answers: [FileClassification] = []
        answers.reserveCapacity(files.count)
        try classify(files: files, top: top, tracing: tracing) { answers.append($0) }
        return answers
    }

    /// One decoded image's forward pass, layer by layer: prepared as the model file says, run
    /// through the network once with ``NeuralNet/Layer/forwardTrace(_:)``.
    /// - Throws: ``Datasets/DatasetError`` for an empty image; the errors of
    ///   ``probabilities(forInput:)``.
    public func trace(_ image: Image) throws -> ClassificationTrace {
        try trace(prepared: pipeline.preparedImage(image))
    }

    /// The trace of an image already prepared by ``pipeline``
    /// (``PreprocessingPipeline/preparedImage(_:)``): `classify serve` prepares images in
    /// parallel and runs only the network one image at a time.
    /// - Throws: The errors of ``probabilities(forInput:)``.
    public func trace(prepared: Image) throws -> ClassificationTrace {
        let input = try prepared.tensor(normalization: pipeline.normalization)
        let layers = try network.forwardTrace(input)
        return ClassificationTrace(
            input: input, layers: layers,
            probabilities: try probabilities(fromLogits: layers.output, input: input))
    }

    /// The rankings of prepared images, run through the network in one batch.
    func rankings(of prepared: [Image], top: Int) throws -> [[ClassPrediction]] {
        guard !prepared.isEmpty else { return [] }
        return ranked(try probabilities(prepared: prepared), top: top)
    }

    /// The class probabilities of images already prepared by ``pipeline``
    /// (``PreprocessingPipeline/preparedImage(_:)``), normalized and run through the network
    /// in one batch: `[prepared.count, classNames.count]`. What `classify` and `classify
    /// serve`'s batches run.
    /// - Throws: ``Datasets/DatasetError`` for an empty list or images of different sizes;
    ///   the errors of ``probabilities(forInput:)``.
    public func probabilities(prepared: [Image]) throws -> Tensor {
        let input = try Image.tensor(stacking: prepared, normalization: pipeline.normalization)
        return try probabilities(forInput: input)
    }

    /// Each file decoded and prepared by ``pipeline``, on every core (each result lands at its
    /// file's index); a failure holds the decoder's error, which names the file.
    func preparedImages(_ paths: [String]) -> [Result<Image, Error>] {
        var results = [Result<Image, Error>](
            repeating: .failure(CancellationError()), count: paths.count)
        let pipeline = self.pipeline
        results.withUnsafeMutableBufferPointer { buffer in
            let out = buffer
            Parallel.forEach(paths.count) { i in
                out[i] = Result { try pipeline.preparedImage(Image(contentsOf: paths[i])) }
            }
        }
        return results
    }
}
