// An 8 x 8 transpose in AVX2 registers, shared by the GEMM's packing (sgemm_kernels.c) and the
// wide weight gradient's output-gradient transpose (conv_gradient_wide.c) (internal). Include
// inside the files' x86-64 sections.
#ifndef SWIFTCNN_AVX2_TRANSPOSE_H
#define SWIFTCNN_AVX2_TRANSPOSE_H

#include <immintrin.h>

#ifndef AVX2_TARGET
#define AVX2_TARGET __attribute__((target("avx2,fma")))
#endif
#ifndef INLINE
#define INLINE static inline __attribute__((always_inline))
#endif

/// dest[c·width + r] = source[r·ld + c] for r, c in 0 ..< 8: eight rows of eight floats
/// `ld` apart become eight rows `width` apart.
AVX2_TARGET INLINE void transpose8(const float *source, long ld, float *dest, long width) {
    __m256 r0 = _mm256_loadu_ps(source), r1 = _mm256_loadu_ps(source + ld);
    __m256 r2 = _mm256_loadu_ps(source + 2 * ld), r3 = _mm256_loadu_ps(source + 3 * ld);
    __m256 r4 = _mm256_loadu_ps(source + 4 * ld), r5 = _mm256_loadu_ps(source + 5 * ld);
    __m256 r6 = _mm256_loadu_ps(source + 6 * ld), r7 = _mm256_loadu_ps(source + 7 * ld);
    __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
    __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
    __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
    __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
    __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    _mm256_storeu_ps(dest + 0 * width, _mm256_permute2f128_ps(u0, u4, 0x20));
    _mm256_storeu_ps(dest + 1 * width, _mm256_permute2f128_ps(u1, u5, 0x20));
    _mm256_storeu_ps(dest + 2 * width, _mm256_permute2f128_ps(u2, u6, 0x20));
    _mm256_storeu_ps(dest + 3 * width, _mm256_permute2f128_ps(u3, u7, 0x20));
    _mm256_storeu_ps(dest + 4 * width, _mm256_permute2f128_ps(u0, u4, 0x31));
    _mm256_storeu_ps(dest + 5 * width, _mm256_permute2f128_ps(u1, u5, 0x31));
    _mm256_storeu_ps(dest + 6 * width, _mm256_permute2f128_ps(u2, u6, 0x31));
    _mm256_storeu_ps(dest + 7 * width, _mm256_permute2f128_ps(u3, u7, 0x31));
}

#endif
