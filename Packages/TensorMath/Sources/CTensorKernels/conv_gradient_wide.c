// Convolution weight gradient with output channels in the vectors, for layers with
// many output channels: dWᵀ[c, i, j][o] = Σ_n Σ_(oy, ox) dYᵀ[n][oy, ox][o] ·
// Xp[n][c][oy·sh + i·dh][ox·sw + j], where Xp is the input with its zero padding written out
// and dYᵀ the output gradient transposed to pixel-major order. Each pixel is one step of a
// register tile of (16-channel vectors of o) x (channels c) x (taps j of one kernel row): the
// tile loads its dYᵀ vectors once per pixel and broadcasts input pixels straight from Xp, so
// it needs no masks, no packing and no sums across lanes. The tiles are in direct_kernels.h
// (one instance per instruction set); this file holds the copies they read.
#include "direct_internal.h"

#include <string.h>

void swiftcnn_pad_planes(
    const float *source, long planes, long rows, long width, long top, long left,
    long padded_rows, long padded_width, float *dest) {
    const long plane = padded_rows * padded_width;
    for (long p = 0; p < planes; p++) {
        float *target = dest + p * plane;
        memset(target, 0, (size_t)(top * padded_width) * sizeof(float));
        for (long y = 0; y < rows; y++) {
            float *line = target + (top + y) * padded_width;
            memset(line, 0, (size_t)left * sizeof(float));
            memcpy(line + left, source + (p * rows + y) * width, (size_t)width * sizeof(float));
            memset(line + left + width, 0,
                (size_t)(padded_width - left - width) * sizeof(float));
        }
        memset(target + (top + rows) * padded_width, 0,
            (size_t)((padded_rows - top - rows) * padded_width) * sizeof(float));
    }
}

static void transpose_planes_scalar(
    const float *source, long channels, long pixels, long padded_channels, float *dest) {
    // Blocks of 16 pixels x every channel, so that writes stay within a few cache lines.
    for (long q0 = 0; q0 < pixels; q0 += 16) {
        const long q1 = q0 + 16 < pixels ? q0 + 16 : pixels;
        for (long c = 0; c < channels; c++) {
            const float *row = source + c * pixels;
            for (long q = q0; q < q1; q++) dest[q * padded_channels + c] = row[q];
        }
        for (long q = q0; q < q1; q++) {
            for (long c = channels; c < padded_channels; c++) dest[q * padded_channels + c] = 0;
        }
    }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include "avx512_support.h"

enum { LANES = 16 };

/// Transposes a 16 x 16 block in registers: row r, lane l becomes row l, lane r.
AVX512_TARGET static inline void transpose16(__m512 r[16]) {
    __m512 t[16];
    for (int i = 0; i < 8; i++) {
        t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    // Within each 128-bit lane: rows 4i..4i+3 of one column per vector.
    for (int i = 0; i < 4; i++) {
        r[4 * i] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], 0x44);
        r[4 * i + 1] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], 0xEE);
        r[4 * i + 2] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0x44);
        r[4 * i + 3] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0xEE);
    }
    // Gather the 128-bit lanes: vector k of group i holds column 4·lane + k of rows 4i..4i+3.
    for (int k = 0; k < 4; k++) {
        t[k] = _mm512_shuffle_f32x4(r[k], r[4 + k], 0x88);
        t[4 + k] = _mm512_shuffle_f32x4(r[k], r[4 + k], 0xDD);
        t[8 + k] = _mm512_shuffle_f32x4(r[8 + k], r[12 + k], 0x88);
        t[12 + k] = _mm512_shuffle_f32x4(r[8 + k], r[12 + k], 0xDD);
    }
    for (int k = 0; k < 4; k++) {
        r[k] = _mm512_shuffle_f32x4(t[k], t[8 + k], 0x88);
        r[8 + k] = _mm512_shuffle_f32x4(t[k], t[8 + k], 0xDD);
        r[4 + k] = _mm512_shuffle_f32x4(t[4 + k], t[12 + k], 0x88);
        r[12 + k] = _mm512_shuffle_f32x4(t[4 + k], t[12 + k], 0xDD);
    }
}

AVX512_TARGET static void transpose_planes_avx512(
    const float *source, long channels, long pixels, long padded_channels, float *dest) {
    for (long q0 = 0; q0 < pixels; q0 += LANES) {
        const __mmask16 columns = swiftcnn_lanes_below(pixels - q0);
        const long rows_out = pixels - q0 < LANES ? pixels - q0 : LANES;
        for (long c0 = 0; c0 < padded_channels; c0 += LANES) {
            __m512 r[16];
            for (int i = 0; i < 16; i++) {
                r[i] = c0 + i < channels
                    ? _mm512_maskz_loadu_ps(columns, source + (c0 + i) * pixels + q0)
                    : _mm512_setzero_ps();
            }
            transpose16(r);
            for (long i = 0; i < rows_out; i++) {
                _mm512_storeu_ps(dest + (q0 + i) * padded_channels + c0, r[i]);
            }
        }
    }
}

#include "avx2_transpose.h"

/// The scalar loop's result with 8 x 8 blocks transposed in registers; blocks cut by the last
/// channel or pixel, and the padding channels, element by element.
AVX2_TARGET static void transpose_planes_avx2(
    const float *source, long channels, long pixels, long padded_channels, float *dest) {
    for (long q0 = 0; q0 < pixels; q0 += 8) {
        for (long c0 = 0; c0 < padded_channels; c0 += 8) {
            if (q0 + 8 <= pixels && c0 + 8 <= channels) {
                transpose8(source + c0 * pixels + q0, pixels, dest + q0 * padded_channels + c0,
                    padded_channels);
                continue;
            }
            for (long q = q0; q < q0 + 8 && q < pixels; q++) {
                for (long c = c0; c < c0 + 8; c++) {
                    dest[q * padded_channels + c] = c < channels ? source[c * pixels + q] : 0;
                }
            }
        }
    }
}

#endif

void swiftcnn_transpose_planes(
    int level, const float *source, long channels, long pixels, long padded_channels,
    float *dest) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (level >= 2 && padded_channels % LANES == 0) {
        transpose_planes_avx512(source, channels, pixels, padded_channels, dest);
        return;
    }
    if (level == 1 && padded_channels % 8 == 0) {
        transpose_planes_avx2(source, channels, pixels, padded_channels, dest);
        return;
    }
#endif
    (void)level;
    transpose_planes_scalar(source, channels, pixels, padded_channels, dest);
}

int swiftcnn_weight_gradient_wide_supports(long kernel_width, long dilation_width) {
    return dilation_width == 1 && (kernel_width == 1 || kernel_width == 3 || kernel_width == 5);
}

void swiftcnn_weight_gradient_wide(
    int level, const swiftcnn_wide_gradient_shape *g, long samples, const float *padded,
    long padded_sample, const float *zero, const float *gradient_t, long gradient_t_sample,
    float *dwt, int accumulate) {
    SWIFTCNN_DISPATCH(level, swiftcnn_weight_gradient_wide, g, samples, padded, padded_sample,
        zero, gradient_t, gradient_t_sample, dwt, accumulate);
}
