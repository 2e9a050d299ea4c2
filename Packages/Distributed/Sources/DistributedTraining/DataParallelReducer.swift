import Distributed
import NeuralNet
import TensorMath

#if canImport(Glibc)
import Glibc
#endif

/// A ``Distributed/Communicator`` as NeuralNet's `GradientReducer`: what makes the one
/// training loop, `Trainer`, train data-parallel over MPI.
///
/// ```swift
/// let communicator = try DistributedEnvironment.communicator()
/// if communicator.size > 1 {
///     trainer.gradientReducer = DataParallelReducer(communicator: communicator)
/// }
/// // Each process then trains on its share of every batch (Datasets' `BatchLoader(shard:)`).
/// ```
///
/// The gradients of every parameter are copied into one flat `Float` buffer (`[P]` for `P`
/// parameters in all), summed over the processes in buckets of at most ``bucketBytes`` (one
/// deterministic all-reduce each) and copied back. Metrics are summed as `Double`s.
/// ``synchronize(_:)`` broadcasts process 0's parameters and buffers (batch-norm running
/// statistics) in one flat buffer.
///
/// The all-reduce runs after the whole backward pass, not overlapped with it: for SwiftCNN's
/// networks (at most a few MB of gradients) the sum takes under 3 % of a step, except for
/// LeNet-5, whose 2 ms step is too short for per-layer buckets (two collectives each) to pay
/// (`docs/distributed-figures.md`); overlapping would gain little for the threads and progress
/// engine it needs.
public final class DataParallelReducer: GradientReducer {
    /// The processes.
    public let communicator: any Communicator
    /// The largest all-reduce, in bytes (default 25 MB, PyTorch DDP's bucket size).
    public let bucketBytes: Int
    /// Seconds spent in this reducer's collectives so far (including waiting for the slowest
    /// process), for measuring the share of a step spent communicating.
    public private(set) var communicationSeconds: Double = 0
    /// Bytes of gradients this process has summed so far (its buffer's size per step).
    public private(set) var gradientBytes: Int = 0
    /// The number of ``sumGradients(_:)`` calls so far (optimizer steps).
    public private(set) var gradientSums: Int = 0
    private var flat: [Float] = []

    /// Creates the reducer.
    /// - Parameters:
    ///   - communicator: The processes; usually `DistributedEnvironment.communicator()`.
    ///   - bucketBytes: The largest single all-reduce; default 25 MB.
    public init(communicator: any Communicator, bucketBytes: Int = 25 << 20) {
        self.communicator = communicator
        self.bucketBytes = max(4, bucketBytes)
    }

    public var processCount: Int { communicator.size }

    public func sum(_ values: inout [Double]) throws {
        try timed { try communicator.allReduceSum(&values) }
    }

    public func sumGradients(_ parameters: [Parameter]) throws {
        let total = parameters.reduce(0) { $0 + $1.gradient.count }
        if flat.count != total { flat = [Float](repeating: 0, count: total) }
        var offset = 0
        for parameter in parameters {
            parameter.gradient.withUnsafeBufferPointer { gradient in
                flat.withUnsafeMutableBufferPointer { flat in
                    for i in 0..<gradient.count { flat[offset + i] = gradient[i] }
                }
            }
            offset += parameter.gradient.count
        }
        let bucket = bucketBytes / MemoryLayout<Float>.stride
        try timed {
            try flat.withUnsafeMutableBufferPointer { flat in
                var start = 0
                while start < flat.count {
                    let end = min(flat.count, start + bucket)
                    try communicator.allReduceSum(
                        UnsafeMutableBufferPointer(rebasing: flat[start..<end]))
                    start = end
                }
            }
        }
        gradientBytes += total * MemoryLayout<Float>.stride
        gradientSums += 1
        offset = 0
        for parameter in parameters {
            let count = parameter.gradient.count
            flat.withUnsafeBufferPointer { flat in
                parameter.gradient.withUnsafeMutableBufferPointer { gradient in
                    for i in 0..<count { gradient[i] = flat[offset + i] }
                }
            }
            offset += count
        }
    }

    public func synchronize(_ model: Layer) throws {
        var tensors = model.namedParameters.map { $0.parameter.value }
        tensors += model.namedBuffers.map { $0.buffer.value }
        var values = tensors.flatMap(\.scalars)
        try timed { try communicator.broadcast(&values, root: 0) }
        var offset = 0
        for (_, parameter) in model.namedParameters {
            parameter.value = try Self.take(parameter.value.shape, from: values, at: &offset)
        }
        for (_, buffer) in model.namedBuffers {
            buffer.value = try Self.take(buffer.value.shape, from: values, at: &offset)
        }
    }

    /// The tensor of `shape` at `offset` in `values`, advancing `offset`.
    private static func take(_ shape: [Int], from values: [Float], at offset: inout Int) throws
        -> Tensor
    {
        let count = shape.reduce(1, *)
        defer { offset += count }
        return try Tensor(shape: shape, scalars: Array(values[offset..<offset + count]))
    }

    private func timed(_ body: () throws -> Void) throws {
        let clock = ContinuousClock(), start = clock.now
        defer {
            let elapsed = (clock.now - start).components
            communicationSeconds +=
                Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
        }
        try body()
    }
}
