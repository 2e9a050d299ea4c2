// SGEMM micro-kernels: AVX-512 (8x48), AVX2+FMA (6x16) and portable C (4x16). Each is
// specialized for every row count mr ≤ MR (a switch over always-inlined bodies), so edge
// panels cost no more than their rows. Columns beyond nr are computed (B is zero-padded)
// and masked off when storing.
#include "sgemm_internal.h"

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include "avx512_support.h"

#define AVX2_TARGET __attribute__((target("avx2,fma")))
#include "avx2_transpose.h"

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

// MARK: im2col panels

AVX512_TARGET int swiftcnn_pack_im2col_avx512(
    const swiftcnn_conv_shape *g, const float *input, long p0, long kc, long n0, long columns,
    float *dest) {
    enum { MAX_TAPS = 16, MAX_STEPS = 256, NR = SWIFTCNN_NR_AVX512 };
    if (g->kernel_height > MAX_TAPS || g->kernel_width > MAX_TAPS || kc > MAX_STEPS) return 0;
    const long plane = g->output_height * g->output_width;
    const long input_plane = g->height * g->width;
    const long taps = g->kernel_height * g->kernel_width;
    // Horizontal stride 1: a run of output pixels reads a run of input pixels. (Masked gathers,
    // and for stride 2 loads of twice the width with a permutation, measured slower than an
    // im2col matrix.)
    if (g->stride_width != 1) return 0;
    // Per column t: the input offset of tap (0, 0) relative to the panel's first sample, and
    // which taps read inside the input.
    const long first_sample = n0 / plane;
    const long last_sample = (n0 + columns - 1) / plane;
    if ((last_sample - first_sample + 1) * g->sample_stride > (1L << 30)) return 0;
    int32_t origin[NR] __attribute__((aligned(64)));
    unsigned long long row_mask[MAX_TAPS] = {0}, column_mask[MAX_TAPS] = {0};
    for (long t = 0; t < NR; t++) origin[t] = 0;
    // Column t is output pixel (oy, ox) of `sample`, stepped without divisions.
    long sample = n0 / plane, oy = (n0 % plane) / g->output_width;
    long ox = (n0 % plane) % g->output_width;
    for (long t = 0; t < columns; t++) {
        if (t > 0 && ++ox == g->output_width) {
            ox = 0;
            if (++oy == g->output_height) {
                oy = 0;
                sample++;
            }
        }
        const long iy0 = oy * g->stride_height - g->padding_height;
        const long ix0 = ox * g->stride_width - g->padding_width;
        origin[t] = (int32_t)((sample - first_sample) * g->sample_stride + iy0 * g->width + ix0);
        // Branch-free: (unsigned) x < n tests 0 ≤ x < n.
        for (long i = 0; i < g->kernel_height; i++) {
            const long iy = iy0 + i * g->dilation_height;
            row_mask[i] |= (unsigned long long)((unsigned long)iy < (unsigned long)g->height)
                << t;
        }
        for (long j = 0; j < g->kernel_width; j++) {
            const long ix = ix0 + j * g->dilation_width;
            column_mask[j] |= (unsigned long long)((unsigned long)ix < (unsigned long)g->width)
                << t;
        }
    }
    const float *base = input + first_sample * g->sample_stride;
    // Prefetch the input the panel after next reads, channel by channel (the loads below
    // would otherwise wait on memory one channel plane at a time; two panels ahead measured
    // better than one).
    {
        // That panel's first and last output pixels (within one sample) and the input rows
        // they read.
        const long next = n0 + columns + NR, sample = next / plane, pixel = next % plane;
        long last_pixel = pixel + NR - 1;
        if (last_pixel >= plane) last_pixel = plane - 1;
        long first = (pixel / g->output_width * g->stride_height - g->padding_height)
            * g->width;
        long last = (last_pixel / g->output_width * g->stride_height - g->padding_height
            + g->dilation_height * (g->kernel_height - 1) + 1) * g->width;
        if (first < 0) first = 0;
        if (last > input_plane) last = input_plane;
        const long c_end = (p0 + kc + taps - 1) / taps;
        const float *line0 = input + sample * g->sample_stride;
        for (long ch = p0 / taps; ch < c_end && ch < g->channels; ch++) {
            const float *line = line0 + ch * input_plane;
            for (long e = first; e < last; e += 16) {
                _mm_prefetch((const char *)(line + e), _MM_HINT_T0);
            }
        }
    }
    // Runs of lanes with consecutive origins (one output row, or for same convolutions one
    // sample) read base + origin[t0] + (t − t0) + offset: one masked load per run. Run q of
    // vector v covers the lanes segment_lanes[v][q] and starts, for lane 0, at
    // base + segment_origin[v][q] + offset.
    __mmask16 segment_lanes[3][16];
    long segment_origin[3][16];
    int segment_count[3] = {0, 0, 0};
    for (int v = 0; v < 3; v++) {
        const long end = 16 * v + 16 < columns ? 16 * v + 16 : columns;
        for (long t = 16 * v; t < end;) {
            long length = 1;
            while (t + length < end && origin[t + length] == origin[t] + length) length++;
            const int q = segment_count[v]++;
            segment_lanes[v][q] = (__mmask16)((((1u << length) - 1) << (t - 16 * v)) & 0xFFFF);
            segment_origin[v][q] = origin[t] - (t - 16 * v);
            t += length;
        }
    }
    // Each step's tap (i, j) and input offset, then vector by vector, run by run, a tight
    // loop over the steps.
    long offsets[MAX_STEPS];
    unsigned char tap_row[MAX_STEPS], tap_column[MAX_STEPS];
    long c = p0 / taps, i = (p0 % taps) / g->kernel_width, j = p0 % g->kernel_width;
    for (long p = 0; p < kc; p++) {
        offsets[p] = c * input_plane + i * g->dilation_height * g->width
            + j * g->dilation_width;
        tap_row[p] = (unsigned char)i;
        tap_column[p] = (unsigned char)j;
        if (++j == g->kernel_width) {
            j = 0;
            if (++i == g->kernel_height) {
                i = 0;
                c++;
            }
        }
    }
    for (int v = 0; v < 3; v++) {
        float *target = dest + 16 * v;
        if (segment_count[v] <= 1) {
            // The common case: one run (a zero mask reads nothing).
            const __mmask16 run = segment_count[v] ? segment_lanes[v][0] : 0;
            const float *start = base + (segment_count[v] ? segment_origin[v][0] : 0);
            for (long p = 0; p < kc; p++) {
                const __mmask16 mask = (__mmask16)(
                    (row_mask[tap_row[p]] & column_mask[tap_column[p]]) >> (16 * v)) & run;
                _mm512_store_ps(
                    target + p * NR, _mm512_maskz_loadu_ps(mask, start + offsets[p]));
            }
            continue;
        }
        for (long p = 0; p < kc; p++) {
            const __mmask16 mask = (__mmask16)(
                (row_mask[tap_row[p]] & column_mask[tap_column[p]]) >> (16 * v));
            __m512 x = _mm512_setzero_ps();
            for (int q = 0; q < segment_count[v]; q++) {
                x = _mm512_mask_loadu_ps(
                    x, mask & segment_lanes[v][q], base + segment_origin[v][q] + offsets[p]);
            }
            _mm512_store_ps(target + p * NR, x);
        }
    }
    return 1;
}

