import Foundation
import NeuralNet

#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress bar on standard error, drawn only when standard error is a terminal,
/// so logs and pipes stay clean (results belong on standard output). The line always fits the
/// terminal's width (it never wraps): the bar takes what the text leaves, and the text is cut
/// on very narrow terminals.
///
/// ```swift
/// let bar = ProgressBar(total: batchesPerEpoch, label: "epoch 3/15", remainingEpochs: 12)
/// bar.update(progress)     // from Trainer.fit's onBatch: step n/N, loss, accuracy, images/s,
///                          // elapsed, ETA of the epoch and of the run
/// bar.finish()             // clears the line
/// ```
public final class ProgressBar {
    /// The number of steps of the whole bar (at least 1).
    public let total: Int
    /// The text in front of the bar.
    public let label: String
    /// The width of the terminal in characters; lines are at most one less.
    public let columns: Int
    /// Epochs still to come after this bar's one, for the run's ETA (0: none shown).
    public let remainingEpochs: Int
    /// Whether anything is drawn.
    public let isEnabled: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    /// The widest bar drawn, in cells.
    private static let maximumBarWidth = 30

    /// Whether standard error is a terminal.
    public static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// The width of the terminal on standard error, else `$COLUMNS`, else 80.
    public static var terminalColumns: Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
            return Int(size.ws_col)
        }
        if let text = ProcessInfo.processInfo.environment["COLUMNS"], let value = Int(text),
            value > 0
        {
            return value
        }
        return 80
    }

    /// Creates a bar for `total` steps.
    /// - Parameters:
    ///   - columns: The terminal's width; default ``terminalColumns``.
    ///   - remainingEpochs: Epochs after this one, for the run's ETA; default 0 (none shown).
    ///   - enabled: Default ``standardErrorIsTerminal``.
    public init(
        total: Int, label: String, columns: Int = ProgressBar.terminalColumns,
        remainingEpochs: Int = 0, enabled: Bool = ProgressBar.standardErrorIsTerminal
    ) {
        self.total = max(1, total)
        self.label = label
        self.columns = max(1, columns)
        self.remainingEpochs = max(0, remainingEpochs)
        self.isEnabled = enabled
    }

    /// The bar's text at `step` of ``total`` after `elapsed` seconds: the label, the bar, the
    /// step, a status (loss, accuracy, images/s), the elapsed time, the estimated time left in
    /// the epoch and, with ``remainingEpochs``, in the run. At most ``columns`` − 1
    /// characters.
    public func line(step: Int, status: String, elapsed: Double) -> String {
        let done = min(max(step, 0), total)
        let fraction = Double(done) / Double(total)
        let eta = fraction > 0 ? elapsed / fraction - elapsed : 0
        let run =
            remainingEpochs > 0 && fraction > 0
            ? " run \(Self.duration(eta + Double(remainingEpochs) * elapsed / fraction))" : ""
        let spent = " \(Self.duration(elapsed))"
        let counts = " \(done)/\(total) \(status)"
        let left = " ETA \(Self.duration(eta))"
        // The richest text that leaves room for a bar of 6 cells or more: the elapsed time
        // goes first, then the run's ETA; without room for a bar at all, the text is cut.
        let tails = [counts + spent + left + run, counts + left + run, counts + left]
        for tail in tails {
            let width = min(columns - 1 - label.count - 1 - tail.count, Self.maximumBarWidth)
            guard width >= 6 else { continue }
            let filled = Int(fraction * Double(width))
            let bar =
                String(repeating: "█", count: filled)
                + String(repeating: "·", count: width - filled)
            return label + " " + bar + tail
        }
        return String((label + counts + left).prefix(columns - 1))
    }

    /// Redraws the bar at `step` (1-based) with a free-form status, at most ten times a
    /// second (and always at the last step).
    public func update(step: Int, status: String) {
        guard isEnabled else { return }
        let now = Date()
        guard step >= total || now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        let text = line(step: step, status: status, elapsed: now.timeIntervalSince(start))
        FileHandle.standardError.write(Data(("\r" + text + "\u{1B}[K").utf8))
    }

    /// Redraws the bar from a trainer's batch report: running loss and accuracy, images/s.
    public func update(_ progress: BatchProgress) {
        update(step: progress.batch + 1, status: Self.status(progress))
    }

    /// Clears the bar's line.
    public func finish() {
        guard isEnabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    /// `loss 0.0312 acc 99.01% 2400 img/s` for a batch report.
    public static func status(_ progress: BatchProgress) -> String {
        String(
            format: "loss %.4f acc %.2f%% %.0f img/s", progress.runningLoss,
            progress.runningAccuracy * 100, progress.imagesPerSecond)
    }

    /// `m:ss` (or `h:mm:ss`) for a number of seconds.
    public static func duration(_ seconds: Double) -> String {
        let total = seconds.isFinite ? max(0, Int(seconds.rounded())) : 0
        let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
        return h > 0
            ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
    }
}
