import AppSupport
import Checkpoints
import Foundation

/// The results of a run so far: its settings and data, and every network's curves. Written
/// after each network (and each epoch) as `results.csv`, `results.json`, `curves.png`,
/// `curves.svg` and `summary.txt`, so an interrupted run keeps what it finished.
struct ExperimentReport: Codable, Equatable {
    /// The data a run used.
    struct DataDescription: Codable, Equatable {
        /// The folder read.
        var root: String
        /// The class names, in label order.
        var classes: [String]
        /// Training images used.
        var trainingImages: Int
        /// Training images in the folder.
        var trainingAvailable: Int
        /// Test images used.
        var testImages: Int
        /// Test images in the folder.
        var testAvailable: Int
    }

    /// The command line of the run.
    var command: String
    /// The settings shared by every network.
    var settings: ExperimentSettings
    /// Optimizer steps per epoch.
    var stepsPerEpoch: Int
    /// The learning-rate milestones, in optimizer steps.
    var milestones: [Int]
    /// The data.
    var data: DataDescription
    /// The networks trained so far (the last one possibly unfinished), in training order.
    var networks: [NetworkRun]
    /// The verdict on the networks so far.
    var verdict: Verdict

    /// The CSV columns, one row per network and epoch.
    static let csvColumns = [
        "network", "depth", "residual", "epoch", "learning_rate", "train_loss",
        "train_error_percent", "test_error_percent", "test_loss", "seconds",
    ]

    /// `results.csv`: a header and one row per network and epoch.
    var csv: String {
        var lines = [Self.csvColumns.joined(separator: ",")]
        for network in networks {
            for epoch in network.epochs {
                lines.append(
                    [
                        network.name, String(network.depth), String(network.residual),
                        String(epoch.epoch), Self.number(epoch.learningRate),
                        Self.number(epoch.trainLoss), Self.number(epoch.trainErrorPercent),
                        Self.number(epoch.testErrorPercent), Self.number(epoch.testLoss),
                        String(format: "%.3f", epoch.seconds),
                    ].joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A value with up to 6 significant digits, as CSV readers parse it.
    private static func number(_ value: Double) -> String {
        value.isFinite ? String(format: "%.6g", value) : "nan"
    }

    /// `results.json`, pretty-printed with sorted keys.
    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(self)
    }

    /// Writes every result file into `folder` (created if needed), each atomically.
    /// - Throws: ``AppError`` naming the file that could not be written.
    func write(to folder: String) throws {
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw AppError("cannot create the output folder \(folder): \(error)")
        }
        func path(_ name: String) -> String {
            URL(fileURLWithPath: folder).appendingPathComponent(name).path
        }
        func save(_ bytes: [UInt8], _ name: String) throws {
            do {
                try AtomicFile.write(bytes, to: URL(fileURLWithPath: path(name)))
            } catch {
                throw AppError("cannot write \(path(name)): \(error)")
            }
        }
        try save(Array(csv.utf8), "results.csv")
        try save(Array(try json()), "results.json")
        try save(Array((summaryTable + "\n" + verdict.line + "\n").utf8), "summary.txt")
        try curves.write(pngPath: path("curves.png"), svgPath: path("curves.svg"))
    }
}
