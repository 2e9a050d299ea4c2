// DistributedCheck: what the Distributed tests run under `mpirun -np N` (a test process
// cannot be an MPI rank). Modes:
//   collectives  sums, broadcasts and a barrier, each rank checking exact results; prints
//                `rank R of N: ok` per rank
//   die          rank 1 kills itself (SIGKILL) while the others wait in a sum
//   fail         rank 1 reports an error and aborts the job while the others wait in a sum
//   train        a small MLP trained data-parallel (DataParallelReducer) against one process
//   bench P      times sums of P floats (default 61706, LeNet-5's parameters)
// Exit status 0 when every check passed, 1 otherwise.
import Distributed
import Foundation

/// Values whose sum depends on the order of additions: magnitudes from 1e-8 to 1e8.
func values(rank: Int, count: Int) -> [Float] {
    var state = UInt64(rank + 1) &* 0x9E37_79B9_7F4A_7C15
    return (0..<count).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let unit = Float(state >> 40) / Float(1 << 24) - 0.5
        return unit * powf(10, Float(Int(state >> 20 & 15)) - 8)
    }
}

/// What every rank must get: the element-wise sum added in rank order.
func expectedSum(ranks: Int, count: Int) -> [Float] {
    var sum = values(rank: 0, count: count)
    for r in 1..<max(ranks, 1) {
        for (i, x) in values(rank: r, count: count).enumerated() { sum[i] += x }
    }
    return sum
}

func collectives(_ communicator: any Communicator) throws -> [String] {
    var failures: [String] = []
    let (rank, size) = (communicator.rank, communicator.size)
    for count in [0, 1, 7, 1000, 100_003] {
        var buffer = values(rank: rank, count: count)
        try communicator.allReduceSum(&buffer)
        let expected = expectedSum(ranks: size, count: count)
        if buffer.map(\.bitPattern) != expected.map(\.bitPattern) {
            failures.append("sum of \(count) floats differs from the rank-order sum")
        }
        // Every rank holds rank 0's bits.
        var copy = buffer
        try communicator.broadcast(&copy, root: 0)
        if copy.map(\.bitPattern) != buffer.map(\.bitPattern) {
            failures.append("sum of \(count) floats differs from rank 0's")
        }
    }
    var metrics: [Double] = [Double(rank), 0.5, 1e300]
    try communicator.allReduceSum(&metrics)
    let ranks = Double(size)
    if metrics != [ranks * (ranks - 1) / 2, 0.5 * ranks, 1e300 * ranks] {
        failures.append("sum of doubles \(metrics)")
    }
    var broadcast: [Float] = rank == size - 1 ? [1, 2, 3] : [0, 0, 0]
    try communicator.broadcast(&broadcast, root: size - 1)
    if broadcast != [1, 2, 3] { failures.append("broadcast from the last rank: \(broadcast)") }
    do {
        try communicator.broadcast(&broadcast, root: size)
        failures.append("a broadcast from rank \(size) did not throw")
    } catch DistributedError.invalidArgument {}
    try communicator.barrier()
    return failures
}

let mode = CommandLine.arguments.dropFirst().first ?? "collectives"
do {
    let communicator = try DistributedEnvironment.communicator()
    switch mode {
    case "collectives":
        let failures = try collectives(communicator)
        for failure in failures { print("rank \(communicator.rank): \(failure)") }
        print(
            "rank \(communicator.rank) of \(communicator.size): \(failures.isEmpty ? "ok" : "FAILED")"
        )
        try communicator.finish()
        exit(failures.isEmpty ? 0 : 1)
    case "train":
        let (failures, difference) = try trainCheck(communicator)
        for failure in failures { print("rank \(communicator.rank): \(failure)") }
        print(
            "rank \(communicator.rank) of \(communicator.size): "
                + (failures.isEmpty ? "ok" : "FAILED") + ", largest difference from one process "
                + "\(difference)")
        try communicator.finish()
        exit(failures.isEmpty ? 0 : 1)
    case "bench":
        let count = CommandLine.arguments.dropFirst(2).first.flatMap { Int($0) } ?? 61706
        var buffer = [Float](repeating: 1, count: count)
        for _ in 0..<10 { try communicator.allReduceSum(&buffer) }
        try communicator.barrier()
        let repeats = 200, start = Date()
        for _ in 0..<repeats { try communicator.allReduceSum(&buffer) }
        let seconds = Date().timeIntervalSince(start) / Double(repeats)
        if communicator.isRoot {
            print(
                String(
                    format: "all-reduce of %d floats on %d ranks: %.1f µs (%.2f GB/s of "
                        + "buffer)", count, communicator.size, seconds * 1e6,
                    Double(count * 4) / seconds / 1e9))
        }
        try communicator.finish()
        exit(0)
    case "die", "fail":
        try communicator.barrier()
        if communicator.rank == 1 {
            if mode == "die" { kill(getpid(), SIGKILL) }
            FileHandle.standardError.write(Data("rank 1: failing on purpose\n".utf8))
            communicator.abort(status: 3)
        }
        var buffer: [Float] = [1]
        while true { try communicator.allReduceSum(&buffer) }
    default:
        FileHandle.standardError.write(Data("DistributedCheck: unknown mode \(mode)\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("DistributedCheck: \(error)\n".utf8))
    exit(1)
}
