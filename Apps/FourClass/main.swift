// four-class: trains and evaluates a four-class image classifier on image folders.
import AppSupport
import ArgumentParser
import Foundation

/// The `four-class` command: `train`, `evaluate`.
struct FourClassTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "four-class",
        abstract: "Train and evaluate a four-class image classifier (bird, cat, dog, ship).",
        subcommands: [])
}

exit(CommandRunner.run(FourClassTool.self, name: "four-class"))
