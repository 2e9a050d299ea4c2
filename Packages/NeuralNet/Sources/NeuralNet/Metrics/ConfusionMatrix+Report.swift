import Foundation

extension ConfusionMatrix {
    /// The matrix (rows true, columns predicted) followed by the per-class report.
    public var description: String { matrixTable + "\n\n" + report }

    /// The counts as a table, rows labelled with the true class and columns with the
    /// predicted class.
    public var matrixTable: String {
        let width = Swift.max(
            classNames.map(\.count).max() ?? 0,
            counts.flatMap { $0 }.map { String($0).count }.max() ?? 1, 4)
        let nameWidth = Swift.max(classNames.map(\.count).max() ?? 0, "true \\ predicted".count)
        var lines = [
            pad("true \\ predicted", nameWidth)
                + classNames.map {
                    " " + padLeft($0, width)
                }.joined()
        ]
        for (index, row) in counts.enumerated() {
            lines.append(
                pad(classNames[index], nameWidth)
                    + row.map {
                        " " + padLeft(String($0), width)
                    }.joined())
        }
        return lines.joined(separator: "\n")
    }

    /// A classification report like scikit-learn's: precision, recall, F1 and support per
    /// class, then accuracy and the macro average.
    public var report: String {
        let nameWidth = Swift.max(classNames.map(\.count).max() ?? 0, "macro avg".count)
        func row(_ name: String, _ values: [String], _ support: Int) -> String {
            pad(name, nameWidth) + values.map { " " + padLeft($0, 9) }.joined()
                + " " + padLeft(String(support), 9)
        }
        func number(_ x: Double) -> String { String(format: "%.4f", x) }
        var lines = [
            pad("", nameWidth)
                + ["precision", "recall", "f1", "support"].map {
                    " " + padLeft($0, 9)
                }.joined()
        ]
        for item in classReports {
            lines.append(
                row(
                    item.name, [number(item.precision), number(item.recall), number(item.f1)],
                    item.support))
        }
        lines.append("")
        lines.append(row("accuracy", ["", "", number(accuracy)], total))
        let macro = macroAverage
        lines.append(
            row(
                "macro avg", [number(macro.precision), number(macro.recall), number(macro.f1)],
                total))
        return lines.joined(separator: "\n")
    }
}

private func pad(_ text: String, _ width: Int) -> String {
    text + String(repeating: " ", count: Swift.max(0, width - text.count))
}

private func padLeft(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: Swift.max(0, width - text.count)) + text
}
