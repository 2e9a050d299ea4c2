import Foundation
import ImageClassification
import Testing

/// Every app answers `--version` with the same release, exit status 0; the training apps'
/// `--help` shows each flag's default.
@Suite struct VersionTests {
    @Test(arguments: ["classify", "mnist", "four-class", "skip-connections", "swiftcnn"])
    func versionIsPrinted(app: String) throws {
        let run = try ClassifyTestSupport.run(ClassifyTestSupport.executable(app), ["--version"])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.trimmingCharacters(in: .whitespacesAndNewlines) == SwiftCNNVersion.text)
    }

    @Test func trainingHelpShowsEachFlagsDefault() throws {
        let mnist = try ClassifyTestSupport.run(
            ClassifyTestSupport.executable("mnist"), ["train", "--help"])
        #expect(mnist.status == 0)
        #expect(mnist.output.contains("Total epochs of the run (default: lenet5 10, cnn 15,"))
        #expect(mnist.output.contains("mlp 10, mlp-small 10)."))
        #expect(mnist.output.contains("(default: 42)"))
        let fourClass = try ClassifyTestSupport.run(
            ClassifyTestSupport.executable("four-class"), ["train", "--help"])
        #expect(fourClass.status == 0)
        #expect(fourClass.output.contains("Total epochs of the run (default: 24)."))
    }
}