// MARK: Stride-2 rows (col2im)

/// Bits 0…7 of `bits` moved to bits 0, 2, …, 14.
INLINE unsigned spread_even(unsigned bits) {
    bits = (bits | (bits << 4)) & 0x0F0F;
    bits = (bits | (bits << 2)) & 0x3333;
    bits = (bits | (bits << 1)) & 0x5555;
    return bits;
}

AVX512_TARGET void swiftcnn_scatter_add_even_rows_avx512(
    float *target, long target_step, const float *source, long source_step, long rows,
    long count) {
    const __m512i low_index = _mm512_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
    const __m512i high_index = _mm512_setr_epi32(
        8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15);
    for (long r = 0; r < rows; r++) {
        float *out = target + r * target_step;
        const float *in = source + r * source_step;
        for (long t = 0; t < count; t += 16) {
            const long left = count - t;
            const unsigned lanes = left >= 16 ? 0xFFFFu : (1u << left) - 1;
            const __mmask16 low_mask = (__mmask16)spread_even(lanes & 0xFF);
            const __mmask16 high_mask = (__mmask16)spread_even(lanes >> 8);
            const __m512 x = _mm512_maskz_loadu_ps((__mmask16)lanes, in + t);
            float *low = out + 2 * t, *high = out + 2 * t + 16;
            _mm512_mask_storeu_ps(low, low_mask, _mm512_add_ps(
                _mm512_maskz_loadu_ps(low_mask, low), _mm512_permutexvar_ps(low_index, x)));
            if (high_mask) {
                _mm512_mask_storeu_ps(high, high_mask, _mm512_add_ps(
                    _mm512_maskz_loadu_ps(high_mask, high),
                    _mm512_permutexvar_ps(high_index, x)));
            }
        }
    }
}

