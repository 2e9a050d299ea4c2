import ArgumentParser
import Datasets
import Foundation

/// `mnist download`: fetches the four IDX files from a list of mirrors and verifies them.
struct Download: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Download and verify the four MNIST files.")

    @Option(help: "Destination folder.") var to = "data/mnist"

    func run() throws {
        try MNIST.download(to: to) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        print("MNIST is in \(to)")
    }
}
