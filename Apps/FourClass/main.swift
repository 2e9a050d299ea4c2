// four-class: trains and evaluates a four-class image classifier on image folders.
import AppSupport
import ArgumentParser
import Foundation
import ImageClassification
import ImageModels

/// The `four-class` command: `train`, `evaluate`, `compare`, `search`.
struct FourClassTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "four-class",
        abstract:
            "Train, compare, search and evaluate a four-class classifier (bird, cat, dog, ship).",
        discussion: """
            Data: --data DIR, else $CIFAR10_DIR, else data/cifar10: DIR/train/<class>/ and \
            DIR/test/<class>/ folders of JPEG or PNG images (CIFAR-10's layout).
            Exit status: 0 success, 1 a failed run or input, 2 a usage error.
            """,
        version: SwiftCNNVersion.text,
        subcommands: [Train.self, Evaluate.self, Compare.self, Search.self])
}

TrainingOptions.showDefaults([(nil, Train.defaults)])
ArchitectureOptions.showDefaults([
    ("FourClassNet", FourClassNet.Configuration().layerSpecification)
])
exit(CommandRunner.run(FourClassTool.self, name: "four-class"))
