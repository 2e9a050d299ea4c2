import Foundation
import Synchronization
import TensorMath
import Testing

/// `Parallel.forEach` calls its body exactly once per index whatever the sizes, when calls
/// nest, when several threads call at once, and when another thread keeps a core busy (the
/// worker pool hands out work item by item, so a thread without a core holds nothing up).
@Suite struct ParallelTests {
    /// A counter that arrays can hold (`Atomic` cannot be copied).
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
        func increment() { value.add(1, ordering: .relaxed) }
        var count: Int { value.load(ordering: .relaxed) }
    }

    /// Counts the calls per index of one `forEach`.
    static func callCounts(_ count: Int, minimumWorkPerThread: Int = 1) -> [Int] {
        let counts = (0..<count).map { _ in Counter() }
        Parallel.forEach(count, minimumWorkPerThread: minimumWorkPerThread) { index in
            counts[index].increment()
        }
        return counts.map(\.count)
    }

    @Test(arguments: [0, 1, 2, 3, 7, 16, 17, 100, 1_001])
    func everyIndexOnce(count: Int) {
        #expect(Self.callCounts(count) == Array(repeating: 1, count: count))
        #expect(
            Self.callCounts(count, minimumWorkPerThread: 5)
                == Array(repeating: 1, count: count))
    }

    @Test func nestedCallsRunEveryIndexOnce() {
        let counts = (0..<(13 * 11)).map { _ in Counter() }
        Parallel.forEach(13) { outer in
            Parallel.forEach(11) { inner in counts[outer * 11 + inner].increment() }
        }
        #expect(counts.allSatisfy { $0.count == 1 })
    }

    @Test func concurrentCallersEachGetTheirOwnIndices() async {
        let results = await withTaskGroup(of: Bool.self) { group in
            for count in [50, 51, 52, 53] {
                group.addTask {
                    (0..<200).allSatisfy { _ in
                        Self.callCounts(count) == Array(repeating: 1, count: count)
                    }
                }
            }
            return await group.reduce(true) { $0 && $1 }
        }
        #expect(results)
    }

    /// A thread that spins for the whole test takes a core; products must still be right and
    /// the same as without it.
    @Test func resultsWithACoreTakenAreTheSame() throws {
        var generator = Xoshiro256(seed: 5)
        let a = try Tensor.uniform([257, 300], low: -1, high: 1, using: &generator)
        let b = try Tensor.uniform([300, 129], low: -1, high: 1, using: &generator)
        let quiet = try Tensor.matmul(a, b)
        let stop = Counter()
        let spinner = Thread {
            var x = 0
            while stop.count == 0 { x &+= 1 }
            _ = x
        }
        spinner.start()
        defer { stop.increment() }
        for _ in 0..<50 {
            #expect(try Tensor.matmul(a, b).scalars == quiet.scalars)
        }
    }
}
