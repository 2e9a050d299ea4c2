import AppSupport
import Foundation

extension ExperimentReport {
    /// The closing table: per network, its size and last epoch's results, and its run time.
    ///
    /// ```
    /// network    layers  parameters  epochs  train loss  train error  test error    time
    /// plain-20       20     269,722      12      0.5123       17.62%      21.35%    3:05
    /// ```
    var summaryTable: String {
        let header = [
            "network", "layers", "parameters", "epochs", "train loss", "train error",
            "test error", "time",
        ]
        var rows = [header]
        for network in networks {
            let last = network.last
            let epochs = "\(network.epochs.count)" + (network.complete ? "" : "*")
            rows.append([
                network.name, String(network.depth), Self.grouped(network.parameters), epochs,
                last.map { String(format: "%.4f", $0.trainLoss) } ?? "-",
                last.map { String(format: "%.2f%%", $0.trainErrorPercent) } ?? "-",
                last.map { String(format: "%.2f%%", $0.testErrorPercent) } ?? "-",
                ProgressBar.duration(network.seconds),
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var lines = rows.map { row in
            row.indices.map { column in
                let cell = row[column],
                    pad = String(
                        repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        if networks.contains(where: { !$0.complete }) {
            lines.append("* stopped before its last epoch")
        }
        return lines.joined(separator: "\n")
    }

    /// `853,018`.
    static func grouped(_ value: Int) -> String {
        let digits = Array(String(value))
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result += "," }
            result.append(digit)
        }
        return result
    }
}
