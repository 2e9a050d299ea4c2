// TensorMathBench: GEMM and convolution throughput of TensorMath in GFLOPS.
//
// Usage: TensorMathBench [--tsv] [--repetitions N] [--warmup N] [--filter TEXT] [--list]
//        TensorMathBench --info     (the kernels and threads in use)
//        TensorMathBench --peak     (the arithmetic peak at the vector level in use: GFLOPS of
//                                    fused multiply-adds alone, on 1 and on all threads)
// --cpu-clock times the process's CPU time instead of wall time: with SWIFTCNN_THREADS=1 it
// estimates single-core efficiency while other processes load the machine.
// Each case runs `warmup` untimed calls, calibrates how many calls make one timing sample
// (at least `minimumSampleSeconds`), then reports the median of `repetitions` samples.
// Tools/reference/bench_tensormath.py times the same cases, with the same names, in PyTorch;
// Tools/bench-tensormath prints both side by side with the ratio.
import CTensorKernels
import Foundation
import TensorMath

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One benchmark case: a name shared with the PyTorch script, its floating-point work and
/// a factory that creates the operands (only for selected cases) and returns the call to time.
struct BenchCase {
    var name: String
    var flops: Double
    var prepare: () throws -> () throws -> Void
}

struct Options {
    var tsv = false
    var repetitions = 15
    var warmup = 3
    var minimumSampleSeconds = 0.02
    var filter: String?
    var list = false
    var info = false
    var cpuClock = false
    var peak = false

    init(arguments: [String]) throws {
        var iterator = arguments.makeIterator()
        func value(_ flag: String) throws -> String {
            guard let next = iterator.next() else {
                throw BenchError.usage("\(flag) needs a value")
            }
            return next
        }
        while let argument = iterator.next() {
            switch argument {
            case "--tsv": tsv = true
            case "--list": list = true
            case "--info": info = true
            case "--cpu-clock": cpuClock = true
            case "--peak": peak = true
            case "--repetitions":
                guard let n = Int(try value(argument)), n > 0 else {
                    throw BenchError.usage("--repetitions needs a positive integer")
                }
                repetitions = n
            case "--warmup":
                guard let n = Int(try value(argument)), n >= 0 else {
                    throw BenchError.usage("--warmup needs a non-negative integer")
                }
                warmup = n
            case "--filter": filter = try value(argument)
            case "--help", "-h":
                print(
                    "usage: TensorMathBench [--tsv] [--repetitions N] [--warmup N] "
                        + "[--filter TEXT] [--list] [--info] [--peak] [--cpu-clock]")
                exit(0)
            default: throw BenchError.usage("unknown argument \(argument)")
            }
        }
    }
}

enum BenchError: Error, CustomStringConvertible {
    case usage(String)
    var description: String {
        switch self {
        case .usage(let message): return "TensorMathBench: \(message)"
        }
    }
}

nonisolated(unsafe) var clockID = CLOCK_MONOTONIC

