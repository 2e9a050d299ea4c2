import AppSupport
import ArgumentParser
import CheckpointedTraining
import Checkpoints
import Foundation
import ImageClassification
import ImageModels
import NeuralNet

/// `swiftcnn inspect FILE [--json]`: what a model file or training checkpoint holds, without
/// Python: the architecture and its configuration, classes, input, preprocessing and
/// provenance, a layer-by-layer summary (output shapes, parameters, FLOPs, like Keras'
/// `summary()`), and for a checkpoint the training position and history.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what a model file or a training checkpoint holds.",
        discussion: """
            A model file (.safetensors written by mnist, four-class or skip-connections, or \
            imported) shows its metadata and a summary of its network: each layer's output \
            shape, parameters and forward FLOPs for one image. A training checkpoint also \
            shows where the run stands (epoch, batch) and its history.
            """)

    @Argument(help: ArgumentHelp("A model file or training checkpoint.", valueName: "FILE"))
    var file: String

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        let report = try InspectReport(path: file)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.text)
        }
    }
}

/// A failure of `swiftcnn inspect`, naming the file.
struct InspectError: Error, CustomStringConvertible {
    let description: String
}

/// What `inspect` shows, as text or JSON.
struct InspectReport: Encodable {
    /// One layer of the summary.
    struct Layer: Encodable {
        var name: String
        var type: String
        var depth: Int
        var outputShape: [Int]
        var parameters: Int
        var flops: Int

        enum CodingKeys: String, CodingKey {
            case name, type, depth, parameters, flops
            case outputShape = "output_shape"
        }
    }

    /// A checkpoint's position and history.
    struct Training: Encodable {
        var epoch: Int
        var batch: Int
        var globalStep: Int
        var history: [EpochLogRecord]

        enum CodingKeys: String, CodingKey {
            case epoch, batch, history
            case globalStep = "global_step"
        }
    }

    var file: String
    var bytes: Int
    var kind: String
    var description: ModelDescription
    var parameters: Int
    var buffers: Int
    var flops: Int
    var layers: [Layer]
    var training: Training?
    /// The summary table, for the text form.
    private var summaryText: String

    enum CodingKeys: String, CodingKey {
        case file, bytes, kind, description, parameters, buffers, flops, layers, training
    }

    /// Reads `path` (a model file or a training checkpoint) and summarizes its network.
    /// - Throws: ``InspectError`` naming the file and the problem.
    init(path: String) throws {
        file = path
        do {
            let safetensors = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: path))
            bytes = safetensors.byteCount
            let metadata = safetensors.metadata
            if metadata[TrainingCheckpoint.MetadataKey.document] != nil
                || metadata[TrainingCheckpoint.MetadataKey.formatOneState] != nil
            {
                let checkpoint = try TrainingCheckpoint(file: safetensors)
                guard let stored = checkpoint.modelDescription else {
                    throw InspectError(
                        description: "\(path): a training checkpoint without a model description")
                }
                kind = "training checkpoint"
                description = stored
                let trainer = try checkpoint.snapshot().scalars.trainer
                training = Training(
                    epoch: trainer.epoch, batch: trainer.batchCursor,
                    globalStep: trainer.globalStep,
                    history: trainer.history.map(EpochLogRecord.init))
            } else {
                kind = "model"
                description = try safetensors.modelDescription()
                training = nil
            }
            // As when loading: no network larger than the file's tensors can fill.
            let values = ModelLimits.allowance(forFileValues: safetensors.elementCount)
            let architecture = description.architecture
            let network = try ModelLimits.$parameterAllowance.withValue(values) {
                try ModelRegistry.makeModel(architecture)
            }
            let input = description.input
            let summary = try network.summary(
                inputShape: [input.channels, input.height, input.width])
            parameters = summary.parameterCount
            buffers = summary.bufferCount
            flops = summary.flops
            layers = summary.rows.map {
                Layer(
                    name: $0.name, type: $0.type, depth: $0.depth, outputShape: $0.outputShape,
                    parameters: $0.parameterCount, flops: $0.flops)
            }
            summaryText = summary.description
        } catch let error as InspectError {
            throw error
        } catch {
            let text = "\(error)"
            throw InspectError(description: text.hasPrefix(path) ? text : "\(path): \(text)")
        }
    }

    /// The report as text: the metadata, then the summary table (and the training history).
    var text: String {
        func json<T: Encodable>(_ value: T) -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "?"
        }
        let input = description.input
        var lines = [
            "\(file): \(kind), \(bytes) bytes",
            "architecture:  \(description.architecture.name) "
                + json(description.architecture.configuration),
            "classes:       \(description.classNames.count): "
                + description.classNames.joined(separator: ", "),
            "input:         \(input.channels)x\(input.height)x\(input.width) "
                + "(\(input.colorMode.rawValue))",
            "preprocessing: \(json(description.preprocessing))",
        ]
        if let provenance = description.provenance {
            lines.append("provenance:    \(json(provenance))")
        }
        if let training {
            lines.append(
                "training:      at epoch \(training.epoch + 1), batch \(training.batch) "
                    + "(global step \(training.globalStep)); \(training.history.count) epochs done")
            for record in training.history {
                lines.append("  " + json(record))
            }
        }
        lines.append("")
        lines.append(summaryText)
        return lines.joined(separator: "\n")
    }
}
