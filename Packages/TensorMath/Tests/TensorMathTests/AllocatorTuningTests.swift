import Foundation
import Testing

@testable import TensorMath

/// The first tensor raises glibc's mmap threshold (``AllocatorTuning``), so that an
/// activation-sized block freed by one training step is reused by the next instead of being
/// unmapped and page-faulted in again.
@Suite struct AllocatorTuningTests {
    @Test func blocksBelowTheThresholdComeFromTheHeap() throws {
        #if canImport(Glibc)
        _ = Tensor(scalar: 1)
        // nil under AddressSanitizer, whose malloc ignores the thresholds.
        guard let before = AllocatorTuning.mappedBytes else {
            #expect(!AllocatorTuning.applied)
            return
        }
        #expect(AllocatorTuning.applied == !AllocatorTuning.leftToTheEnvironment)
        guard AllocatorTuning.applied else { return }
        // 16 MiB: far above glibc's default threshold (128 KiB), below ours, and small enough
        // for the 64 MiB heaps of the arenas that threads other than the main one use.
        let block = try Tensor.zeros([4 << 20])
        let during = try #require(AllocatorTuning.mappedBytes)
        #expect(during - before < 4 << 20, "a 16 MiB tensor was mapped on its own")
        #expect(block.count == 4 << 20)
        #endif
    }
}