// MARK: Row copies (packing)

AVX512_TARGET void swiftcnn_copy_rows_avx512(
    const float *source, long ld, long columns, long kc, int width, float *dest) {
    (void)width;  // SWIFTCNN_NR_AVX512
    if (columns == SWIFTCNN_NR_AVX512) {
        for (long p = 0; p < kc; p++) {
            const float *row = source + p * ld;
            float *target = dest + p * SWIFTCNN_NR_AVX512;
            _mm512_store_ps(target, _mm512_loadu_ps(row));
            _mm512_store_ps(target + 16, _mm512_loadu_ps(row + 16));
            _mm512_store_ps(target + 32, _mm512_loadu_ps(row + 32));
        }
        return;
    }
    __mmask16 masks[3];
    for (int v = 0; v < 3; v++) {
        long left = columns - 16 * v;
        masks[v] = left >= 16 ? (__mmask16)0xFFFF
            : left <= 0 ? (__mmask16)0 : (__mmask16)((1u << left) - 1);
    }
    for (long p = 0; p < kc; p++) {
        const float *row = source + p * ld;
        float *target = dest + p * SWIFTCNN_NR_AVX512;
        for (int v = 0; v < 3; v++) {
            _mm512_store_ps(target + 16 * v, _mm512_maskz_loadu_ps(masks[v], row + 16 * v));
        }
    }
}

// MARK: Interleaving (packing) with 8x8 transposes


/// One step's six values of a 6-row panel from a transposed row `v` (lanes 6 and 7 unused):
/// an 8-lane store where the next step's store follows and overwrites its last two lanes,
/// else 4 + 2 lanes.
AVX2_TARGET INLINE void store_step6(float *dest, __m256 v, int last) {
    if (!last) {
        _mm256_storeu_ps(dest, v);
        return;
    }
    const __m128 low = _mm256_castps256_ps128(v);
    _mm_storeu_ps(dest, low);
    _mm_storel_pi((__m64 *)(dest + 4), _mm256_extractf128_ps(v, 1));
}

/// Steps p .. p + 7 of a whole 6-row panel (AVX2's MR): the 8x8 transpose of six rows and two
/// zero rows, each step's six values stored one after the other.
AVX2_TARGET INLINE void transpose6(const float *source, long ld, float *dest) {
    __m256 r[8];
    for (int i = 0; i < 6; i++) r[i] = _mm256_loadu_ps(source + i * ld);
    r[6] = r[7] = _mm256_setzero_ps();
    transpose8_registers(r);
    for (int i = 0; i < 8; i++) store_step6(dest + i * 6, r[i], i == 7);
}

