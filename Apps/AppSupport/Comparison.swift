import ArgumentParser
import Foundation

/// `compare`: trains variants of one `train` command, side by side. Every `--vary
/// NAME=V1,V2` multiplies the variants (the cartesian product); every other argument goes to
/// `train` as given. The variants run one after the other through ``VariantRun`` (the one
/// training path), from the same `--seed`: the same initial weights when the network's shape
/// does not change, the same validation split and the same order of batches when the batch
/// size does not. The results (``ComparisonReport``) go into `--output-dir`.
///
/// ```swift
/// // Apps/MNIST/Compare.swift
/// struct Compare: ParsableCommand {
///     @OptionGroup var comparison: ComparisonOptions
///     @Argument(parsing: .allUnrecognized) var trainArguments: [String] = []
///     func run() throws { try comparison.run(Train.self, trainArguments: trainArguments) }
/// }
/// ```
public struct ComparisonOptions: ParsableArguments {
    /// `--vary NAME=V1,V2,...`, one or more.
    @Option(
        name: .customLong("vary"),
        help: .init(
            "A flag of train and the values to compare: optimizer=sgd,momentum,adam (repeat "
                + "for every combination).", valueName: "NAME=VALUES"))
    public var varied: [VariedFlag] = []
    /// `--output-dir DIR`.
    @Option(
        name: .customLong("output-dir"),
        help: .init(
            "Folder of the results: every variant's model, checkpoint, log and CSV, and "
                + "comparison.txt/.csv/.json/.png/.svg (default compare-<date>-<time>).",
            valueName: "DIR"))
    public var outputDirectory: String?

    /// Creates empty options (ArgumentParser fills them).
    public init() {}

    /// Requires at least one `--vary`.
    public func validate() throws {
        if varied.isEmpty {
            throw ValidationError("give at least one --vary NAME=V1,V2 (optimizer=sgd,adam)")
        }
    }

    /// Plans every variant (all usage errors before any training), then trains them in turn
    /// and writes the report after each.
    /// - Parameters:
    ///   - command: The app's `train` command.
    ///   - trainArguments: The arguments for `train` besides the varied flags.
    ///   - now: The date of the default folder's name.
    /// - Returns: The report of every variant.
    /// - Throws: Usage errors, the runs' errors; `ExitCode(130)` when a signal stopped a run.
    @discardableResult
    public func run<Command: TrainingRunCommand>(
        _ command: Command.Type, trainArguments: [String], now: Date = Date()
    ) throws -> ComparisonReport {
        let folder = outputDirectory ?? Self.defaultFolder(now)
        let variants = try VariedFlag.variants(varied)
        let planned = try variants.map { variant in
            let arguments = try VariedFlag.arguments(of: variant, base: trainArguments) {
                _ = try VariantRun.command(command, arguments: $0, stem: "probe")
            }
            do {
                try VariantRun.command(command, arguments: arguments, stem: "probe")
                    .checkCombination()
            } catch let error as ValidationError {
                throw ValidationError("variant \(variant.name): \(error.message)")
            }
            return (variant, arguments)
        }
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw AppError("cannot create the folder \(folder): \(error.localizedDescription)")
        }
        print("comparing \(planned.count) variants in \(folder)")
        var report = ComparisonReport(
            command: ([Command.appName, "compare"] + CommandLine.arguments.dropFirst(2))
                .joined(separator: " "),
            runs: [])
        for (variant, arguments) in planned {
            // Ctrl-C during a variant's test evaluation stops before the next variant.
            if InterruptSignal.isRequested {
                try report.write(to: folder)
                print("interrupted: the finished variants are in \(folder)")
                throw ExitCode(CommandRunner.interrupted)
            }
            let stem = URL(fileURLWithPath: folder).appendingPathComponent(variant.stem).path
            let parsed = try VariantRun.command(command, arguments: arguments, stem: stem)
            guard
                let prepared = try parsed.prepareRun(),
                let run = try VariantRun.train(
                    prepared, name: variant.name, arguments: arguments,
                    appName: Command.appName)
            else {
                try report.write(to: folder)
                print("interrupted: the finished variants are in \(folder)")
                throw ExitCode(CommandRunner.interrupted)
            }
            report.runs.append(run)
            try report.write(to: folder)
        }
        print(report.table)
        print("wrote \(folder)/comparison.txt, .csv, .json, .png and .svg")
        return report
    }

    /// `compare-20261205-013000` (UTC).
    static func defaultFolder(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return "compare-" + formatter.string(from: date)
    }
}
