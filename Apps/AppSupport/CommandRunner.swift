import ArgumentParser
import Foundation
import TensorMath

#if canImport(Glibc)
import Glibc
#endif

/// Runs an app's root command with the exit codes every app shares: 0 for success (and for
/// `--help`), 1 for a failed input or run, 2 for a usage error (a flag ArgumentParser rejects
/// or a `validate()` that throws). Under `mpirun` it starts and ends the job
/// (``Processes``): a failure on any rank ends every rank with its status.
///
/// ```swift
/// // main.swift
/// exit(CommandRunner.run(MNISTTool.self, name: "mnist"))
/// ```
public enum CommandRunner {
    /// Exit status of a successful run.
    public static let success: Int32 = 0
    /// Exit status of a failed input or run.
    public static let failure: Int32 = 1
    /// Exit status of a usage error.
    public static let usageError: Int32 = 2
    /// Exit status of a run that a signal stopped (its checkpoint saved).
    public static let interrupted: Int32 = 130

    /// Parses `arguments` (default: the process's, without the program name, with file names
    /// that are not UTF-8 kept byte for byte: ``TensorMath/FileSystemName``) as `command`,
    /// runs it, and returns the exit status. Standard output is made line-buffered first, so
    /// per-epoch lines reach a log file or pipe as they happen. Errors go to standard error,
    /// prefixed with `name`.
    public static func run(
        _ command: ParsableCommand.Type, name: String,
        arguments: [String] = FileSystemName.commandLineArguments
    ) -> Int32 {
        setvbuf(stdout, nil, _IOLBF, 0)
        do {
            try Processes.start()
        } catch {
            writeError("\(name): \(error)")
            return failure
        }
        let communicator = Processes.communicator
        let name = communicator.size > 1 ? "\(name) (rank \(communicator.rank))" : name
        let status = runCommand(command, name: name, arguments: arguments)
        // An interrupted run (130) stopped on every rank after the same batch (the ranks agree
        // on it in the step); rank 0 saved the checkpoint, so the job ends normally.
        if status == success || status == interrupted {
            do {
                try communicator.finish()
            } catch {
                writeError("\(name): \(error)")
                communicator.abort(status: failure)
            }
        } else if communicator.size > 1 {
            fflush(stdout)
            communicator.abort(status: status)
        }
        return status
    }

    /// Parses and runs the command, returning the exit status.
    private static func runCommand(
        _ command: ParsableCommand.Type, name: String, arguments: [String]
    ) -> Int32 {
        do {
            var parsed = try command.parseAsRoot(arguments)
            try parsed.run()
            return success
        } catch let error as AppError {
            writeError("\(name): \(error)")
            return failure
        } catch let exit as ExitCode {
            return exit.rawValue
        } catch {
            // ArgumentParser's own outcomes: help and version (0), usage errors (2).
            switch command.exitCode(for: error) {
            case .success:
                print(command.fullMessage(for: error))
                return success
            case .validationFailure:
                writeError(command.fullMessage(for: error))
                return usageError
            default:
                writeError("\(name): \(error)")
                return failure
            }
        }
    }

    /// Writes `message` and a newline to standard error.
    public static func writeError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
