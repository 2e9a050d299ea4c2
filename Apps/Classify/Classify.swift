import ArgumentParser
import Datasets
import Foundation
import ImageModels
import TensorMath

/// The `classify` command: `classify [--model FILE] [--top K] [--json] IMAGE...`.
///
/// Exit status: 0 when every image was classified, 1 when an image or the model could not be
/// read (the other images are still classified), 2 for a usage error.
struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Print what each image shows, with its probability.",
        discussion: """
            Without --model, classify uses the MNIST digit model bundled with it. Images may be \
            PNG or JPEG of any size: dark ink on light paper or light on dark, with or without \
            a transparent background; they are prepared as the model file prescribes (MNIST \
            digits are cropped to their ink, scaled into 20x20 pixels and centred by centre of \
            mass in 28x28).

            Exit status: 0 if every image was classified, 1 if a file or the model could not \
            be read (the other images are still classified), 2 for a usage error.
            """)

    @Option(
        help: ArgumentHelp(
            "A self-describing model file (.safetensors); default: the bundled MNIST model.",
            valueName: "FILE"))
    var model: String?

    @Option(help: ArgumentHelp("Show the K most probable classes of each image.", valueName: "K"))
    var top: Int = 1

    @Flag(help: "Print a JSON array, one object per image, instead of text.")
    var json = false

    @Argument(help: ArgumentHelp("PNG or JPEG files to classify.", valueName: "IMAGE"))
    var images: [String]

    func validate() throws {
        guard top >= 1 else { throw ValidationError("--top must be at least 1, got \(top).") }
    }

    /// Parses `arguments` and runs; returns the exit status (0, 1, or 2 for a usage error).
    static func main(arguments: [String]) -> Int32 {
        let command: Classify
        do {
            command = try parse(arguments)
        } catch {
            if exitCode(for: error) == .success {
                print(fullMessage(for: error))
                return 0
            }
            Standard.error(fullMessage(for: error))
            return 2
        }
        return command.classifyAll()
    }

    /// Loads the model, classifies every image, prints the results; returns the exit status.
    func classifyAll() -> Int32 {
        let classifier: ImageClassifier
        do {
            classifier = try ImageClassifier(contentsOf: try modelURL())
        } catch {
            Standard.error("classify: \(error)")
            return 1
        }
        var report = ClassifyReport(json: json)
        var failed = false
        // Decode and prepare each file at once (keeping only the small prepared images), then
        // run the network on batches.
        let batchSize = 64
        var start = 0
        while start < images.count {
            let paths = images[start..<min(images.count, start + batchSize)]
            let prepared = Self.prepare(Array(paths), with: classifier.pipeline)
            let good = prepared.compactMap { try? $0.get() }
            var rankings: [[ClassPrediction]] = []
            if !good.isEmpty {
                do {
                    let input = try Image.tensor(
                        stacking: good, normalization: classifier.pipeline.normalization)
                    rankings = classifier.ranked(
                        try classifier.probabilities(forInput: input), top: top)
                } catch {
                    Standard.error("classify: \(error)")
                    return 1
                }
            }
            var next = rankings.makeIterator()
            for (path, outcome) in zip(paths, prepared) {
                switch outcome {
                case .success:
                    if let ranking = next.next() { report.add(path: path, ranking: ranking) }
                case .failure(let error):
                    failed = true
                    report.add(path: path, error: "\(error)")
                }
            }
            start += batchSize
        }
        report.finish()
        return failed ? 1 : 0
    }

    /// Decodes and prepares each file, on both cores (each result lands at its file's index).
    static func prepare(_ paths: [String], with pipeline: PreprocessingPipeline)
        -> [Result<Image, Error>]
    {
        var results = [Result<Image, Error>](
            repeating: .failure(CancellationError()), count: paths.count)
        results.withUnsafeMutableBufferPointer { buffer in
            let out = buffer
            Parallel.forEach(paths.count) { i in
                out[i] = Result { try pipeline.preparedImage(Image(contentsOf: paths[i])) }
            }
        }
        return results
    }

    /// The model file to load: `--model`, or the bundled model.
    func modelURL() throws -> URL {
        if let model { return URL(fileURLWithPath: model) }
        return try BundledModel.url()
    }
}
