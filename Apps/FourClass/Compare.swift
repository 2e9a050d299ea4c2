import AppSupport
import ArgumentParser

/// `four-class compare`: trains variants of `four-class train` side by side
/// (``ComparisonOptions``).
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train variants of `four-class train` side by side and compare them.",
        discussion: """
            Every --vary NAME=V1,V2 names a flag of `four-class train` and its values; \
            several --vary give every combination. Any other flag of `four-class train` \
            applies to every variant. The variants train one after the other from the same \
            --seed: the same initial weights while the network's shape does not change, the \
            same validation split and batch order while the batch size does not.
            Example: four-class compare --vary optimizer=momentum,adamw --epochs 4
            Files in --output-dir: per variant its model, checkpoint, log and CSV; \
            comparison.txt (the table), comparison.csv and .json (every epoch of every \
            variant), comparison.png and .svg (the curves overlaid).
            """)

    @OptionGroup var comparison: ComparisonOptions
    /// The flags for `four-class train`.
    @Argument(
        parsing: .allUnrecognized,
        help: .init("Flags of `four-class train` for every variant.", valueName: "train-flags"))
    var trainArguments: [String] = []

    func run() throws {
        try comparison.run(Train.self, trainArguments: trainArguments)
    }
}
