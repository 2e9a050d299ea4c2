/// The result of evaluating a model on a data set in inference mode.
public struct Evaluation: Sendable {
    /// The mean loss over the samples.
    public var loss: Double
    /// The fraction of samples predicted correctly.
    public var accuracy: Double
    /// The number of samples.
    public var count: Int
    /// The predicted class of every sample, in order.
    public var predictions: [Int]
    /// The true class of every sample, in order.
    public var labels: [Int]
    /// The fraction of samples whose label is among the top `k` scores, for each `k` the
    /// evaluation was asked for.
    public var topKAccuracy: [Int: Double]

    /// The confusion matrix of the predictions.
    /// - Parameter classNames: One name per class; the classes are `0..<classNames.count`.
    /// - Throws: ``NeuralNetError/invalidInput(layer:reason:)`` if a label or prediction is
    ///   outside the classes.
    public func confusionMatrix(classNames: [String]) throws -> ConfusionMatrix {
        var matrix = ConfusionMatrix(classNames: classNames)
        try matrix.add(predictions: predictions, labels: labels)
        return matrix
    }

    /// The confusion matrix for `classCount` classes named by index.
    /// - Throws: As ``confusionMatrix(classNames:)``.
    public func confusionMatrix(classCount: Int) throws -> ConfusionMatrix {
        try confusionMatrix(classNames: (0..<max(classCount, 0)).map(String.init))
    }
}
