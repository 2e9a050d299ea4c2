import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A counter two threads hand back and forth.
private final class Baton: @unchecked Sendable {
    let turn = Atomic<Int>(0)
}

/// How long a cache line takes to go from one core to another and back, in nanoseconds: two
/// threads, pinned to the first two cores this process may use (Linux; elsewhere where the
/// system puts them), hand a counter to each other `roundTrips` times (the median of 5
/// samples); nil on a machine with one core. The calling thread stays pinned: call it in a
/// process of its own (`TrainingBench --core-latency`).
///
/// Two-thread training moves activations one core writes and the other reads, so it depends
/// on this. On the 2-core AMD EPYC virtual machine of the README's AMD figures it measured
/// 192–198 ns when the two cores shared a cache and 420–594 ns, for minutes at a time, when
/// the host placed them where they did not (a C loop of the same kind: 68–82 and 309–467 ns);
/// two-thread LeNet-5 training at level 1 ran at 28,600–29,100 images/s in the first state
/// and 20,200–20,400 in the second, while single-thread figures did not move.
/// `Tools/bench-training` prints it at every round, so that the rounds can be told apart.
func coreRoundTripNanoseconds(roundTrips: Int = 20_000) -> Double? {
    guard ProcessInfo.processInfo.activeProcessorCount >= 2 else { return nil }
    let cpus = allowedCPUs()
    if cpus.count >= 2 { pinCurrentThread(to: cpus[0]) }
    var samples: [Double] = []
    for _ in 0..<5 {
        let baton = Baton()
        let finished = DispatchSemaphore(value: 0)
        let other = Thread {
            if cpus.count >= 2 { pinCurrentThread(to: cpus[1]) }
            for i in 0..<roundTrips {
                while baton.turn.load(ordering: .acquiring) != 2 * i + 1 {}
                baton.turn.store(2 * i + 2, ordering: .releasing)
            }
            finished.signal()
        }
        other.start()
        // The other thread running first: its first wait is not timed.
        let start = DispatchTime.now().uptimeNanoseconds
        for i in 0..<roundTrips {
            baton.turn.store(2 * i + 1, ordering: .releasing)
            while baton.turn.load(ordering: .acquiring) != 2 * i + 2 {}
        }
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        finished.wait()
        samples.append(Double(elapsed) / Double(roundTrips))
    }
    return samples.sorted()[samples.count / 2]
}

/// glibc's `sched_getaffinity` and `sched_setaffinity`, which Swift's Glibc module leaves out
/// (they need _GNU_SOURCE): looked up by name.
private typealias AffinityCall = @convention(c) (pid_t, Int, UnsafeMutableRawPointer) -> Int32

private func affinityCall(_ name: String) -> AffinityCall? {
    #if os(Linux)
    guard let symbol = dlsym(nil, name) else { return nil }
    return unsafeBitCast(symbol, to: AffinityCall.self)
    #else
    return nil
    #endif
}

/// The CPUs this process may run on (Linux), else none.
private func allowedCPUs() -> [Int] {
    #if os(Linux)
    guard let get = affinityCall("sched_getaffinity") else { return [] }
    var set = cpu_set_t()
    let size = MemoryLayout<cpu_set_t>.size
    guard withUnsafeMutableBytes(of: &set, { get(0, size, $0.baseAddress!) }) == 0 else {
        return []
    }
    return withUnsafeBytes(of: &set) { bytes in
        (0..<(bytes.count * 8)).filter { bytes[$0 / 8] & (1 << ($0 % 8)) != 0 }
    }
    #else
    return []
    #endif
}

/// Runs the calling thread on `cpu` only (Linux). Unpinned, the two threads often shared one
/// core at first, and a round trip then took a scheduler switch (about 1 µs).
private func pinCurrentThread(to cpu: Int) {
    #if os(Linux)
    guard let set = affinityCall("sched_setaffinity") else { return }
    var mask = cpu_set_t()
    withUnsafeMutableBytes(of: &mask) { bytes in
        bytes[cpu / 8] |= UInt8(1 << (cpu % 8))
        _ = set(0, bytes.count, bytes.baseAddress!)
    }
    #endif
}
