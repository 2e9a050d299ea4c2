// mnist: trains, evaluates and downloads MNIST digit models. See the subcommands.
import AppSupport
import ArgumentParser
import Foundation
import ImageClassification

/// The `mnist` command: `train`, `evaluate`, `compare`, `search`, `download`.
struct MNISTTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnist",
        abstract: "Train, compare, search, evaluate and download MNIST digit classifiers.",
        discussion: """
            Data: --data DIR, else $MNIST_DIR, else data/mnist (the four IDX files, .gz or \
            not). Get them with `mnist download`.
            Exit status: 0 success, 1 a failed run or input, 2 a usage error.
            """,
        version: SwiftCNNVersion.text,
        subcommands: [Train.self, Evaluate.self, Compare.self, Search.self, Download.self])
}

TrainingOptions.showDefaults(Train.Architecture.allCases.map { ($0.rawValue, $0.defaults) })
ArchitectureOptions.showDefaults(
    Train.Architecture.allCases.compactMap { architecture in
        (try? ModelRegistry.layerSpecification(of: architecture.description()))?
            .map { (architecture.rawValue, $0) }
    })
exit(CommandRunner.run(MNISTTool.self, name: "mnist"))
