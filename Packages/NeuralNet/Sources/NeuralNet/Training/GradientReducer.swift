/// What a ``Trainer`` asks of the other processes when it trains data-parallel: each process
/// trains on its own share of every batch, and the reducer combines them. NeuralNet knows no
/// transport; the `Distributed` package's `DataParallelReducer` implements this over a
/// communicator (MPI), and a test can implement it in memory.
///
/// With ``Trainer/gradientReducer`` set, every step of ``Trainer/trainStep(images:labels:)``
/// is, on every process:
/// 1. forward and loss on the local share of `n` samples (none is allowed);
/// 2. ``sum(_:)`` of `[n, loss × n, correct, stop]`: the global count `N`, loss, accuracy, and
///    whether any process asked to stop (so that all stop after the same batch);
/// 3. backward of the loss gradient scaled by `n / N`, so that the sum over processes is the
///    gradient of the mean loss over the global batch of `N`, as one process would compute;
/// 4. ``sumGradients(_:)``, then the optimizer step, the same on every process.
///
/// ``synchronize(_:)`` copies process 0's parameters and buffers to the others when a run
/// starts (the initial weights) and before each validation. Batch normalization uses each
/// process's own batch statistics (PyTorch DDP's default); its running statistics are process
/// 0's, as with DDP's `broadcast_buffers`.
public protocol GradientReducer: AnyObject {
    /// The number of processes taking part (1 or more).
    var processCount: Int { get }

    /// Replaces `values` (`[k]`, the same `k` on every process) by their sum over the
    /// processes, added in a fixed order, the same on every process.
    /// - Throws: The transport's errors.
    func sum(_ values: inout [Double]) throws

    /// Replaces every parameter's gradient by the sum of that gradient over the processes
    /// (the same parameters, in the same order, on every process).
    /// - Throws: The transport's errors.
    func sumGradients(_ parameters: [Parameter]) throws

    /// Replaces the values of `model`'s parameters and buffers by process 0's.
    /// - Throws: The transport's errors.
    func synchronize(_ model: Layer) throws
}
