/// One file's answer from ``ImageClassifier/classify(files:top:tracing:_:)``: its path, and
/// its ranking or why it could not be classified.
public struct FileClassification {
    /// The path as given.
    public let path: String
    /// The most probable classes, most probable first (ties in output order); or the error that
    /// kept the file from being read, decoded or prepared, which names the file.
    public let result: Result<[ClassPrediction], Error>
    /// What every layer computed for the image, when classifying with `tracing`; `nil`
    /// otherwise and for a file that failed.
    public let trace: ClassificationTrace?

    /// Creates a file's answer.
    public init(
        path: String, result: Result<[ClassPrediction], Error>, trace: ClassificationTrace? = nil
    ) {
        self.path = path
        self.result = result
        self.trace = trace
    }
}
