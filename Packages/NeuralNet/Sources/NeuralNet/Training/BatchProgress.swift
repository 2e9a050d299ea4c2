/// What a ``Trainer`` reports after each training batch, for progress bars and logs.
public struct BatchProgress: Sendable {
    /// The epoch, counted from 0.
    public var epoch: Int
    /// The batch's index within the epoch, counted from 0.
    public var batch: Int
    /// The number of batches in the epoch when the sequence knows it (its
    /// `underestimatedCount`, if positive), else `nil`.
    public var expectedBatchCount: Int?
    /// Optimizer steps since the start of the run, this one included.
    public var globalStep: Int
    /// This batch's loss.
    public var loss: Double
    /// This batch's accuracy.
    public var accuracy: Double
    /// The mean loss over the epoch so far.
    public var runningLoss: Double
    /// The accuracy over the epoch so far.
    public var runningAccuracy: Double
    /// The learning rate used for this step.
    public var learningRate: Float
    /// Samples seen in the epoch so far.
    public var samples: Int
    /// Training throughput over the epoch so far.
    public var imagesPerSecond: Double

    /// Creates a report (the ``Trainer`` makes them; tests and other loops may too).
    public init(
        epoch: Int, batch: Int, expectedBatchCount: Int?, globalStep: Int, loss: Double,
        accuracy: Double, runningLoss: Double, runningAccuracy: Double, learningRate: Float,
        samples: Int, imagesPerSecond: Double
    ) {
        self.epoch = epoch
        self.batch = batch
        self.expectedBatchCount = expectedBatchCount
        self.globalStep = globalStep
        self.loss = loss
        self.accuracy = accuracy
        self.runningLoss = runningLoss
        self.runningAccuracy = runningAccuracy
        self.learningRate = learningRate
        self.samples = samples
        self.imagesPerSecond = imagesPerSecond
    }
}
