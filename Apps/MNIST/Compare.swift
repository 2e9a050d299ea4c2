import AppSupport
import ArgumentParser

/// `mnist compare`: trains variants of `mnist train` side by side (``ComparisonOptions``).
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train variants of `mnist train` side by side and compare them.",
        discussion: """
            Every --vary NAME=V1,V2 names a flag of `mnist train` and its values; several \
            --vary give every combination. Any other flag of `mnist train` applies to every \
            variant (--epochs 2 --train-subset 10000). The variants train one after the other \
            from the same --seed: the same initial weights while the network's shape does not \
            change, the same validation split and batch order while the batch size does not.
            Example: mnist compare --vary optimizer=sgd,momentum,nesterov,adam --epochs 2
            Files in --output-dir: per variant its model, checkpoint, log and CSV; \
            comparison.txt (the table), comparison.csv and .json (every epoch of every \
            variant), comparison.png and .svg (the curves overlaid).
            """)

    @OptionGroup var comparison: ComparisonOptions
    /// The flags for `mnist train`.
    @Argument(
        parsing: .allUnrecognized,
        help: .init("Flags of `mnist train` for every variant.", valueName: "train-flags"))
    var trainArguments: [String] = []

    func run() throws {
        try comparison.run(Train.self, trainArguments: trainArguments)
    }
}
