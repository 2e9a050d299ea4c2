import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress bar on standard error, drawn only when standard error is a terminal
/// (so logs and pipes stay clean). Results belong on standard output.
public final class ProgressBar {
    private let total: Int
    private let label: String
    private let enabled: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast

    /// Creates a bar for `total` steps; `enabled` defaults to "standard error is a terminal".
    public init(total: Int, label: String, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.total = max(1, total)
        self.label = label
        self.enabled = enabled
    }

    /// Redraws the bar at `step` (1-based) with a free-form status (loss, accuracy, images/s).
    public func update(step: Int, status: String) {
        guard enabled else { return }
        let now = Date()
        guard step >= total || now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        let fraction = Double(min(step, total)) / Double(total)
        let width = 24
        let filled = Int(fraction * Double(width))
        let elapsed = now.timeIntervalSince(start)
        let eta = fraction > 0 ? elapsed / fraction - elapsed : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let line = String(format: "\r%@ %@ %3.0f%% %@ ETA %3.0fs", label, bar, fraction * 100, status, eta)
        FileHandle.standardError.write(Data((line + "\u{1B}[K").utf8))
    }

    /// Ends the bar's line.
    public func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
