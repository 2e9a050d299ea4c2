import CheckpointedTraining
import Checkpoints
import Foundation
import Testing

/// Crash safety, end to end: `mnist train` is killed with SIGKILL many times, at random moments
/// and inside the write of its checkpoint and model (the `SWIFTCNN_TEST_WRITE_PAUSE_MS` hook of
/// `AtomicFile` makes that window observable). After every kill the files on disk load,
/// `--resume` continues, no temporary file is left over, and the finished model holds the
/// same weights as an uninterrupted run of the same command.
@Suite(.serialized) struct KillAndResumeTests {
    typealias Support = MNISTTestSupport

    /// How a trial picks its moment.
    enum Moment {
        /// When an atomic write has created its temporary file.
        case writeBegins
        /// When the temporary file is complete, before it replaces the destination.
        case beforeRename
        /// After a random delay.
        case random
        /// When the model file's write begins, after the last epoch.
        case modelWrite
    }

    /// Runs `mnist` with the write hook, killing it with SIGKILL at `moment`; returns its exit
    /// status and whether it was killed.
    /// - Parameter occurrence: For the write moments, which write (1 for the first).
    func runAndKill(_ arguments: [String], at moment: Moment, occurrence: Int, delay: Double)
        throws -> (status: Int32, killed: Bool)
    {
        let process = Process()
        process.executableURL = try Support.mnist()
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFTCNN_TEST_WRITE_PAUSE_MS"] = "150"
        process.environment = environment
        let errors = Support.Collector()
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        err.fileHandleForReading.readabilityHandler = { errors.append($0.availableData) }
        try process.run()
        let start = Date()
        var killed = false
        while process.isRunning, Date().timeIntervalSince(start) < 120 {
            let text = errors.text
            let due: Bool
            switch moment {
            case .writeBegins:
                due = text.components(separatedBy: "atomic-write-begin").count > occurrence
            case .beforeRename:
                due = text.components(separatedBy: "atomic-write-rename").count > occurrence
            case .random: due = Date().timeIntervalSince(start) >= delay
            case .modelWrite: due = text.contains(".safetensors\n")
            }
            if due {
                kill(process.processIdentifier, SIGKILL)
                killed = true
                break
            }
            usleep(2000)
        }
        process.waitUntilExit()
        err.fileHandleForReading.readabilityHandler = nil
        return (process.terminationStatus, killed && process.terminationReason == .uncaughtSignal)
    }

    @Test func killedRunsResumeToTheSameWeights() throws {
        let data = try MNISTAppTests.data.get()
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let straight = folder.appendingPathComponent("straight.safetensors").path
        let model = folder.appendingPathComponent("killed.safetensors").path
        let checkpoint = model + ".checkpoint"
        let common = [
            "train", "--data", data.path, "--architecture", "lenet5", "--batch-size", "16",
            "--epochs", "8", "--seed", "9", "--train-subset", "320",
        ]
        let full = try Support.run(common + ["--output", straight])
        #expect(full.status == 0, "\(full.error)")

        var generator = SystemRandomNumberGenerator()
        var kills = 0
        var finished = false
        for trial in 0..<10 where !finished {
            let resuming = FileManager.default.fileExists(atPath: checkpoint)
            let arguments =
                resuming
                ? ["train", "--resume", checkpoint]
                : common + ["--output", model, "--overwrite"]
            let moment = [Moment.writeBegins, .beforeRename, .random][trial % 3]
            // Each trial kills within about one epoch (a checkpoint write pauses 2 x 150 ms), so
            // ten trials cannot finish the eight epochs: every trial is a kill.
            let delay = Double.random(in: 0.05...0.3, using: &generator)
            let run = try runAndKill(
                arguments, at: moment, occurrence: 1 + trial % 2, delay: delay)
            if run.killed {
                kills += 1
            } else {
                #expect(run.status == 0, "trial \(trial) ended with \(run.status)")
                finished = true
            }
            // Whatever is on disk loads.
            if FileManager.default.fileExists(atPath: checkpoint) {
                #expect(throws: Never.self, "trial \(trial): the checkpoint loads") {
                    _ = try TrainingCheckpoint(contentsOf: URL(fileURLWithPath: checkpoint))
                }
            }
            if FileManager.default.fileExists(atPath: model) {
                #expect(throws: Never.self, "trial \(trial): the model loads") {
                    _ = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: model))
                }
            }
        }
        #expect(kills >= 6, "only \(kills) kills landed")
        if !finished {
            let rest = try Support.run(["train", "--resume", checkpoint])
            #expect(rest.status == 0, "\(rest.output) \(rest.error)")
        }
        #expect(try Support.tensors(model) == Support.tensors(straight))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.contains(".tmp-") || $0.hasSuffix(".partial") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")

        // Killed as the model file is written, after the last epoch: the checkpoint holds the
        // finished run, and resuming only evaluates and saves.
        let late = folder.appendingPathComponent("late.safetensors").path
        let last = try runAndKill(
            common + ["--output", late], at: .modelWrite, occurrence: 1, delay: 0)
        #expect(last.killed && !FileManager.default.fileExists(atPath: late))
        let rest = try Support.run(["train", "--resume", late + ".checkpoint"])
        #expect(rest.status == 0, "\(rest.output) \(rest.error)")
        #expect(rest.lines.first == "all 8 epochs were done: evaluating and saving the model")
        #expect(try Support.tensors(late) == Support.tensors(straight))
    }
}
