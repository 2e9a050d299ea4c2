import AppSupport
import ArgumentParser
import Datasets
import Foundation

/// `mnist download`: fetches the four IDX files from a list of mirrors and verifies them.
struct Download: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Download and verify the four MNIST files (safe to re-run).")

    @Option(help: .init("Destination folder (else $MNIST_DIR, else data/mnist).", valueName: "DIR"))
    var to: String?

    func run() throws {
        let folder = MNISTData.location(to).path
        try MNIST.download(to: folder) { line in CommandRunner.writeError(line) }
        print("MNIST is in \(folder)")
    }
}
