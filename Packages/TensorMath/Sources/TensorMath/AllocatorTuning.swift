import CTensorKernels

#if canImport(Glibc)
import Glibc
#endif

/// Keeps tensor memory in the process between training steps (Linux with glibc).
///
/// By default glibc's `malloc` serves every block above a moving threshold (128 KiB at
/// first) with its own `mmap` and hands memory at the top of the heap back to the kernel as
/// soon as 128 KiB are free there. A network allocates and frees the same activation-sized
/// blocks at every step, so each step page-faulted its memory in again: in a profile of the
/// MNIST `cnn`'s training, page faults and the kernel's page bookkeeping took about 15% of the
/// time. The first tensor made sets the mmap threshold to 256 MiB and the trim threshold to
/// 1 GiB, so freed blocks are reused. Measured with `TrainingBench` (2
/// threads, level 2): LeNet-5 training 23,100 → 31,300 images/s and inference at batch 1,000
/// 68,000 → 135,000; the `cnn`'s inference 5,300–6,000 → 13,500–13,900. The peak resident
/// memory is unchanged; the resident memory after a peak stays near it (up to 1 GiB above
/// what is in use), as with PyTorch's caching allocator. Threads other than the main one
/// allocate from glibc's secondary arenas, whose heaps hold at most 64 MiB: there, larger
/// blocks are still mapped one by one.
///
/// Nothing is changed when the environment already tunes malloc (`GLIBC_TUNABLES` naming
/// `glibc.malloc`, `MALLOC_MMAP_THRESHOLD_` or `MALLOC_TRIM_THRESHOLD_`), or when
/// `SWIFTCNN_MALLOC_TUNING=0`.
enum AllocatorTuning {
    /// The mmap threshold set: blocks up to 256 MiB (a batch of 1,000 activations of the MNIST
    /// `cnn` is 100 MB) come from the heap and are reused; larger ones still get their own
    /// mapping.
    static let mmapThreshold: Int32 = 256 << 20
    /// The trim threshold set.
    static let trimThreshold: Int32 = 1 << 30

    /// Whether the thresholds were set; evaluated once, by the first tensor (Tensor's two
    /// designated initializers read it: a once-token check).
    static let applied: Bool = {
        #if canImport(Glibc)
        if leftToTheEnvironment { return false }
        return swiftcnn_tune_allocator(mmapThreshold, trimThreshold) == 1
        #else
        return false
        #endif
    }()

    /// Whether the environment tunes malloc itself or turns the tuning off (see above).
    static var leftToTheEnvironment: Bool {
        func environment(_ name: String) -> String? {
            getenv(name).map { String(cString: $0) }
        }
        return environment("SWIFTCNN_MALLOC_TUNING") == "0"
            || environment("MALLOC_MMAP_THRESHOLD_") != nil
            || environment("MALLOC_TRIM_THRESHOLD_") != nil
            || environment("GLIBC_TUNABLES")?.contains("glibc.malloc") == true
    }

    /// Bytes malloc holds in blocks it mapped one by one, or nil where unknown (for tests).
    static var mappedBytes: Int? {
        let bytes = swiftcnn_allocator_mapped_bytes()
        return bytes < 0 ? nil : bytes
    }
}
