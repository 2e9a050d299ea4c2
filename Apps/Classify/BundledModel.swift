import Foundation
import ImageClassification

/// The MNIST model bundled with `classify`: SwiftPM copies `Apps/Classify/Resources` into a
/// resource bundle beside the executable, `SwiftCNN_ClassifyCommand.resources/Resources/`.
///
/// The bundle is looked up beside the executable itself (symbolic links to it resolved), so
/// `classify` works from any working directory and through a link in `~/bin`. SwiftPM's
/// generated `Bundle.module` is not used: it traps when the bundle is missing, where `classify`
/// must print a clear error.
enum BundledModel {
    /// The model's file name in the resources.
    static let fileName = "mnist.safetensors"
    /// The resource bundle's name, as SwiftPM makes it from the package and target names.
    static let bundleName = "SwiftCNN_ClassifyCommand.resources"

    /// Errors locating the bundled model.
    struct Missing: Error, CustomStringConvertible {
        /// The paths tried.
        var tried: [String]

        var description: String {
            "the bundled model is missing (looked for "
                + tried.joined(separator: " and ")
                + "); pass a model file with --model FILE, or train one with `mnist train`"
        }
    }

    /// The bundled model's location.
    /// - Throws: ``Missing`` naming every path tried.
    static func url() throws -> URL {
        let candidates = candidateURLs()
        let files = FileManager.default
        if let found = candidates.first(where: { files.isReadableFile(atPath: $0.path) }) {
            return found
        }
        throw Missing(tried: candidates.map(\.path))
    }

    /// Where the model may be: in the resource bundle beside the executable (its real path,
    /// then the path it was started by).
    static func candidateURLs() -> [URL] {
        ExecutableResources.candidates(bundleName: bundleName, path: ["Resources", fileName])
    }
}
