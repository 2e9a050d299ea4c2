import ArgumentParser
import Checkpoints
import Foundation
import NeuralNet

extension SearchOptions {
    /// What identifies a search in its folder (`search.json`): a rerun must be the same search
    /// to continue it.
    struct Identity: Codable, Equatable {
        var space: SearchSpace
        var strategy: HyperparameterSearch.Strategy
        var seed: String
        var objective: MonitoredMetric
        var trainArguments: [String]
    }

    /// One line of `trials.jsonl`: a trial and the `train` arguments that ran it.
    public struct TrialRecord: Codable, Sendable {
        /// The trial (index, configuration, score, epochs, failure, seconds, history).
        public var trial: Trial
        /// The arguments of `train` (without the files).
        public var arguments: [String]
    }

    /// Plans every trial (usage errors before any training), skips the trials `trials.jsonl`
    /// holds, runs the others in turn (each appended to the log when done), then writes the
    /// ranking (`search.txt`, `.png`, `.svg`) and prints the best trial's `train` command.
    /// - Parameters:
    ///   - command: The app's `train` command.
    ///   - trainArguments: The arguments for `train` besides the searched flags.
    /// - Returns: The search's result, best first.
    /// - Throws: Usage errors, ``AppError`` for a folder that holds another search, the log's
    ///   errors; `ExitCode(130)` when a signal stopped a trial.
    @discardableResult
    public func run<Command: TrainingRunCommand>(
        _ command: Command.Type, trainArguments: [String]
    ) throws -> SearchResult {
        let search = try search()
        let configurations = try search.configurations()
        let planned = try configurations.map { hyperparameters in
            let variant = VariedFlag.Variant(
                choices: hyperparameters.entries.map { ($0.name, $0.value.description) })
            let arguments = try VariedFlag.arguments(of: variant, base: trainArguments) {
                _ = try VariantRun.command(command, arguments: $0, stem: "probe")
            }
            do {
                try VariantRun.command(command, arguments: arguments, stem: "probe")
                    .checkCombination()
            } catch let error as ValidationError {
                throw ValidationError("the trial \(hyperparameters): \(error.message)")
            }
            return arguments
        }
        let identity = Identity(
            space: search.space, strategy: search.strategy, seed: String(search.seed),
            objective: search.objective, trainArguments: trainArguments)
        let folder =
            outputDirectory
            ?? Self.defaultFolder(
                [String(describing: command)] + CommandLine.arguments.dropFirst(2))
        let completed = try Self.prepare(folder: folder, identity: identity)
        let log = try JSONLinesLog(
            path: URL(fileURLWithPath: folder).appendingPathComponent("trials.jsonl").path)
        print(
            "searching \(configurations.count) configurations in \(folder)"
                + (completed.isEmpty ? "" : ": \(completed.count) done before, skipped"))
        let result: SearchResult
        do {
            result = try search.run(
                completed: completed.map(\.trial),
                onTrial: { trial in
                    try log.append(TrialRecord(trial: trial, arguments: planned[trial.index]))
                    let score = trial.score.map { String(format: "%.4f", $0) } ?? "failed"
                    print(
                        "trial \(trial.index) (\(trial.index + 1) of \(configurations.count)) "
                            + "\(trial.hyperparameters): \(search.objective.rawValue) \(score)"
                            + (trial.failure.map { " (\($0))" } ?? ""))
                }
            ) { hyperparameters, context in
                // Ctrl-C during a trial's test evaluation stops before the next trial.
                if InterruptSignal.isRequested { throw HyperparameterSearch.Stop() }
                let stem = URL(fileURLWithPath: folder)
                    .appendingPathComponent("trial-\(context.index)").path
                let arguments = planned[context.index]
                let parsed = try VariantRun.command(command, arguments: arguments, stem: stem)
                // Data or files that cannot be read end the search (they would fail every
                // trial); only the training itself can fail a trial.
                let prepared: PreparedRun?
                do {
                    prepared = try parsed.prepareRun()
                } catch {
                    throw HyperparameterSearch.Stop(reason: "\(error)")
                }
                guard let prepared,
                    let run = try VariantRun.train(
                        prepared, name: "trial \(context.index): \(hyperparameters)",
                        arguments: arguments, appName: Command.appName)
                else { throw HyperparameterSearch.Stop() }
                return try Self.outcome(run, objective: search.objective)
            }
        } catch let stop as HyperparameterSearch.Stop {
            if let reason = stop.reason { throw AppError(reason) }
            print("interrupted: run the same command again to continue the search in \(folder)")
            throw ExitCode(CommandRunner.interrupted)
        }
        let report = SearchReport(
            result: result,
            arguments: Dictionary(
                uniqueKeysWithValues: planned.enumerated().map { ($0.offset, $0.element) }),
            appName: Command.appName)
        try report.write(to: folder)
        print(result)
        print(report.bestLine)
        return result
    }

    /// A trial's outcome from its run: the objective's best value over the epochs.
    static func outcome(_ run: VariantRun, objective: MonitoredMetric) throws -> TrialOutcome {
        let values = run.history.compactMap { $0.value(of: objective) }
        guard let first = values.first else {
            throw AppError(
                "the trial has no \(objective.rawValue): it needs validation images "
                    + "(--validation-split)")
        }
        let best = values.dropFirst().reduce(first) {
            objective.mode == .minimize ? min($0, $1) : max($0, $1)
        }
        return TrialOutcome(score: best, epochs: run.history.count, history: run.history)
    }

    /// Creates the folder, or checks that it holds the same search, and reads the finished
    /// trials of `trials.jsonl` (an unreadable last line, cut by a crash, is left out).
    /// - Throws: ``AppError`` naming the folder or file.
    static func prepare(folder: String, identity: Identity) throws -> [TrialRecord] {
        let url = URL(fileURLWithPath: folder)
        let identityFile = url.appendingPathComponent("search.json")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw AppError("cannot create the folder \(folder): \(error.localizedDescription)")
        }
        if let data = try? Data(contentsOf: identityFile) {
            let saved = try? JSONDecoder().decode(Identity.self, from: data)
            guard saved == identity else {
                throw AppError(
                    "\(folder) holds another search (\(identityFile.path) differs): give "
                        + "another --output-dir, or remove the folder to start again")
            }
        } else {
            do {
                try AtomicFile.write(
                    Array(try encoder.encode(identity)), to: identityFile)
            } catch {
                throw AppError("cannot write \(identityFile.path): \(error)")
            }
        }
        let logFile = url.appendingPathComponent("trials.jsonl")
        guard let text = try? String(contentsOf: logFile, encoding: .utf8) else { return [] }
        var records: [TrialRecord] = []
        let lines = text.split(separator: "\n")
        for (number, line) in lines.enumerated() {
            guard let record = try? JSONDecoder().decode(TrialRecord.self, from: Data(line.utf8))
            else {
                if number == lines.count - 1 { continue }
                throw AppError("\(logFile.path) line \(number + 1) is not a trial record")
            }
            records.append(record)
        }
        return records
    }
}
