import Checkpoints
import Datasets
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `mpirun -np 2 mnist train` on a tiny synthetic MNIST (skipped, saying why, without Open
/// MPI's `mpirun`): the same command gives the same model, 2 processes match 1 with the same
/// global batch, a killed rank ends the job at once, and the job resumes from its checkpoint.
@Suite(
    .serialized,
    .enabled(if: MPIJob.mpirun != nil, "mpirun is not installed (apt-get install openmpi-bin)"))
struct DistributedTrainingTests {
    /// A synthetic MNIST: 400 training images (320 after the validation split of 80) whose
    /// label is the row band holding a bright bar.
    static let data: Result<URL, Error> = Result {
        let folder = try temporaryFolder()
        var state: UInt64 = 5
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        for (prefix, n) in [("train", 400), ("t10k", 100)] {
            var pixels = [UInt8](repeating: 0, count: n * 784),
                labels = [UInt8](repeating: 0, count: n)
            for i in 0..<n {
                let label = next() % 10
                labels[i] = UInt8(label)
                let row = 3 + label * 2 + next() % 2
                for x in 6..<22 { pixels[i * 784 + row * 28 + x] = 255 }
                for _ in 0..<20 { pixels[i * 784 + next() % 784] = UInt8(next() % 64) }
            }
            try IDXArray(shape: [n, 28, 28], elements: .uint8(pixels))
                .write(to: folder.appendingPathComponent("\(prefix)-images-idx3-ubyte.gz").path)
            try IDXArray(shape: [n], elements: .uint8(labels))
                .write(to: folder.appendingPathComponent("\(prefix)-labels-idx1-ubyte.gz").path)
        }
        return folder
    }

    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("DistributedTraining-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// `mnist train` of LeNet-5 (no batch norm, no dropout) for `epochs` epochs of 32 global
    /// batches of 10 (5 images per rank on 2), a constant learning rate, writing `model`.
    func train(_ model: String, epochs: Int = 3, extra: [String] = []) throws -> [String] {
        [
            "train", "--data", try Self.data.get().path, "--architecture", "lenet5",
            "--epochs", "\(epochs)", "--batch-size", "10", "--validation-split", "80",
            "--schedule", "constant", "--output", model, "--threads", "1",
        ] + extra
    }

    /// Runs `arguments` on `ranks` processes (0: alone, no mpirun) and requires success.
    func run(_ arguments: [String], ranks: Int) throws -> String {
        let job = try MPIJob("mnist", arguments, ranks: ranks)
        let (status, _) = job.finish(within: 120)
        try #require(status == 0, "status \(status)\n\(job.output)\n\(job.error)")
        return job.output
    }

    /// Every tensor of a safetensors file, by name.
    func tensors(_ path: String) throws -> [String: [Float]] {
        let file = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: path), readMode: .read)
        return try file.tensors().mapValues(\.scalars)
    }

    func largestDifference(_ a: [String: [Float]], _ b: [String: [Float]]) -> Float {
        a.keys.map { key in
            zip(a[key] ?? [], b[key] ?? []).map { abs($0 - $1) }.max() ?? .infinity
        }.max() ?? .infinity
    }

    /// (a) The same command on 2 processes twice: the same weights bit for bit and the same
    /// log (bar the timings); only rank 0 prints.
    @Test func theSameCommandGivesTheSameModel() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = folder.appendingPathComponent("a.safetensors").path
        let second = folder.appendingPathComponent("b.safetensors").path
        let output = try run(try train(first), ranks: 2)
        _ = try run(try train(second), ranks: 2)
        #expect(output.contains("2 processes × 1 thread"), "\(output)")
        #expect(output.components(separatedBy: "epoch 3/3").count == 2, "one rank prints")
        #expect(try tensors(first) == tensors(second))
        func log(_ model: String) throws -> [String] {
            try String(contentsOfFile: model + ".log.jsonl", encoding: .utf8)
                .split(separator: "\n").map {
                    $0.replacingOccurrences(
                        of: #""(seconds|images_per_second)":[0-9.e+-]+"#, with: "",
                        options: .regularExpression)
                }
        }
        #expect(try log(first) == log(second))
        #expect(try log(first).count == 3)
    }

    /// (b) 2 processes match 1 process with the same global batch to float rounding (measured
    /// 1e-6 after 3 epochs of 32 steps), with the same validation figures.
    @Test func twoProcessesMatchOne() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let one = folder.appendingPathComponent("one.safetensors").path
        let two = folder.appendingPathComponent("two.safetensors").path
        let alone = try run(try train(one), ranks: 0)
        let parallel = try run(try train(two), ranks: 2)
        let difference = largestDifference(try tensors(one), try tensors(two))
        print("largest weight difference, 2 processes against 1: \(difference)")
        #expect(difference < 1e-4, "largest weight difference \(difference)")
        // The same accuracy lines (the losses may differ in the last digits).
        let accuracy = { (text: String) in
            text.split(separator: "\n").filter { $0.hasPrefix("accuracy:") }
        }
        #expect(accuracy(alone) == accuracy(parallel), "\(alone)\n\(parallel)")
    }

    /// (c) A rank killed mid-run (SIGKILL) ends the job within seconds with a non-zero status
    /// and mpirun's message naming the rank; (d) the job then resumes from the last epoch's
    /// checkpoint on the same 2 processes, to the weights of an uninterrupted run bit for bit,
    /// and on 1 process, saying that the process count changed; a job stopped by Ctrl-C
    /// resumes mid-epoch to the same weights.
    @Test func aKilledRankEndsTheJobWhichThenResumes() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let killed = folder.appendingPathComponent("killed.safetensors").path
        let whole = folder.appendingPathComponent("whole.safetensors").path
        let job = try MPIJob("mnist", try train(killed, epochs: 60), ranks: 2)
        let started = job.wait(upTo: 120) { job.output.contains("1/60  lr") }
        try #require(started, "no epoch finished: \(job.output)\n\(job.error)")
        let pid = try #require(job.pid(ofRank: 1), "rank 1 not found")
        kill(pid, SIGKILL)
        let killedAt = Date()
        let (status, _) = job.finish(within: 30)
        let seconds = Date().timeIntervalSince(killedAt)
        #expect(status != 0 && status != -1, "status \(status) (-1: still running after 30 s)")
        #expect(seconds < 10, "the job ended \(seconds) s after the kill")
        print("the job ended \(seconds) s after rank 1 was killed")
        #expect(job.error.contains("rank 1") && job.error.contains("signal 9"), "\(job.error)")
        #expect(!FileManager.default.fileExists(atPath: killed), "the killed run saved a model")

        // Resume on 2 processes from the last epoch's checkpoint: the uninterrupted run's
        // weights bit for bit.
        let checkpoint = killed + ".checkpoint"
        let copy = folder.appendingPathComponent("copy.checkpoint").path
        try FileManager.default.copyItem(atPath: checkpoint, toPath: copy)
        let resumed = try run(["train", "--resume", checkpoint], ranks: 2)
        #expect(resumed.contains("resuming at epoch"), "\(resumed)")
        _ = try run(try train(whole, epochs: 60), ranks: 2)
        #expect(try tensors(killed) == tensors(whole))

        // SIGINT to rank 0 alone (Ctrl-C reaches every rank; a child of this test has the
        // signal blocked in mpirun): every rank stops after the same batch, rank 0 saves the
        // position, and the job resumes mid-epoch to the same weights.
        let stopped = folder.appendingPathComponent("stopped.safetensors").path
        let interrupted = try MPIJob("mnist", try train(stopped, epochs: 60), ranks: 2)
        try #require(interrupted.wait(upTo: 120) { interrupted.output.contains("1/60  lr") })
        kill(try #require(interrupted.pid(ofRank: 0), "rank 0 not found"), SIGINT)
        let (stopStatus, _) = interrupted.finish(within: 60)
        #expect(stopStatus != 0 && stopStatus != -1, "status \(stopStatus)")
        #expect(
            interrupted.output.contains("interrupted at epoch"),
            "\(interrupted.output)\n\(interrupted.error)")
        _ = try run(["train", "--resume", stopped + ".checkpoint"], ranks: 2)
        #expect(try tensors(stopped) == tensors(whole))

        // On 1 process: it works, and says why the numbers may differ in rounding.
        let alone = try run(["train", "--resume", copy, "--output", killed + ".1"], ranks: 0)
        #expect(alone.contains("the checkpoint was written by 2 processes"), "\(alone)")
    }
}
