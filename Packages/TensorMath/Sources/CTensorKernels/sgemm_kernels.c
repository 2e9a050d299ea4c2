// SGEMM micro-kernels: AVX-512 (8x48), AVX2+FMA (6x16) and portable C (4x16). Each is
// specialized for every row count mr ≤ MR (a switch over always-inlined bodies), so edge
// panels cost no more than their rows. Columns beyond nr are computed (B is zero-padded)
// and masked off when storing.
#include "sgemm_internal.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define AVX512_TARGET __attribute__((target("avx512f,avx512vl,fma")))
#define AVX2_TARGET __attribute__((target("avx2,fma")))
#define INLINE static inline __attribute__((always_inline))

// MARK: AVX-512, 8 rows x 48 columns

AVX512_TARGET INLINE void avx512_body(
    const int mr, long kc, const float *ap, const float *bp, float *c, long ldc, long nr,
    float alpha, float beta) {
    __m512 acc[8][3];
    for (int r = 0; r < mr; r++) {
        acc[r][0] = _mm512_setzero_ps();
        acc[r][1] = _mm512_setzero_ps();
        acc[r][2] = _mm512_setzero_ps();
    }
    for (long p = 0; p < kc; p++) {
        const __m512 b0 = _mm512_load_ps(bp);
        const __m512 b1 = _mm512_load_ps(bp + 16);
        const __m512 b2 = _mm512_load_ps(bp + 32);
        for (int r = 0; r < mr; r++) {
            const __m512 a = _mm512_set1_ps(ap[r]);
            acc[r][0] = _mm512_fmadd_ps(a, b0, acc[r][0]);
            acc[r][1] = _mm512_fmadd_ps(a, b1, acc[r][1]);
            acc[r][2] = _mm512_fmadd_ps(a, b2, acc[r][2]);
        }
        ap += SWIFTCNN_MR_AVX512;
        bp += SWIFTCNN_NR_AVX512;
    }
    const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    __mmask16 masks[3];
    for (int v = 0; v < 3; v++) {
        long left = nr - 16 * v;
        masks[v] = left >= 16 ? (__mmask16)0xFFFF
            : left <= 0 ? (__mmask16)0 : (__mmask16)((1u << left) - 1);
    }
    for (int r = 0; r < mr; r++) {
        float *row = c + r * ldc;
        for (int v = 0; v < 3; v++) {
            __m512 x = acc[r][v];
            if (alpha != 1.0f) x = _mm512_mul_ps(x, va);
            if (nr == SWIFTCNN_NR_AVX512) {
                if (beta == 1.0f) x = _mm512_add_ps(x, _mm512_loadu_ps(row + 16 * v));
                else if (beta != 0.0f)
                    x = _mm512_fmadd_ps(vb, _mm512_loadu_ps(row + 16 * v), x);
                _mm512_storeu_ps(row + 16 * v, x);
            } else if (masks[v]) {
                if (beta == 1.0f)
                    x = _mm512_add_ps(x, _mm512_maskz_loadu_ps(masks[v], row + 16 * v));
                else if (beta != 0.0f)
                    x = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(masks[v], row + 16 * v), x);
                _mm512_mask_storeu_ps(row + 16 * v, masks[v], x);
            }
        }
    }
}

AVX512_TARGET void swiftcnn_kernel_avx512(
    int mr, long kc, const float *ap, const float *bp, float *c, long ldc, long nr,
    float alpha, float beta) {
    switch (mr) {
    case 8: avx512_body(8, kc, ap, bp, c, ldc, nr, alpha, beta); break;
    case 7: avx512_body(7, kc, ap, bp, c, ldc, nr, alpha, beta); break;
    case 6: avx512_body(6, kc, ap, bp, c, ldc, nr, alpha, beta); break;
    case 5: avx512_body(5, kc, ap, bp, c, ldc, nr, alpha, beta); break;
    case 4: avx512_body(4, kc, ap, bp, c, ldc, nr, alpha, beta); break;
    case 3: avx512_body(3, kc, ap, bp, c, ldc, nr, alpha, beta); break;
    case 2: avx512_body(2, kc, ap, bp, c, ldc, nr, alpha, beta); break;
    default: avx512_body(1, kc, ap, bp, c, ldc, nr, alpha, beta); break;
    }
}

// MARK: AVX2, 6 rows x 16 columns

