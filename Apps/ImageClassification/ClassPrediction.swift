/// One class of a classifier's answer for one image: its index in the model's outputs, its name
/// and its probability.
public struct ClassPrediction: Equatable, Sendable {
    /// The index of the class in the model's outputs.
    public var classIndex: Int
    /// The class's name, from the model file (`"7"`, `"cat"`).
    public var className: String
    /// The softmax probability, in `[0, 1]`.
    public var probability: Float

    /// Creates a prediction.
    public init(classIndex: Int, className: String, probability: Float) {
        self.classIndex = classIndex
        self.className = className
        self.probability = probability
    }
}
