import Checkpoints
import Foundation
import NeuralNet

/// What `search` writes at the end: the trials ranked (``NeuralNet/SearchResult``'s table)
/// with the best trial's `train` command in `search.txt`, and the score per trial with the
/// best so far as `search.png` and `search.svg`.
public struct SearchReport: Sendable {
    /// The ranked trials.
    public var result: SearchResult
    /// The `train` arguments of every trial, by index.
    public var arguments: [Int: [String]]
    /// The app's name (`mnist`).
    public var appName: String

    /// Creates a report.
    public init(result: SearchResult, arguments: [Int: [String]], appName: String) {
        self.result = result
        self.arguments = arguments
        self.appName = appName
    }

    /// The command that reproduces the best trial (`mnist train --epochs 2 --learning-rate
    /// 0.03`), `nil` if every trial failed.
    public var bestCommand: String? {
        result.best.map { best in
            ([appName, "train"] + (arguments[best.index] ?? []).map(Self.quoted))
                .joined(separator: " ")
        }
    }

    /// `best: trial 3 (validation_accuracy 0.9870): mnist train ...`, or that all failed.
    public var bestLine: String {
        guard let best = result.best, let command = bestCommand else {
            return "every trial failed: see the table"
        }
        return "best: trial \(best.index) (\(result.objective.rawValue) "
            + String(format: "%.4f", best.score ?? 0) + "), reproduce it with\n  " + command
    }

    /// The score of every trial (by index, as in the table) and the best score so far.
    public var plot: LinePlot {
        let trials = result.trials.sorted { $0.index < $1.index }
        var points: [PlotPoint] = []
        var best: [PlotPoint] = []
        var bestSoFar: Double?
        for trial in trials {
            let x = Double(trial.index)
            points.append(PlotPoint(x: x, y: trial.score ?? .nan))
            if let score = trial.score {
                let better =
                    result.objective.mode == .minimize ? (<) : (>) as (Double, Double) -> Bool
                if bestSoFar.map({ better(score, $0) }) ?? true { bestSoFar = score }
            }
            best.append(PlotPoint(x: x, y: bestSoFar ?? .nan))
        }
        return LinePlot(
            title: "search",
            panels: [
                .init(
                    title: result.objective.rawValue + " per trial", xLabel: "trial",
                    yLabel: result.objective.rawValue,
                    series: [
                        .init(label: "trial", points: points, color: PlotColor.palette[0]),
                        .init(
                            label: "best so far", points: best, style: .dashed,
                            color: PlotColor.palette[1]),
                    ])
            ])
    }

    /// Writes `search.txt`, `search.png` and `search.svg` into `folder`.
    /// - Throws: ``AppError`` naming the file.
    public func write(to folder: String) throws {
        let base = URL(fileURLWithPath: folder).appendingPathComponent("search").path
        do {
            try AtomicFile.write(
                Array((result.description + "\n\n" + bestLine + "\n").utf8),
                to: URL(fileURLWithPath: base + ".txt"))
        } catch {
            throw AppError("cannot write \(base).txt: \(error)")
        }
        try plot.write(pngPath: base + ".png", svgPath: base + ".svg")
    }

    /// An argument as a shell reads it back: quoted when it holds anything but letters,
    /// digits and `-_.,:/=+`.
    static func quoted(_ argument: String) -> String {
        let plain =
            !argument.isEmpty
            && argument.allSatisfy {
                $0.isLetter || $0.isNumber || "-_.,:/=+".contains($0)
            }
        return plain ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