func now() -> Double {
    var time = timespec()
    clock_gettime(clockID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// Seconds per call: the median over `repetitions` samples of `calls` calls each.
func measure(_ benchCase: BenchCase, options: Options) throws -> Double {
    let run = try benchCase.prepare()
    for _ in 0..<options.warmup { try run() }
    let start = now()
    try run()
    let single = max(now() - start, 1e-7)
    let calls = max(1, Int((options.minimumSampleSeconds / single).rounded(.up)))
    var samples: [Double] = []
    for _ in 0..<options.repetitions {
        let begin = now()
        for _ in 0..<calls { try run() }
        samples.append((now() - begin) / Double(calls))
    }
    return median(samples)
}

// MARK: - Peak

/// GFLOPS of `threads` threads each running the level's fused multiply-add loop
/// (`swiftcnn_fma_peak`) at once: the median of 5 samples of about 0.2 s.
func peakGFLOPS(threads: Int) -> Double {
    let level = Int32(BLAS.vectorLevel)
    let flopsPerRound = 24.0 * Double(swiftcnn_direct_lanes(level))
    var rounds = 1 << 20
    while true {  // calibrate: about 0.2 s per thread
        let start = now()
        _ = swiftcnn_fma_peak(level, rounds)
        if now() - start > 0.05 || rounds > 1 << 34 {
            rounds = Int(Double(rounds) * 0.2 / max(now() - start, 1e-6))
            break
        }
        rounds *= 4
    }
    let calibrated = rounds
    var samples: [Double] = []
    for _ in 0..<5 {
        let group = DispatchGroup()
        let start = now()
        for _ in 0..<threads {
            group.enter()
            Thread {
                _ = swiftcnn_fma_peak(level, calibrated)
                group.leave()
            }.start()
        }
        group.wait()
        samples.append(Double(threads * calibrated) * flopsPerRound / (now() - start) / 1e9)
    }
    return median(samples)
}

// MARK: - Cases

func matmulCases() -> [BenchCase] {
    var cases: [BenchCase] = []
    for n in [256, 512, 1024, 2048] {
        cases.append(
            BenchCase(name: "matmul \(n)x\(n)x\(n)", flops: 2 * pow(Double(n), 3)) {
                var generator = Xoshiro256(seed: UInt64(n))
                let a = try Tensor.uniform([n, n], low: -1, high: 1, using: &generator)
                let b = try Tensor.uniform([n, n], low: -1, high: 1, using: &generator)
                return { _ = try Tensor.matmul(a, b) }
            })
    }
    // LeNet-5's Linear layers, y = x·Wᵀ with W [out, in], and their backward GEMMs.
    for batch in [64, 128] {
        for (name, inputs, outputs) in [("fc1", 400, 120), ("fc2", 120, 84), ("fc3", 84, 10)] {
            let flops = 2 * Double(batch * inputs * outputs)
            let prefix = "lenet \(name) \(inputs)->\(outputs) b\(batch)"
            func operands() throws -> (x: Tensor, w: Tensor, dy: Tensor) {
                var generator = Xoshiro256(seed: UInt64(batch * inputs))
                return (
                    try Tensor.uniform([batch, inputs], low: -1, high: 1, using: &generator),
                    try Tensor.uniform([outputs, inputs], low: -1, high: 1, using: &generator),
                    try Tensor.uniform([batch, outputs], low: -1, high: 1, using: &generator)
                )
            }
            cases.append(
                BenchCase(name: prefix + " fwd", flops: flops) {
                    let (x, w, _) = try operands()
                    return { _ = try Tensor.matmul(x, w, transposeB: true) }
                })
            cases.append(
                BenchCase(name: prefix + " f+b", flops: 3 * flops) {
                    let (x, w, dy) = try operands()
                    var dw = try Tensor.zeros([outputs, inputs])
                    return {
                        _ = try Tensor.matmul(x, w, transposeB: true)
                        try Tensor.gemm(dy, x, into: &dw, transposeA: true, beta: 1)
                        _ = try Tensor.matmul(dy, w)
                    }
                })
        }
    }
    return cases
}

/// A convolution layer shape: batch, channels in and out, square input and kernel sizes.
struct ConvolutionShape {
    var name: String
    var batch: Int, inChannels: Int, outChannels: Int, size: Int, kernel: Int
    var stride = 1, padding = 0
    /// The network's first layer: no input gradient.
    var first = false
}

let convolutionShapes: [ConvolutionShape] = [
    ConvolutionShape(
        name: "lenet conv1 1->6 5x5 p2 28x28 b64", batch: 64, inChannels: 1,
        outChannels: 6, size: 28, kernel: 5, padding: 2, first: true),
    ConvolutionShape(
        name: "lenet conv2 6->16 5x5 14x14 b64", batch: 64, inChannels: 6,
        outChannels: 16, size: 14, kernel: 5),
    ConvolutionShape(
        name: "resnet 3->16 3x3 32x32 b128", batch: 128, inChannels: 3,
        outChannels: 16, size: 32, kernel: 3, padding: 1, first: true),
    ConvolutionShape(
        name: "resnet 16->16 3x3 32x32 b128", batch: 128, inChannels: 16,
        outChannels: 16, size: 32, kernel: 3, padding: 1),
    ConvolutionShape(
        name: "resnet 16->32 3x3 s2 32x32 b128", batch: 128, inChannels: 16,
        outChannels: 32, size: 32, kernel: 3, stride: 2, padding: 1),
    ConvolutionShape(
        name: "resnet 32->32 3x3 16x16 b128", batch: 128, inChannels: 32,
        outChannels: 32, size: 16, kernel: 3, padding: 1),
    ConvolutionShape(
        name: "resnet 32->64 3x3 s2 16x16 b128", batch: 128, inChannels: 32,
        outChannels: 64, size: 16, kernel: 3, stride: 2, padding: 1),
    ConvolutionShape(
        name: "resnet 64->64 3x3 8x8 b128", batch: 128, inChannels: 64,
        outChannels: 64, size: 8, kernel: 3, padding: 1),
    // The MNIST `cnn`'s and FourClassNet's layers.
    ConvolutionShape(
        name: "cnn 1->16 3x3 28x28 b128", batch: 128, inChannels: 1,
        outChannels: 16, size: 28, kernel: 3, padding: 1, first: true),
    ConvolutionShape(
        name: "cnn 16->16 3x3 28x28 b128", batch: 128, inChannels: 16,
        outChannels: 16, size: 28, kernel: 3, padding: 1),
    ConvolutionShape(
        name: "cnn 16->32 3x3 14x14 b128", batch: 128, inChannels: 16,
        outChannels: 32, size: 14, kernel: 3, padding: 1),
    ConvolutionShape(
        name: "cnn 32->32 3x3 14x14 b128", batch: 128, inChannels: 32,
        outChannels: 32, size: 14, kernel: 3, padding: 1),
    ConvolutionShape(
        name: "fourclass 3->32 3x3 32x32 b128", batch: 128, inChannels: 3,
        outChannels: 32, size: 32, kernel: 3, padding: 1, first: true),
    ConvolutionShape(
        name: "fourclass 32->64 3x3 16x16 b128", batch: 128, inChannels: 32,
        outChannels: 64, size: 16, kernel: 3, padding: 1),
    ConvolutionShape(
        name: "fourclass 64->128 3x3 8x8 b128", batch: 128, inChannels: 64,
        outChannels: 128, size: 8, kernel: 3, padding: 1),
    ConvolutionShape(
        name: "fourclass 128->128 3x3 8x8 b128", batch: 128, inChannels: 128,
        outChannels: 128, size: 8, kernel: 3, padding: 1),
    ConvolutionShape(
        name: "fourclass 128->256 3x3 4x4 b128", batch: 128, inChannels: 128,
        outChannels: 256, size: 4, kernel: 3, padding: 1),
]

func convolutionCases() throws -> [BenchCase] {
    var cases: [BenchCase] = []
    for shape in convolutionShapes {
        let conv = Convolution2D(stride: Size2D(shape.stride), padding: Size2D(shape.padding))
        let out = try conv.outputSize(
            inputHeight: shape.size, inputWidth: shape.size, kernel: Size2D(shape.kernel))
        func operands() throws -> (x: Tensor, w: Tensor, b: Tensor, dy: Tensor) {
            var generator = Xoshiro256(seed: 2)
            return (
                try Tensor.uniform(
                    [shape.batch, shape.inChannels, shape.size, shape.size], low: -1, high: 1,
                    using: &generator),
                try Tensor.kaimingUniform(
                    [shape.outChannels, shape.inChannels, shape.kernel, shape.kernel],
                    using: &generator),
                try Tensor.uniform([shape.outChannels], low: -0.1, high: 0.1, using: &generator),
                try Tensor.uniform(
                    [shape.batch, shape.outChannels, out.height, out.width], low: -1, high: 1,
                    using: &generator)
            )
        }
        let forwardFlops =
            2 * Double(shape.batch * shape.outChannels * shape.inChannels)
            * Double(shape.kernel * shape.kernel * out.height * out.width)
        cases.append(
            BenchCase(name: shape.name + " fwd", flops: forwardFlops) {
                let (x, w, b, _) = try operands()
                return { _ = try conv.forward(input: x, weight: w, bias: b) }
            })
        let passes: Double = shape.first ? 2 : 3
        cases.append(
            BenchCase(name: shape.name + " f+b", flops: passes * forwardFlops) {
                let (x, w, b, dy) = try operands()
                return {
                    _ = try conv.forward(input: x, weight: w, bias: b)
                    _ = try conv.backward(
                        input: x, weight: w, outputGradient: dy, needsInputGradient: !shape.first)
                }
            })
    }
    return cases
}

// MARK: - Main

do {
    let options = try Options(arguments: Array(CommandLine.arguments.dropFirst()))
    if options.cpuClock { clockID = CLOCK_PROCESS_CPUTIME_ID }
    var cases = matmulCases() + (try convolutionCases())
    if let filter = options.filter { cases = cases.filter { $0.name.contains(filter) } }
    if options.list {
        for benchCase in cases { print(benchCase.name) }
        exit(0)
    }
    let level = ["none (CBLAS and im2col)", "AVX2", "AVX-512"][BLAS.vectorLevel]
    let info =
        "TensorMath: C kernels \(level) (vector level \(BLAS.vectorLevel)), "
        + "OpenBLAS kernels \(BLAS.coreName)"
        + (getenv("OPENBLAS_CORETYPE").map { " (OPENBLAS_CORETYPE=\(String(cString: $0)))" } ?? "")
        + ", \(BLAS.threadCount) GEMM threads, \(Parallel.threadCount) workers"
    if options.info {
        print(info)
        exit(0)
    }
    if options.peak {
        let one = peakGFLOPS(threads: 1)
        let all = peakGFLOPS(threads: Parallel.threadCount)
        if options.tsv {
            print("peak\t\(all)\t\(one)")
        } else {
            print(
                "fused multiply-add peak at vector level \(BLAS.vectorLevel): "
                    + format(one, width: 1) + " GFLOPS on 1 thread, " + format(all, width: 1)
                    + " on \(Parallel.threadCount)")
        }
        exit(0)
    }
    if !options.tsv { print(info + "; median of \(options.repetitions)") }
    for benchCase in cases {
        let seconds = try measure(benchCase, options: options)
        let gflops = benchCase.flops / seconds / 1e9
        if options.tsv {
            print("\(benchCase.name)\t\(gflops)\t\(seconds)")
        } else {
            let padded = benchCase.name.padding(toLength: 44, withPad: " ", startingAt: 0)
            print(
                padded + " " + format(gflops, width: 8) + " GFLOPS "
                    + format(seconds * 1e3, width: 9) + " ms")
        }
        fflush(stdout)
    }
} catch {
    fputs("\(error)\n", stderr)
    exit(2)
}

func format(_ value: Double, width: Int) -> String {
    String(format: "%\(width).1f", value)
}