AVX2_TARGET void swiftcnn_interleave_avx2(
    const float *source, long ld, long rows, long kc, int width, float *dest) {
    if (rows == 6 && width == 6) {
        // A whole panel of AVX2's A (8-row blocks below never apply to it).
        long p = 0;
        for (; p + 8 <= kc; p += 8) transpose6(source + p, ld, dest + p * 6);
        for (; p < kc; p++) {
            for (long q = 0; q < 6; q++) dest[p * 6 + q] = source[q * ld + p];
        }
        return;
    }
    long r = 0;
    for (; r + 8 <= rows; r += 8) {
        const float *block = source + r * ld;
        long p = 0;
        for (; p + 8 <= kc; p += 8) transpose8(block + p, ld, dest + p * width + r, width);
        for (; p < kc; p++) {
            for (long q = 0; q < 8; q++) dest[p * width + r + q] = block[q * ld + p];
        }
    }
    for (; r < rows; r++) {
        const float *line = source + r * ld;
        for (long p = 0; p < kc; p++) dest[p * width + r] = line[p];
    }
}

/// B's rows into 16-wide panels (AVX2's NR), whole vectors where the panel is full.
AVX2_TARGET void swiftcnn_copy_rows_avx2(
    const float *source, long ld, long columns, long kc, int width, float *dest) {
    if (columns != SWIFTCNN_NR_AVX2 || width != SWIFTCNN_NR_AVX2) {
        swiftcnn_copy_rows_scalar(source, ld, columns, kc, width, dest);
        return;
    }
    for (long p = 0; p < kc; p++) {
        const float *row = source + p * ld;
        float *target = dest + p * SWIFTCNN_NR_AVX2;
        _mm256_storeu_ps(target, _mm256_loadu_ps(row));
        _mm256_storeu_ps(target + 8, _mm256_loadu_ps(row + 8));
    }
}

#else

void swiftcnn_copy_rows_avx2(
    const float *source, long ld, long columns, long kc, int width, float *dest) {
    swiftcnn_copy_rows_scalar(source, ld, columns, kc, width, dest);
}

void swiftcnn_scatter_add_even_rows_avx512(
    float *target, long target_step, const float *source, long source_step, long rows,
    long count) {
    for (long r = 0; r < rows; r++) {
        for (long t = 0; t < count; t++) {
            target[r * target_step + 2 * t] += source[r * source_step + t];
        }
    }
}

void swiftcnn_copy_rows_avx512(
    const float *source, long ld, long columns, long kc, int width, float *dest) {
    swiftcnn_copy_rows_scalar(source, ld, columns, kc, width, dest);
}

int swiftcnn_pack_im2col_avx512(
    const swiftcnn_conv_shape *g, const float *input, long p0, long kc, long n0, long columns,
    float *dest) {
    (void)g; (void)input; (void)p0; (void)kc; (void)n0; (void)columns; (void)dest;
    return 0;
}

void swiftcnn_interleave_avx2(
    const float *source, long ld, long rows, long kc, int width, float *dest) {
    swiftcnn_interleave_scalar(source, ld, rows, kc, width, dest);
}

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

void swiftcnn_interleave_scalar(
    const float *source, long ld, long rows, long kc, int width, float *dest) {
    for (long r = 0; r < rows; r++) {
        const float *line = source + r * ld;
        for (long p = 0; p < kc; p++) dest[p * width + r] = line[p];
    }
}

void swiftcnn_copy_rows_scalar(
    const float *source, long ld, long columns, long kc, int width, float *dest) {
    for (long p = 0; p < kc; p++) {
        const float *row = source + p * ld;
        float *target = dest + p * width;
        for (long t = 0; t < columns; t++) target[t] = row[t];
        for (long t = columns; t < width; t++) target[t] = 0;
    }
}
