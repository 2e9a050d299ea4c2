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

/// Transposes the 8 x 8 block of rows `r` in registers: lane c of row r becomes lane r of
/// row c.
AVX2_TARGET INLINE void transpose8_registers(__m256 r[8]) {
    const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    r[0] = _mm256_permute2f128_ps(u0, u4, 0x20);
    r[1] = _mm256_permute2f128_ps(u1, u5, 0x20);
    r[2] = _mm256_permute2f128_ps(u2, u6, 0x20);
    r[3] = _mm256_permute2f128_ps(u3, u7, 0x20);
    r[4] = _mm256_permute2f128_ps(u0, u4, 0x31);
    r[5] = _mm256_permute2f128_ps(u1, u5, 0x31);
    r[6] = _mm256_permute2f128_ps(u2, u6, 0x31);
    r[7] = _mm256_permute2f128_ps(u3, u7, 0x31);
}

/// dest[c·width + r] = source[r·ld + c] for r, c in 0 ..< 8: eight rows of eight floats
/// `ld` apart become eight rows `width` apart.
AVX2_TARGET INLINE void transpose8(const float *source, long ld, float *dest, long width) {
    __m256 r[8];
    for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(source + i * ld);
    transpose8_registers(r);
    for (int i = 0; i < 8; i++) _mm256_storeu_ps(dest + i * width, r[i]);
}

#endif
