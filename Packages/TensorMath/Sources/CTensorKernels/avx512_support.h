// Shared pieces of the AVX-512 kernels (internal): the target attribute, forced inlining and
// the lane mask of a vector's first lanes. Include inside the files' x86-64 sections.
#ifndef SWIFTCNN_AVX512_SUPPORT_H
#define SWIFTCNN_AVX512_SUPPORT_H

#include <immintrin.h>

#define AVX512_TARGET __attribute__((target("avx512f,avx512vl,fma")))
#define INLINE static inline __attribute__((always_inline))

/// Lanes 0..<count of a 16-float vector (none for count ≤ 0, all for count ≥ 16).
static inline __mmask16 swiftcnn_lanes_below(long count) {
    return count >= 16 ? (__mmask16)0xFFFF : count <= 0 ? 0 : (__mmask16)((1u << count) - 1);
}

#endif
