import Foundation
import NeuralNet

#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress bar on standard error, drawn only when standard error is a terminal,
/// so logs and pipes stay clean (results belong on standard output).
///
/// ```swift
/// let bar = ProgressBar(total: batchesPerEpoch, label: "epoch 3/15")
/// bar.update(progress)     // from Trainer.fit's onBatch: loss, accuracy, images/s, ETA
/// bar.finish()             // clears the line
/// ```
public final class ProgressBar {
    /// The number of steps of the whole bar (at least 1).
    public let total: Int
    /// The text in front of the bar.
    public let label: String
    /// Whether anything is drawn.
    public let isEnabled: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private let width = 24

    /// Whether standard error is a terminal.
    public static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Creates a bar for `total` steps.
    /// - Parameter enabled: Default ``standardErrorIsTerminal``.
    public init(total: Int, label: String, enabled: Bool = ProgressBar.standardErrorIsTerminal) {
        self.total = max(1, total)
        self.label = label
        self.isEnabled = enabled
    }

    /// The bar's text at `step` of ``total`` after `elapsed` seconds, with a status (loss,
    /// accuracy, images/s) and the estimated time left.
    public func line(step: Int, status: String, elapsed: Double) -> String {
        let fraction = Double(min(max(step, 0), total)) / Double(total)
        let filled = Int(fraction * Double(width))
        let bar =
            String(repeating: "█", count: filled)
            + String(repeating: "·", count: width - filled)
        let eta = fraction > 0 ? elapsed / fraction - elapsed : 0
        let percent = String(format: "%3.0f%%", fraction * 100)
        return "\(label) \(bar) \(percent) \(status) ETA \(Self.duration(eta))"
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
