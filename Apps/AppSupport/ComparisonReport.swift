import Checkpoints
import Foundation
import NeuralNet

/// What `compare` writes: a table (final and best validation accuracy, final losses, test
/// accuracy, training time, parameters, initial weights per variant), every epoch of every
/// variant as CSV and JSON, and the curves overlaid (training loss, validation loss,
/// validation accuracy) as PNG and SVG.
public struct ComparisonReport: Codable, Sendable {
    /// The `compare` command line.
    public var command: String
    /// The finished variants, in order.
    public var runs: [VariantRun]

    /// Creates a report.
    public init(command: String, runs: [VariantRun]) {
        self.command = command
        self.runs = runs
    }

    /// The table, one row per variant.
    public var table: String {
        let header = [
            "variant", "params", "final val acc", "best val acc (epoch)", "final loss",
            "final val loss", "test acc", "train s", "initial weights",
        ]
        let rows = runs.map { run -> [String] in
            let last = run.history.last
            return [
                run.name, String(run.parameters),
                run.finalValidationAccuracy.map { percent($0) } ?? "-",
                run.bestValidationAccuracy.map { "\(percent($0.accuracy)) (\($0.epoch))" } ?? "-",
                last.map { String(format: "%.4f", $0.trainingLoss) } ?? "-",
                last?.validationLoss.map { String(format: "%.4f", $0) } ?? "-",
                percent(run.testAccuracy), String(format: "%.1f", run.trainingSeconds),
                run.initialWeights,
            ]
        }
        return TextTable(header: header, rows: rows, rightAligned: Set(1...7)).text
    }

    /// Every epoch of every variant: `variant,epoch,loss,accuracy,val_loss,val_accuracy,
    /// learning_rate,seconds` (the columns of ``CSVLog`` after the variant).
    public var csv: String {
        var lines = ["variant," + CSVLog.header]
        for run in runs {
            let quoted = "\"" + run.name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            for row in CSVLog.text(run.history).split(separator: "\n").dropFirst() {
                lines.append(quoted + "," + row)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The curves of every variant: training loss, validation loss and validation accuracy
    /// (percent) against the epoch, one colour per variant.
    public var plot: LinePlot {
        func series(_ value: (EpochSummary) -> Double?) -> [LinePlot.Series] {
            runs.enumerated().map { index, run in
                LinePlot.Series(
                    label: run.name,
                    points: run.history.compactMap { summary in
                        value(summary).map { PlotPoint(x: Double(summary.epoch + 1), y: $0) }
                    }, color: PlotColor.palette[index % PlotColor.palette.count])
            }
        }
        let varied =
            runs.first?.name.split(separator: " ")
            .map { $0.split(separator: "=").first.map(String.init) ?? "" } ?? []
        return LinePlot(
            title: "compare: " + varied.joined(separator: ", "),
            panels: [
                .init(
                    title: "Training loss", xLabel: "epoch", yLabel: "loss",
                    series: series { $0.trainingLoss }),
                .init(
                    title: "Validation loss", xLabel: "epoch", yLabel: "loss",
                    series: series { $0.validationLoss }),
                .init(
                    title: "Validation accuracy", xLabel: "epoch", yLabel: "accuracy (%)",
                    series: series { $0.validationAccuracy.map { $0 * 100 } }),
            ])
    }

    /// Writes `comparison.txt` (the command and the table), `.csv`, `.json`, `.png` and
    /// `.svg` into `folder`, each atomically.
    /// - Throws: ``AppError`` naming the file.
    public func write(to folder: String) throws {
        let base = URL(fileURLWithPath: folder).appendingPathComponent("comparison").path
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let files: [(String, () throws -> [UInt8])] = [
            (".txt", { Array((command + "\n\n" + table + "\n").utf8) }),
            (".csv", { Array(csv.utf8) }), (".json", { Array(try encoder.encode(self)) }),
        ]
        for (suffix, bytes) in files {
            do {
                try AtomicFile.write(try bytes(), to: URL(fileURLWithPath: base + suffix))
            } catch {
                throw AppError("cannot write \(base + suffix): \(error)")
            }
        }
        try plot.write(pngPath: base + ".png", svgPath: base + ".svg", width: 1200, height: 420)
    }

    private func percent(_ value: Double) -> String { String(format: "%.2f%%", value * 100) }
}

/// A plain-text table: columns padded to their widths, the chosen ones right-aligned.
struct TextTable {
    var header: [String]
    var rows: [[String]]
    /// The columns aligned to the right (numbers).
    var rightAligned: Set<Int>

    var text: String {
        let widths = header.indices.map { column in
            ([header] + rows).map { $0.indices.contains(column) ? $0[column].count : 0 }.max()
                ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: max(0, widths[column] - cell.count))
                return rightAligned.contains(column) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }
}
