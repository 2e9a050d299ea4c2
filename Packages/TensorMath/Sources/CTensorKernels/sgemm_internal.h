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

/// Interleaves `rows` (≤ width) vectors of `kc` scalars, vector r at source + r·ld, into a
/// panel of `width` scalars per step: dest[p·width + r] = source[r·ld + p]; the entries for
/// rows ≥ `rows` are not written (B panels zero them, A panels need not). Packs A panels
/// (untransposed A) and B panels (transposed B).
void swiftcnn_interleave_avx2(
    const float *source, long ld, long rows, long kc, int width, float *dest);
void swiftcnn_interleave_scalar(
    const float *source, long ld, long rows, long kc, int width, float *dest);

/// Copies `kc` rows of `columns` (≤ width) scalars, row p at source + p·ld, into a panel of
/// `width` scalars per row (zero beyond `columns`): packs B panels (untransposed B).
/// The AVX-512 version handles width 48 only; the AVX2 version copies full 16-wide panels in
/// vectors and passes the others to the scalar one.
void swiftcnn_copy_rows_avx2(
    const float *source, long ld, long columns, long kc, int width, float *dest);
void swiftcnn_copy_rows_avx512(
    const float *source, long ld, long columns, long kc, int width, float *dest);
void swiftcnn_copy_rows_scalar(
    const float *source, long ld, long columns, long kc, int width, float *dest);

#include "tensor_kernels.h"

#include <stddef.h>

/// Per-thread scratch memory, one buffer per slot so that kernels using different slots never
/// share one.
enum {
    SWIFTCNN_BUFFER_GEMM = 0,
    SWIFTCNN_BUFFER_DIRECT = 1,
    SWIFTCNN_BUFFER_WINOGRAD = 2,
    SWIFTCNN_BUFFER_SLOTS = 3,
};

/// The calling thread's buffer for `slot`, at least `count` floats, 64-byte aligned (NULL
/// when out of memory). Kept for the thread's life (contents are not preserved when it
/// grows), freed when the thread exits.
float *swiftcnn_thread_buffer(int slot, size_t count);

/// Packs an NR-wide (48) AVX-512 B panel of the im2col matrix straight from the input with
/// masked loads: k steps p0..<p0+kc, columns n0..<n0+columns (≤ 48). Only for horizontal
/// stride 1; returns 0 (packing nothing) for others, for kernels larger than 16x16 or when
/// offsets would overflow 32 bits: the caller then packs the generic way.
int swiftcnn_pack_im2col_avx512(
    const swiftcnn_conv_shape *g, const float *input, long p0, long kc, long n0, long columns,
    float *dest);

#endif
