// TrainingBench: end-to-end training throughput, inference throughput and peak memory of the
// networks the apps train (issue #13), release build.
//
// Usage: TrainingBench [--network NAME | --filter TEXT] [--tsv] [--warmup N] [--steps N]
//                      [--seconds S] [--inference-batch N] [--inference-passes N] [--seed N]
//        TrainingBench --list | --info | --core-latency
// For each network: `--warmup` untimed training steps, then timed steps (at least `--steps`
// and `--seconds`) through `Trainer.trainStep` with the app's default optimizer on synthetic
// data; the figure is the batch size over the median step. Then the peak resident memory
// (VmHWM), then inference-mode forward passes of `--inference-batch` images (one untimed, then
// at least `--inference-passes` and `--seconds`). Without `--network`, each network runs in a
// child process of its own, so that the peaks do not mix. Tools/reference/bench_training.py
// measures the same in PyTorch; Tools/bench-training runs both and prints the ratios.
// `--core-latency` prints the time a cache line takes between two cores and back
// (CoreLatency.swift), which two-thread figures depend on.
import Foundation
import TensorMath

/// The command line.
struct Options {
    var network: String?
    var filter: String?
    var tsv = false
    var list = false
    var info = false
    var coreLatency = false
    var warmup = 3
    var steps = 10
    var seconds = 2.0
    var inferenceBatch = 1000
    var inferencePasses = 3
    var seed: UInt64 = 1

    static let usage = """
        usage: TrainingBench [--network NAME | --filter TEXT] [--tsv] [--warmup N] [--steps N]
                             [--seconds S] [--inference-batch N] [--inference-passes N]
                             [--seed N]
               TrainingBench --list | --info | --core-latency
        """

    init(arguments: [String]) throws {
        var iterator = arguments.makeIterator()
        func value(_ flag: String) throws -> String {
            guard let next = iterator.next() else {
                throw BenchError.usage("\(flag) needs a value")
            }
            return next
        }
        func count(_ flag: String, minimum: Int) throws -> Int {
            guard let n = Int(try value(flag)), n >= minimum else {
                throw BenchError.usage("\(flag) needs an integer of at least \(minimum)")
            }
            return n
        }
        while let argument = iterator.next() {
            switch argument {
            case "--network": network = try value(argument)
            case "--filter": filter = try value(argument)
            case "--tsv": tsv = true
            case "--list": list = true
            case "--info": info = true
            case "--core-latency": coreLatency = true
            case "--warmup": warmup = try count(argument, minimum: 0)
            case "--steps": steps = try count(argument, minimum: 1)
            case "--inference-batch": inferenceBatch = try count(argument, minimum: 1)
            case "--inference-passes": inferencePasses = try count(argument, minimum: 1)
            case "--seconds":
                guard let s = Double(try value(argument)), s >= 0, s.isFinite else {
                    throw BenchError.usage("--seconds needs a non-negative number")
                }
                seconds = s
            case "--seed":
                guard let s = UInt64(try value(argument)) else {
                    throw BenchError.usage("--seed needs a non-negative integer")
                }
                seed = s
            case "--help", "-h":
                print(Self.usage)
                exit(0)
            default: throw BenchError.usage("unknown argument \(argument)")
            }
        }
    }

    /// The arguments of the child process that measures `network` alone.
    func childArguments(network: String) -> [String] {
        [
            "--network", network, "--warmup", "\(warmup)", "--steps", "\(steps)", "--seconds",
            "\(seconds)", "--inference-batch", "\(inferenceBatch)", "--inference-passes",
            "\(inferencePasses)", "--seed", "\(seed)",
        ] + (tsv ? ["--tsv"] : [])
    }
}

/// What stops the benchmark.
enum BenchError: Error, CustomStringConvertible {
    case usage(String)
    case unknownNetwork(String)
    case child(network: String, status: Int32)

    var description: String {
        switch self {
        case .usage(let message):
            return "TrainingBench: \(message)\n\(Options.usage)"
        case .unknownNetwork(let name):
            return "TrainingBench: no network called \(name); the networks are "
                + BenchNetwork.all.map(\.name).joined(separator: ", ")
        case .child(let network, let status):
            return "TrainingBench: the process measuring \(network) failed (status \(status))"
        }
    }
}

/// Runs this executable again to measure `network` alone; its output goes to ours.
func runChild(network: String, options: Options) throws {
    let process = Process()
    process.executableURL =
        Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
    process.arguments = options.childArguments(network: network)
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw BenchError.child(network: network, status: process.terminationStatus)
    }
}

do {
    let options = try Options(arguments: Array(CommandLine.arguments.dropFirst()))
    var networks = BenchNetwork.all
    if let filter = options.filter { networks = networks.filter { $0.name.contains(filter) } }
    if let name = options.network { networks = [try BenchNetwork.named(name)] }
    if options.list {
        for network in networks {
            print("\(network.name)\tbatch \(network.batchSize)\t\(network.optimizerName)")
        }
        exit(0)
    }
    let level = ["none (CBLAS and im2col)", "AVX2", "AVX-512"][BLAS.vectorLevel]
    let info =
        "TensorMath: C kernels \(level) (vector level \(BLAS.vectorLevel)), "
        + "OpenBLAS kernels \(BLAS.coreName), \(BLAS.threadCount) GEMM threads, "
        + "\(Parallel.threadCount) workers"
    if options.info {
        print(info)
        exit(0)
    }
    if options.coreLatency {
        let nanoseconds = coreRoundTripNanoseconds().map { String(format: "%.0f", $0) }
        if options.tsv {
            print("core-round-trip-ns\t\(nanoseconds ?? "nan")")
        } else {
            print("core-to-core round trip: " + (nanoseconds.map { "\($0) ns" } ?? "one core"))
        }
        exit(0)
    }
    guard let name = options.network else {
        if !options.tsv {
            print(
                info + "; training: \(options.warmup) warm-up steps, median of at least "
                    + "\(options.steps) steps and \(options.seconds) s; inference: batch "
                    + "\(options.inferenceBatch), median of at least \(options.inferencePasses) "
                    + "passes; one process per network")
        }
        fflush(stdout)
        for network in networks { try runChild(network: network.name, options: options) }
        exit(0)
    }
    let result = try measure(
        try BenchNetwork.named(name),
        training: Timing(
            warmup: options.warmup, minimumCalls: options.steps,
            minimumSeconds: options.seconds),
        inference: Timing(
            warmup: 1, minimumCalls: options.inferencePasses, minimumSeconds: options.seconds),
        inferenceBatch: options.inferenceBatch, seed: options.seed)
    print(options.tsv ? result.tsv : result.text)
} catch {
    fputs("\(error)\n", stderr)
    exit(2)
}
