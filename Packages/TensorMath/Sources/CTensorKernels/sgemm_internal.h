// Internal interface between the SGEMM driver (sgemm.c) and its micro-kernels
// (sgemm_kernels_*.c). Not part of the public header.
#ifndef SWIFTCNN_SGEMM_INTERNAL_H
#define SWIFTCNN_SGEMM_INTERNAL_H

/// One micro-kernel call: C[mr, nr] = alpha·Ap·Bp + beta·C, with Ap the packed A panel
/// (kc steps of MR scalars, rows ≥ mr unused) and Bp the packed B panel (kc steps of NR
/// scalars, columns ≥ nr zero). C is not read when beta == 0. Sums run over k in order.
typedef void (*swiftcnn_micro_kernel)(
    int mr, long kc, const float *ap, const float *bp, float *c, long ldc, long nr,
    float alpha, float beta);

/// Register blocks: AVX-512 8x48 (24 zmm accumulators), AVX2 6x16, portable 4x16.
enum {
    SWIFTCNN_MR_AVX512 = 8, SWIFTCNN_NR_AVX512 = 48,
    SWIFTCNN_MR_AVX2 = 6, SWIFTCNN_NR_AVX2 = 16,
    SWIFTCNN_MR_SCALAR = 4, SWIFTCNN_NR_SCALAR = 16,
};

void swiftcnn_kernel_avx512(
    int mr, long kc, const float *ap, const float *bp, float *c, long ldc, long nr,
    float alpha, float beta);
void swiftcnn_kernel_avx2(
    int mr, long kc, const float *ap, const float *bp, float *c, long ldc, long nr,
    float alpha, float beta);
void swiftcnn_kernel_scalar(
    int mr, long kc, const float *ap, const float *bp, float *c, long ldc, long nr,
    float alpha, float beta);

#endif
