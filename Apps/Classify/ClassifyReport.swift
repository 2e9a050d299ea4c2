import Foundation
import ImageClassification
import TensorMath

/// The results of one `classify` run, printed as text lines as they come or as one JSON array
/// at the end; errors always go to standard error too, naming the file.
struct ClassifyReport {
    /// One image's entry of the JSON array.
    struct Entry: Encodable {
        /// One class of the ranking.
        struct Ranked: Encodable {
            var `class`: String
            var index: Int
            var probability: Float
        }

        /// The path as given.
        var file: String
        /// The most probable class's name; absent after an error.
        var `class`: String?
        /// Its probability.
        var probability: Float?
        /// The `--top` most probable classes, most probable first.
        var top: [Ranked]?
        /// Why the file could not be classified.
        var error: String?
    }

    /// Whether to print JSON (at the end) rather than text (as results come).
    let json: Bool
    private var entries: [Entry] = []

    init(json: Bool) {
        self.json = json
    }

    /// Records a classified image; prints `path: 7 (99.2%)`, then `, 1 (0.5%)` for each
    /// further class of the ranking.
    mutating func add(path: String, ranking: [ClassPrediction]) {
        guard let best = ranking.first else { return }
        let path = FileSystemName.displayed(path)
        if json {
            entries.append(
                Entry(
                    file: path, class: best.className, probability: best.probability,
                    top: ranking.map {
                        Entry.Ranked(
                            class: $0.className, index: $0.classIndex, probability: $0.probability)
                    }))
        } else {
            let classes = ranking.map { "\($0.className) (\(Self.percent($0.probability)))" }
            print("\(path): " + classes.joined(separator: ", "))
        }
    }

    /// Records a file that could not be classified and says so on standard error.
    mutating func add(path: String, error: String) {
        Standard.error("classify: \(error)")
        if json { entries.append(Entry(file: FileSystemName.displayed(path), error: error)) }
    }

    /// Prints the JSON array, if JSON was asked for.
    func finish() {
        guard json else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            print(String(decoding: try encoder.encode(entries), as: UTF8.self))
        } catch {
            Standard.error("classify: cannot write the results as JSON: \(error)")
        }
    }

    /// A probability as a percentage: one decimal from 0.1% up (`99.2%`), two significant
    /// digits below (`0.0013%`, `4.5e-06%`), so that a runner-up never shows as 0.0%; `0%` for
    /// exactly zero and `n/a` if it is not a number in [0, 1].
    static func percent(_ probability: Float) -> String {
        guard probability.isFinite, (0...1).contains(probability) else { return "n/a" }
        let value = Double(probability) * 100
        if value == 0 { return "0%" }
        if value < 0.095 { return String(format: "%.2g%%", value) }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }
}
