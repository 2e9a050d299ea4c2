import TensorMath

extension Evaluation {
    /// Evaluates `model` on every batch in inference mode (no caching, dropout off, batch norm
    /// on its running statistics), restoring the model's previous mode afterwards. This is the
    /// one evaluation loop: ``Trainer/evaluate(_:topK:)``, reports and apps all use it.
    ///
    /// ```swift
    /// let result = try Evaluation(model: network, batches: testLoader.batches(epoch: 0))
    /// print(result.accuracy, try result.confusionMatrix(classNames: names).report)
    /// ```
    /// - Parameters:
    ///   - model: Its output must be `[N, C]` class scores for a batch of `N`.
    ///   - batches: The data, in any batch size; labels index the `C` classes.
    ///   - loss: The loss averaged over the samples, computed without its gradient; default
    ///     softmax cross-entropy.
    ///   - topK: Values of `k` for which top-k accuracy is also measured; default none.
    ///   - classCount: If given, the number of classes `C` every output and label must fit.
    /// - Throws: ``NeuralNetError/invalidInput(layer:reason:)`` for a batch whose label count
    ///   differs from its image count, an empty batch, or (with `classCount`) an output that
    ///   is not `[N, classCount]` or a label outside the classes; the model's errors.
    public init<Batches: Sequence>(
        model: Layer, batches: Batches, loss: ClassificationLoss = .softmaxCrossEntropy(),
        topK: [Int] = [], classCount: Int? = nil
    ) throws where Batches.Element: LabeledBatch {
        let operation = "Evaluation"
        let wasTraining = model.isTraining
        if wasTraining { model.setTraining(false) }
        defer { if wasTraining { model.setTraining(true) } }
        var lossSum = 0.0
        var predictions: [Int] = [], labels: [Int] = []
        var topCorrect = [Int: Int]()
        for batch in batches {
            try checkLabeledBatch(batch.images, batch.labels, operation: operation)
            let output = try model.forward(batch.images)
            if let classCount {
                guard output.shape == [batch.labels.count, classCount] else {
                    throw NeuralNetError.invalidInput(
                        layer: operation,
                        reason: "the model gives scores of shape \(output.shape) for a batch of "
                            + "\(batch.labels.count); expected [\(batch.labels.count), "
                            + "\(classCount)]")
                }
                if let label = batch.labels.first(where: { $0 < 0 || $0 >= classCount }) {
                    throw NeuralNetError.invalidInput(
                        layer: operation,
                        reason: "label \(label) is outside the \(classCount) classes")
                }
            }
            let value = try loss.value(output, labels: batch.labels)
            lossSum += Double(value) * Double(batch.labels.count)
            predictions += try Metrics.predictions(output)
            labels += batch.labels
            for k in topK {
                topCorrect[k, default: 0] += try Metrics.topKCorrectCount(
                    output, labels: batch.labels, k: k)
            }
        }
        let count = labels.count
        let correct = zip(predictions, labels).filter { $0 == $1 }.count
        let denominator = Double(max(count, 1))
        self.init(
            loss: lossSum / denominator, accuracy: Double(correct) / denominator, count: count,
            predictions: predictions, labels: labels,
            topKAccuracy: topCorrect.mapValues { Double($0) / denominator })
    }
}

/// Throws unless `images` is a non-empty batch of `labels.count` samples.
func checkLabeledBatch(_ images: Tensor, _ labels: [Int], operation: String) throws {
    guard images.rank >= 1, images.shape[0] == labels.count, !labels.isEmpty else {
        throw NeuralNetError.invalidInput(
            layer: operation,
            reason: "a batch of images \(images.shape) with \(labels.count) labels")
    }
}
