import Foundation
import ImageClassification
import NeuralNet

/// A model the server answers for: the classifier loaded from its file, its name and version,
/// what `/v1/models` says of it, and the batcher that runs its network.
final class ServedModel: @unchecked Sendable {
    /// The file name without extension (`mnist`).
    let name: String
    /// The first 12 hex digits of the file's SHA-256.
    let version: String
    /// The classifier; its network runs only on ``batcher``'s thread.
    let classifier: ImageClassifier
    /// The model's description for `/v1/models`.
    let info: ModelInfo
    /// Runs the network (one pass at a time).
    let batcher: InferenceBatcher

    /// Loads the model file at `url` and starts its batcher.
    /// - Throws: ``ServerStartError/model(path:reason:)`` naming the file when it cannot be
    ///   read, is not a self-describing model, or its network fails a dry run.
    init(
        contentsOf url: URL, configuration: ServerConfiguration,
        onBatch: @escaping @Sendable (Int) -> Void
    ) throws {
        let path = url.path
        do {
            classifier = try ImageClassifier(contentsOf: url)
            let bytes = try Data(contentsOf: url, options: .alwaysMapped)
            version = String(bytes.withUnsafeBytes { SHA256.hex($0) }.prefix(12))
            let input = classifier.modelDescription.input
            let summary = try classifier.network.summary(
                inputShape: [input.channels, input.height, input.width])
            name = Self.name(of: url)
            info = ModelInfo(
                name: name, version: version, description: classifier.modelDescription,
                summary: summary)
        } catch {
            throw ServerStartError.model(path: path, reason: "\(error)")
        }
        batcher = InferenceBatcher(
            classifier: classifier, maxBatch: configuration.effectiveMaxBatch,
            window: configuration.effectiveWindow, onBatch: onBatch)
    }

    /// A model's name: its file name without the extension (`models/mnist.safetensors` →
    /// `mnist`).
    static func name(of url: URL) -> String {
        url.deletingPathExtension().lastPathComponent
    }
}

/// Why a server could not start; each names the file, flag or address.
public enum ServerStartError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A model file could not be loaded.
    case model(path: String, reason: String)
    /// Two model files have the same name (file name without extension).
    case duplicateModelName(name: String, paths: [String])
    /// No model to serve.
    case noModels
    /// A setting is out of range (``ServerConfiguration/problem``).
    case invalidConfiguration(String)
    /// The web page's files are missing from the resource bundle.
    case missingWebFiles(String)

    public var description: String {
        switch self {
        case let .model(path, reason):
            return "cannot serve the model \(path): \(reason)"
        case let .duplicateModelName(name, paths):
            return "two models are named \"\(name)\" (\(paths.joined(separator: " and "))): "
                + "a model's name is its file name without extension, rename one"
        case .noModels:
            return "no model to serve"
        case let .invalidConfiguration(problem):
            return problem
        case let .missingWebFiles(reason):
            return reason
        }
    }
}
