import ArgumentParser
import Foundation
import ImageClassification

/// The `classify` command: `classify [--model FILE] [--top K] [--json] IMAGE...`, or
/// `classify --visualize DIR IMAGE` to also draw what each layer sees. (`classify serve ...`
/// is ``Serve``, dispatched by `main.swift`.)
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

            With --visualize DIR (one IMAGE), classify also writes pictures of what each layer \
            of the network sees into DIR (created if missing): 00-input.png (the network's \
            input), filters-LAYER.png (the first convolution's filters), \
            connections-LAYER.png (the connection table of a partially connected \
            convolution, LeNet5-1998's C3: a 6x16 grid filled where connected), one \
            NN-LAYER-KIND-feature-maps.png per convolution, activation, pooling layer and \
            residual block (a tile per channel, each min-max normalized), and legend.txt, \
            which lists every file with its layer, shape and what it shows, and the prediction.

            Exit status: 0 if every image was classified, 1 if a file or the model could not \
            be read (the other images are still classified) or DIR could not be written, 2 for \
            a usage error.

            `classify serve` runs an HTTP service and a web page for the models instead: see \
            `classify serve --help`.
            """,
        version: SwiftCNNVersion.text)

    @Option(
        help: ArgumentHelp(
            "A self-describing model file (.safetensors); default: the bundled MNIST model.",
            valueName: "FILE"))
    var model: String?

    @Option(help: ArgumentHelp("Show the K most probable classes of each image.", valueName: "K"))
    var top: Int = 1

    @Flag(help: "Print a JSON array, one object per image, instead of text.")
    var json = false

    @Option(
        help: ArgumentHelp(
            "Also write pictures of what each layer sees for the IMAGE (only one) into DIR.",
            valueName: "DIR"))
    var visualize: String?

    @Argument(
        help: ArgumentHelp(
            "PNG or JPEG files to classify; a folder stands for every PNG and JPEG file under it.",
            valueName: "IMAGE"))
    var images: [String]

    func validate() throws {
        guard top >= 1 else { throw ValidationError("--top must be at least 1, got \(top).") }
        if visualize != nil, images.count != 1 {
            throw ValidationError(
                "--visualize takes exactly one IMAGE, got \(images.count).")
        }
        if let visualize, visualize.isEmpty {
            throw ValidationError("--visualize needs a folder name.")
        }
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
    /// With `--visualize`, the one image's classification is traced and its pictures drawn
    /// from that trace (decoded, prepared and run through the network once).
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
        var files: [String] = []
        for item in ImageArguments.expand(images) {
            switch item {
            case .file(let path): files.append(path)
            case .emptyFolder(let folder):
                failed = true
                report.add(path: folder, error: "\(folder): no PNG or JPEG file in this folder")
            }
        }
        if visualize != nil, files.count != 1 {
            Standard.error("classify: --visualize takes exactly one image, got \(files.count).")
            return 2
        }
        var trace: ClassificationTrace?
        do {
            try classifier.classify(files: files, top: top, tracing: visualize != nil) { file in
                switch file.result {
                case .success(let ranking):
                    report.add(path: file.path, ranking: ranking)
                case .failure(let error):
                    failed = true
                    report.add(path: file.path, error: "\(error)")
                }
                trace = file.trace ?? trace
            }
        } catch {
            Standard.error("classify: \(error)")
            return 1
        }
        report.finish()
        if failed { return 1 }
        if let visualize, let trace, let path = files.first {
            return Self.visualize(trace, of: path, with: classifier, into: visualize, json: json)
        }
        return 0
    }

    /// Writes the pictures of what each layer saw of the image at `path` into `directory`;
    /// says where on standard output (standard error with `--json`); returns the exit status.
    static func visualize(
        _ trace: ClassificationTrace, of path: String, with classifier: ImageClassifier,
        into directory: String, json: Bool
    ) -> Int32 {
        do {
            let result = try NetworkVisualization.write(
                trace, imagePath: path, classifier: classifier, to: directory)
            let note =
                "wrote \(result.files.count) pictures and "
                + "\(NetworkVisualization.legendName) to \(directory)"
            if json { Standard.error(note) } else { print(note) }
            return 0
        } catch {
            Standard.error("classify: \(error)")
            return 1
        }
    }

    /// The model file to load: `--model`, or the bundled model.
    func modelURL() throws -> URL {
        if let model { return URL(fileURLWithPath: model) }
        return try BundledModel.url()
    }
}
