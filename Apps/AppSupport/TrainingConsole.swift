import NeuralNet

/// What every training command shows and obeys while a ``NeuralNet/Trainer`` runs: a
/// ``ProgressBar`` per epoch on standard error (terminals only) and Ctrl-C or SIGTERM
/// (``InterruptSignal``), which stops the run after the current batch.
///
/// ```swift
/// let console = TrainingConsole(stepsPerEpoch: 430, epochs: 15) { "epoch \($0 + 1)/15" }
/// defer { console.finish() }
/// try trainer.fit(epochs: 15, training: { loader.batches(epoch: $0) },
///                 hooks: console.hooks.followed(by: myHooks))
/// ```
public final class TrainingConsole {
    /// Optimizer steps per epoch: the bar's length.
    public let stepsPerEpoch: Int
    /// The run's epochs, for the run's ETA.
    public let epochs: Int
    /// The bar's label for an epoch (counted from 0).
    public let label: (Int) -> String
    private var bar: ProgressBar?

    /// Creates the console and installs the signal handlers.
    public init(stepsPerEpoch: Int, epochs: Int, label: @escaping (Int) -> String) {
        self.stepsPerEpoch = stepsPerEpoch
        self.epochs = epochs
        self.label = label
        InterruptSignal.install()
    }

    /// Whether a signal asked the run to stop.
    public var isInterrupted: Bool { InterruptSignal.isRequested }

    /// A bar drawn from each epoch's start, updated after every batch and cleared when the
    /// epoch ends (before anything the following hooks print); a stop when a signal arrived.
    public var hooks: TrainingHooks {
        TrainingHooks(
            onEpochStart: { [unowned self] epoch in
                bar = ProgressBar(
                    total: stepsPerEpoch, label: label(epoch),
                    remainingEpochs: epochs - epoch - 1)
            },
            onBatch: { [unowned self] progress in bar?.update(progress) },
            shouldStop: { InterruptSignal.isRequested },
            onEpoch: { [unowned self] _ in finish() })
    }

    /// Clears a bar left on the screen (a run stopped or failed mid-epoch).
    public func finish() {
        bar?.finish()
        bar = nil
    }
}
