import Distributed
import DistributedTraining
import NeuralNet
import TensorMath

/// The `train` mode: every rank trains a small MLP on its contiguous share of every batch
/// through `DataParallelReducer`, then trains the same MLP alone on the whole batches; returns
/// the problems found (the ranks' weights must agree bit for bit, and match the lone run to
/// float tolerance) and the largest difference from the lone run.
func trainCheck(_ communicator: any Communicator) throws -> (failures: [String], difference: Float)
{
    func makeModel() throws -> Sequential {
        var g = Xoshiro256(seed: 3)
        return Sequential(
            try Linear(inputSize: 4, outputSize: 16, generator: &g), ReLU(),
            try Linear(inputSize: 16, outputSize: 3, generator: &g))
    }
    // 70 samples of 3 classes in batches of 16: a last batch of 6.
    var g = Xoshiro256(seed: 9)
    let labels = (0..<70).map { $0 % 3 }
    let points = labels.flatMap { label in
        (0..<4).map { d in (d == label ? 2 : 0) + 0.5 * g.nextNormalFloat() }
    }
    let batches = stride(from: 0, to: 70, by: 16).map { start in
        let end = min(70, start + 16)
        return TensorBatch(
            images: try! Tensor(
                shape: [end - start, 4], scalars: Array(points[start * 4..<end * 4])),
            labels: Array(labels[start..<end]))
    }
    let (rank, size) = (communicator.rank, communicator.size)
    let shares = try batches.map { batch in
        let n = batch.labels.count
        let rows = n * rank / size..<n * (rank + 1) / size
        return TensorBatch(
            images: try batch.images.slice(batch: rows), labels: Array(batch.labels[rows]))
    }

    let model = try makeModel()
    if rank > 0 { for p in model.parameters { try p.assign(p.value * 3) } }
    let trainer = Trainer(model: model, optimizer: try Adam(model, learningRate: 0.01))
    trainer.gradientReducer = DataParallelReducer(communicator: communicator, bucketBytes: 256)
    try trainer.fit(epochs: 3, training: { _ in shares })

    let aloneModel = try makeModel()
    let alone = Trainer(model: aloneModel, optimizer: try Adam(aloneModel, learningRate: 0.01))
    try alone.fit(epochs: 3, training: { _ in batches })

    var failures: [String] = []
    let mine = model.parameters.flatMap(\.value.scalars)
    var root = mine
    try communicator.broadcast(&root, root: 0)
    if root.map(\.bitPattern) != mine.map(\.bitPattern) {
        failures.append("the weights differ from rank 0's")
    }
    let difference =
        zip(mine, aloneModel.parameters.flatMap(\.value.scalars))
        .map { abs($0 - $1) }.max() ?? 0
    if difference > 1e-5 {
        failures.append("the weights differ from one process's by \(difference)")
    }
    if trainer.state.history.map(\.samples) != [70, 70, 70] {
        failures.append("epoch samples \(trainer.state.history.map(\.samples)), expected 70 each")
    }
    return (failures, difference)
}
