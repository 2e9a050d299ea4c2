import Foundation
import ImageClassification
import Testing

/// Every app answers `--version` with the same release, exit status 0.
@Suite struct VersionTests {
    @Test(arguments: ["classify", "mnist", "four-class", "skip-connections", "swiftcnn"])
    func versionIsPrinted(app: String) throws {
        let run = try ClassifyTestSupport.run(ClassifyTestSupport.executable(app), ["--version"])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.trimmingCharacters(in: .whitespacesAndNewlines) == SwiftCNNVersion.text)
    }
}