AVX2_TARGET INLINE void avx2_body(
    const int mr, long kc, const float *ap, const float *bp, float *c, long ldc, long nr,
    float alpha, float beta) {
    __m256 acc[6][2];
    for (int r = 0; r < mr; r++) {
        acc[r][0] = _mm256_setzero_ps();
        acc[r][1] = _mm256_setzero_ps();
    }
    for (long p = 0; p < kc; p++) {
        const __m256 b0 = _mm256_load_ps(bp);
        const __m256 b1 = _mm256_load_ps(bp + 8);
        for (int r = 0; r < mr; r++) {
            const __m256 a = _mm256_broadcast_ss(ap + r);
            acc[r][0] = _mm256_fmadd_ps(a, b0, acc[r][0]);
            acc[r][1] = _mm256_fmadd_ps(a, b1, acc[r][1]);
        }
        ap += SWIFTCNN_MR_AVX2;
        bp += SWIFTCNN_NR_AVX2;
    }
    const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256i masks[2];
    for (int v = 0; v < 2; v++) {
        masks[v] = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(nr - 8 * v)), lanes);
    }
    for (int r = 0; r < mr; r++) {
        float *row = c + r * ldc;
        for (int v = 0; v < 2; v++) {
            __m256 x = acc[r][v];
            if (alpha != 1.0f) x = _mm256_mul_ps(x, va);
            if (nr == SWIFTCNN_NR_AVX2) {
                if (beta == 1.0f) x = _mm256_add_ps(x, _mm256_loadu_ps(row + 8 * v));
                else if (beta != 0.0f)
                    x = _mm256_fmadd_ps(vb, _mm256_loadu_ps(row + 8 * v), x);
                _mm256_storeu_ps(row + 8 * v, x);
            } else if (nr > 8 * v) {
                if (beta == 1.0f)
                    x = _mm256_add_ps(x, _mm256_maskload_ps(row + 8 * v, masks[v]));
                else if (beta != 0.0f)
                    x = _mm256_fmadd_ps(vb, _mm256_maskload_ps(row + 8 * v, masks[v]), x);
                _mm256_maskstore_ps(row + 8 * v, masks[v], x);
            }
        }
    }
}

AVX2_TARGET void swiftcnn_kernel_avx2(
    int mr, long kc, const float *ap, const float *bp, float *c, long ldc, long nr,
    float alpha, float beta) {
    switch (mr) {
    case 6: avx2_body(6, kc, ap, bp, c, ldc, nr, alpha, beta); break;
    case 5: avx2_body(5, kc, ap, bp, c, ldc, nr, alpha, beta); break;
    case 4: avx2_body(4, kc, ap, bp, c, ldc, nr, alpha, beta); break;
    case 3: avx2_body(3, kc, ap, bp, c, ldc, nr, alpha, beta); break;
    case 2: avx2_body(2, kc, ap, bp, c, ldc, nr, alpha, beta); break;
    default: avx2_body(1, kc, ap, bp, c, ldc, nr, alpha, beta); break;
    }
}

#else

void swiftcnn_kernel_avx512(
    int mr, long kc, const float *ap, const float *bp, float *c, long ldc, long nr,
    float alpha, float beta) {
    (void)mr; (void)kc; (void)ap; (void)bp; (void)c; (void)ldc; (void)nr; (void)alpha;
    (void)beta;
}

void swiftcnn_kernel_avx2(
    int mr, long kc, const float *ap, const float *bp, float *c, long ldc, long nr,
    float alpha, float beta) {
    (void)mr; (void)kc; (void)ap; (void)bp; (void)c; (void)ldc; (void)nr; (void)alpha;
    (void)beta;
}

#endif

// MARK: Portable, 4 rows x 16 columns

void swiftcnn_kernel_scalar(
    int mr, long kc, const float *ap, const float *bp, float *c, long ldc, long nr,
    float alpha, float beta) {
    float acc[SWIFTCNN_MR_SCALAR][SWIFTCNN_NR_SCALAR] = {{0}};
    for (long p = 0; p < kc; p++) {
        for (int r = 0; r < mr; r++) {
            const float a = ap[r];
            for (int t = 0; t < SWIFTCNN_NR_SCALAR; t++) acc[r][t] += a * bp[t];
        }
        ap += SWIFTCNN_MR_SCALAR;
        bp += SWIFTCNN_NR_SCALAR;
    }
    for (int r = 0; r < mr; r++) {
        float *row = c + r * ldc;
        for (long t = 0; t < nr; t++) {
            float x = alpha == 1.0f ? acc[r][t] : acc[r][t] * alpha;
            if (beta == 1.0f) x += row[t];
            else if (beta != 0.0f) x += beta * row[t];
            row[t] = x;
        }
    }
}
