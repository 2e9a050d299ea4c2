import ArgumentParser
import Foundation
import NeuralNet

/// `search`: grid or random search over flags of `train`, built on NeuralNet's
/// ``NeuralNet/HyperparameterSearch``. Each trial is `train` with the base arguments and the
/// trial's values, run through ``VariantRun`` and scored on the best epoch's validation
/// accuracy (or loss); it is appended to `trials.jsonl` in `--output-dir` as soon as it is
/// done, so the same command run again (after Ctrl-C) skips the finished trials. At the end the
/// trials are ranked in a table and a plot, and the best is printed as the `train` command that
/// reproduces it.
public struct SearchOptions: ParsableArguments {
    /// `--grid SPEC`.
    @Option(
        help: .init(
            "Grid search: every combination of NAME=V1,V2 lists separated by ';' "
                + "(\"learning-rate=0.1,0.03,0.01; batch-size=64,128\").", valueName: "SPEC"))
    public var grid: String?
    /// `--random N`.
    @Option(help: .init("Random search: N trials sampled from --range.", valueName: "N"))
    public var random: Int?
    /// `--range SPEC`.
    @Option(
        help: .init(
            "The space of --random: NAME=LOW..HIGH (integers if both bounds are; :log for "
                + "log-uniform, :int for integers) or NAME=V1,V2, separated by ';' "
                + "(\"learning-rate=1e-4..1e-1:log; batch-size=32,64,128\").",
            valueName: "SPEC"))
    public var range: String?
    /// `--search-seed S`.
    @Option(
        help: .init(
            "Seed of the random sampling; --seed is the runs' own.", valueName: "S"))
    public var searchSeed: UInt64 = 0
    /// `--objective`.
    @Option(
        help: .init(
            "What ranks the trials: the best epoch's validation-accuracy or validation-loss.",
            valueName: "METRIC"))
    public var objective: String = "validation-accuracy"
    /// `--output-dir DIR`.
    @Option(
        name: .customLong("output-dir"),
        help: .init(
            "Folder of the search: trials.jsonl (one trial per line, as each finishes), "
                + "search.txt/.png/.svg and every trial's files (default search-<hash of the "
                + "command>, so the same command continues the same search).",
            valueName: "DIR"))
    public var outputDirectory: String?

    /// Creates empty options (ArgumentParser fills them).
    public init() {}

    /// Requires `--grid`, or `--random` with `--range`.
    public func validate() throws {
        if (grid == nil) == (random == nil) {
            throw ValidationError("give either --grid SPEC or --random N --range SPEC")
        }
        if random != nil, range == nil {
            throw ValidationError("--random N samples from --range SPEC: give it")
        }
        if grid != nil, range != nil {
            throw ValidationError("--range is for --random; --grid lists its own values")
        }
        if let random, !(1...10_000).contains(random) {
            throw ValidationError("--random must be in 1...10000")
        }
        _ = try metric()
    }

    /// The objective as NeuralNet's metric.
    func metric() throws -> MonitoredMetric {
        switch objective {
        case "validation-accuracy": return .validationAccuracy
        case "validation-loss": return .validationLoss
        default:
            throw ValidationError(
                "--objective \(objective): give validation-accuracy or validation-loss")
        }
    }

    /// The search of the flags.
    public func search() throws -> HyperparameterSearch {
        let space = try SearchSpecification.space(
            grid ?? range ?? "", flag: grid != nil ? "--grid" : "--range")
        do {
            return try HyperparameterSearch(
                space: space, strategy: random.map { .random(trials: $0) } ?? .grid,
                objective: try metric(), seed: searchSeed)
        } catch let error as NeuralNetError {
            throw ValidationError("\(grid != nil ? "--grid" : "--range"): \(error)")
        }
    }

    /// `search-1f3a9c2e`: a folder named after the command's arguments.
    static func defaultFolder(_ arguments: [String]) -> String {
        var hash: UInt32 = 0x811c_9dc5
        for byte in arguments.joined(separator: "\u{0}").utf8 {
            hash = (hash ^ UInt32(byte)) &* 0x0100_0193
        }
        return "search-" + String(hash, radix: 16)
    }
}
