import Foundation
import NeuralNet
import TensorMath
import Testing

/// `Trainer.gradientReducer`: trainers on threads, each on its share of every batch, joined by
/// an in-memory reducer, train like one trainer on the whole batches.
@Suite("Data-parallel Trainer")
struct DataParallelTrainerTests {
    let training = blobBatches(seed: 1)
    let validation = blobBatches(perClass: 10, batchSize: 32, seed: 2)

    /// Runs `size` trainers (the same seeded model) for `epochs` on threads; process `r` gets
    /// the rows `split(r, n)` of every batch of `n`.
    func trainInParallel(
        size: Int, epochs: Int, split: @escaping @Sendable (Int, Int) -> Range<Int>,
        stopAt: Int? = nil
    ) throws -> [Trainer] {
        let group = InMemoryGroup(size: size)
        let trainers = try (0..<size).map { rank in
            let model = makeTestMLP(seed: 3)
            // A different start on the other processes: synchronize must copy process 0's.
            if rank > 0 { for p in model.parameters { try p.assign(p.value * 2) } }
            let trainer = Trainer(
                model: model, optimizer: try SGD(model, learningRate: 0.1, momentum: 0.9))
            trainer.gradientReducer = InMemoryReducer(group: group, rank: rank)
            return trainer
        }
        let shares = (0..<size).map { rank in
            training.map { batch in
                let rows = split(rank, batch.labels.count)
                return TensorBatch(
                    images: try! batch.images.slice(batch: rows),
                    labels: Array(batch.labels[rows]))
            }
        }
        let errors = Locked<[String]>([])
        // One thread per process (Dispatch would run more processes than cores one by one).
        let done = DispatchGroup()
        for rank in 0..<size {
            done.enter()
            Thread {
                defer { done.leave() }
                do {
                    let trainer = trainers[rank]
                    try trainer.fit(
                        epochs: epochs, training: { _ in shares[rank] }, validation: { validation },
                        hooks: TrainingHooks(shouldStop: {
                            rank == size - 1 && trainer.state.globalStep == stopAt
                        }))
                } catch {
                    errors.withLock { $0.append("rank \(rank): \(error)") }
                }
            }.start()
        }
        done.wait()
        try #require(errors.withLock { $0 }.isEmpty, "\(errors.withLock { $0 })")
        return trainers
    }

    func trainAlone(epochs: Int) throws -> Trainer {
        let model = makeTestMLP(seed: 3)
        let trainer = Trainer(
            model: model, optimizer: try SGD(model, learningRate: 0.1, momentum: 0.9))
        try trainer.fit(epochs: epochs, training: { _ in training }, validation: { validation })
        return trainer
    }

    func largestDifference(_ a: Trainer, _ b: Trainer) -> Float {
        zip(a.model.parameters, b.model.parameters).map { p, q in
            zip(p.value.scalars, q.value.scalars).map { abs($0 - $1) }.max() ?? 0
        }.max() ?? 0
    }

    @Test("two processes on halves of every batch match one process on the whole batches")
    func twoHalvesMatchOne() throws {
        let parallel = try trainInParallel(size: 2, epochs: 3) { rank, n in
            rank == 0 ? 0..<n / 2 : n / 2..<n
        }
        let alone = try trainAlone(epochs: 3)
        // The processes agree bit for bit; one process differs by float rounding.
        #expect(largestDifference(parallel[0], parallel[1]) == 0)
        #expect(largestDifference(parallel[0], alone) < 1e-5)
        #expect(parallel[0].state.history.map(\.samples) == alone.state.history.map(\.samples))
        for (a, b) in zip(parallel[0].state.history, alone.state.history) {
            #expect(abs(a.trainingLoss - b.trainingLoss) < 1e-5)
            #expect(a.trainingAccuracy == b.trainingAccuracy)
            #expect(
                a.validationLoss == b.validationLoss
                    || abs(a.validationLoss! - b.validationLoss!) < 1e-5)
        }
    }

    @Test("a process with empty shares (a last batch smaller than the processes) takes part")
    func emptySharesTakePart() throws {
        let parallel = try trainInParallel(size: 3, epochs: 2) { rank, n in
            rank == 0 ? 0..<n : n..<n
        }
        let alone = try trainAlone(epochs: 2)
        #expect(largestDifference(parallel[0], parallel[2]) == 0)
        #expect(largestDifference(parallel[0], alone) < 1e-5)
    }

    @Test("a stop asked on one process stops every process after the same batch")
    func stopIsAgreed() throws {
        let parallel = try trainInParallel(
            size: 2, epochs: 3,
            split: { rank, n in
                rank == 0 ? 0..<n / 2 : n / 2..<n
            }, stopAt: 5)
        // Asked after step 5 on the last process, agreed in step 6.
        #expect(parallel.map(\.state.globalStep) == [6, 6])
        #expect(parallel.map(\.state.batchCursor) == [6, 6])
    }
}

/// Processes of a job as threads: ``sum(_:rank:)`` waits for every rank and returns the sum
/// in rank order.
final class InMemoryGroup: @unchecked Sendable {
    let size: Int
    private let condition = NSCondition()
    private var slots: [[Double]]
    private var arrived = 0, generation = 0
    private var result: [Double] = []

    init(size: Int) {
        self.size = size
        slots = Array(repeating: [], count: size)
    }

    func sum(_ values: [Double], rank: Int) -> [Double] {
        condition.lock()
        defer { condition.unlock() }
        let round = generation
        slots[rank] = values
        arrived += 1
        if arrived == size {
            result = slots[0]
            for r in 1..<size { for i in result.indices { result[i] += slots[r][i] } }
            arrived = 0
            generation += 1
            condition.broadcast()
        } else {
            while generation == round { condition.wait() }
        }
        return result
    }
}

/// A ``GradientReducer`` over an ``InMemoryGroup``.
final class InMemoryReducer: GradientReducer {
    let group: InMemoryGroup
    let rank: Int
    var processCount: Int { group.size }

    init(group: InMemoryGroup, rank: Int) {
        self.group = group
        self.rank = rank
    }

    func sum(_ values: inout [Double]) throws { values = group.sum(values, rank: rank) }

    func sumGradients(_ parameters: [Parameter]) throws {
        let flat = parameters.flatMap { $0.gradient.scalars.map(Double.init) }
        var summed = group.sum(flat, rank: rank)[...]
        for p in parameters {
            let count = p.gradient.count
            p.gradient = try Tensor(
                shape: p.gradient.shape, scalars: summed.prefix(count).map(Float.init))
            summed = summed.dropFirst(count)
        }
    }

    func synchronize(_ model: Layer) throws {
        let flat = model.parameters.flatMap { $0.value.scalars.map(Double.init) }
        let mine = rank == 0 ? flat : [Double](repeating: 0, count: flat.count)
        var rootValues = group.sum(mine, rank: rank)[...]
        for p in model.parameters {
            let count = p.value.count
            try p.assign(
                Tensor(shape: p.value.shape, scalars: rootValues.prefix(count).map(Float.init)))
            rootValues = rootValues.dropFirst(count)
        }
    }
}

/// A value guarded by a lock.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
