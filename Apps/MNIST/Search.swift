import AppSupport
import ArgumentParser

/// `mnist search`: grid or random search over flags of `mnist train` (``SearchOptions``).
struct Search: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Search flags of `mnist train` (grid or random) for the best validation score.",
        discussion: """
            Each trial is `mnist train` with the other flags given here (--epochs 2 \
            --train-subset 10000) and the trial's values, from the same --seed; it is scored \
            on its best epoch's validation accuracy (or --objective validation-loss).
            Examples:
              mnist search --grid "learning-rate=0.1,0.03; batch-size=64,128"
              mnist search --random 8 --range "learning-rate=1e-4..1e-1:log"
            Every trial is appended to OUTPUT-DIR/trials.jsonl when it ends: run the same \
            command again after Ctrl-C and the finished trials are skipped. At the end the \
            trials are ranked in search.txt (and search.png/.svg) and the best is printed as \
            the `mnist train` command that reproduces it.
            """)

    @OptionGroup var search: SearchOptions
    /// The flags for `mnist train`.
    @Argument(
        parsing: .allUnrecognized,
        help: .init("Flags of `mnist train` for every trial.", valueName: "train-flags"))
    var trainArguments: [String] = []

    func run() throws {
        try search.run(Train.self, trainArguments: trainArguments)
    }
}
