// The arithmetic peak of one core at a vector level (internal): a loop of independent fused
// multiply-adds and nothing else, written once with the per-ISA hooks (vf, vfma) and included
// by direct_avx512.c, direct_avx2.c and direct_portable.c after direct_kernels.h. Benchmarks
// divide a kernel's rate by it to say how close to the hardware the kernel runs.

enum {
    /// Independent accumulators: more than FMA units × latency on current x86-64 and ARM64
    /// cores (2 × 4), and with the two operands within AVX2's 16 registers.
    PEAK_CHAINS = 12,
};

/// Runs `rounds` rounds of PEAK_CHAINS fused multiply-adds of LANES-wide vectors
/// (2 · PEAK_CHAINS · LANES · rounds floating-point operations); returns a value that depends
/// on every one of them.
KERNEL_TARGET __attribute__((noinline)) float FN(swiftcnn_fma_peak)(long rounds) {
    vf acc[PEAK_CHAINS];
    const vf scale = splat(0.999999f), shift = splat(1e-6f);
    UNROLL for (int i = 0; i < PEAK_CHAINS; i++) acc[i] = splat((float)i);
    for (long n = 0; n < rounds; n++) {
        UNROLL for (int i = 0; i < PEAK_CHAINS; i++) acc[i] = vfma(acc[i], scale, shift);
    }
    vf total = acc[0];
    UNROLL for (int i = 1; i < PEAK_CHAINS; i++) total += acc[i];
    return reduce_add(total);
}
