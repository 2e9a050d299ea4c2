import Foundation
import NeuralNet
import TensorMath

/// How long each measurement runs: `warmup` untimed calls, then timed calls until there are at
/// least `minimumCalls` and they took at least `minimumSeconds`; the figure is the median call.
struct Timing {
    var warmup: Int
    var minimumCalls: Int
    var minimumSeconds: Double
}

/// The figures of one network, measured in one process.
struct BenchResult {
    var network: BenchNetwork
    /// Images per second of full training steps (the median step).
    var trainingImagesPerSecond: Double
    /// Timed training steps.
    var trainingSteps: Int
    /// Images per second of inference-mode forward passes (the median pass).
    var inferenceImagesPerSecond: Double
    /// Timed forward passes.
    var inferencePasses: Int
    /// The images of one inference pass.
    var inferenceBatch: Int
    /// The process's peak resident memory once training is over (VmHWM), in MiB; `nil` where
    /// /proc/self/status is missing.
    var peakMiB: Double?
    /// The process's resident memory before the first training step, model and batch made
    /// (VmRSS), in MiB: the part of the peak that is code and libraries, not training.
    var startMiB: Double?

    /// `name batch training-img/s inference-img/s peak-MiB training-steps inference-passes
    /// start-MiB`, tab-separated (memory is `nan` when unknown), the line Tools/bench-training
    /// reads.
    var tsv: String {
        [
            network.name, "\(network.batchSize)", "\(trainingImagesPerSecond)",
            "\(inferenceImagesPerSecond)", peakMiB.map { "\($0)" } ?? "nan", "\(trainingSteps)",
            "\(inferencePasses)", startMiB.map { "\($0)" } ?? "nan",
        ].joined(separator: "\t")
    }

    /// One aligned line for people.
    var text: String {
        let name = "\(network.name) b\(network.batchSize)"
        return name.padding(toLength: 16, withPad: " ", startingAt: 0)
            + String(
                format: " training %8.1f img/s (%d steps)  inference b%d %9.1f img/s (%d passes)",
                trainingImagesPerSecond, trainingSteps, inferenceBatch, inferenceImagesPerSecond,
                inferencePasses)
            + "  peak " + (peakMiB.map { String(format: "%.0f MiB", $0) } ?? "unknown")
    }
}

/// Seconds on the monotonic clock.
func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// The median of `values` (not empty).
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// The durations of the timed calls of `body` (after the untimed warm-up calls).
func timedCalls(_ timing: Timing, _ body: () throws -> Void) rethrows -> [Double] {
    for _ in 0..<timing.warmup { try body() }
    var durations: [Double] = []
    let start = now()
    while durations.count < timing.minimumCalls || now() - start < timing.minimumSeconds {
        let begin = now()
        try body()
        durations.append(now() - begin)
    }
    return durations
}

/// A memory figure of /proc/self/status in MiB: `VmHWM` (the peak resident set size so far)
/// or `VmRSS` (the resident set size now); `nil` where the file or the line is missing (not
/// Linux).
func processMemoryMiB(_ field: String) -> Double? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
        return nil
    }
    for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
        let fields = line.split(separator: " ")
        guard fields.count >= 3, let kilobytes = Double(fields[1]) else { return nil }
        return kilobytes / 1024
    }
    return nil
}

/// Measures `network` in this process: training steps through `Trainer.trainStep` (the apps'
/// path: zero gradients, forward, loss, backward, optimizer step) on one synthetic batch of
/// normal random images and uniform random labels, then the peak resident memory, then
/// inference-mode forward passes over `inferenceBatch` images. The inference input is made
/// after the peak is read, so the peak is the training's.
/// - Throws: The model's, optimizer's and trainer's errors (a loss that is not finite).
func measure(
    _ network: BenchNetwork, training: Timing, inference: Timing, inferenceBatch: Int,
    seed: UInt64
) throws -> BenchResult {
    var generator = Xoshiro256(seed: seed)
    let model = try network.makeModel(&generator)
    let trainer = Trainer(
        model: model, optimizer: try network.makeOptimizer(model), loss: network.loss)
    let images = try Tensor.normal([network.batchSize] + network.imageShape, using: &generator)
    let labels = (0..<network.batchSize).map { _ in
        Int.random(in: 0..<network.classCount, using: &generator)
    }
    let start = processMemoryMiB("VmRSS")
    let steps = try timedCalls(training) {
        _ = try trainer.trainStep(images: images, labels: labels)
    }
    let peak = processMemoryMiB("VmHWM")

    model.setTraining(false)
    let batch = try Tensor.normal([inferenceBatch] + network.imageShape, using: &generator)
    let passes = try timedCalls(inference) { _ = try model.forward(batch) }
    return BenchResult(
        network: network,
        trainingImagesPerSecond: Double(network.batchSize) / median(steps),
        trainingSteps: steps.count,
        inferenceImagesPerSecond: Double(inferenceBatch) / median(passes),
        inferencePasses: passes.count, inferenceBatch: inferenceBatch, peakMiB: peak,
        startMiB: start)
}
