// Convolution weight gradient with output channels in the vectors (AVX-512), for layers with
// many output channels: dWᵀ[c, i, j][o] = Σ_n Σ_(oy, ox) dYᵀ[n][oy, ox][o] ·
// Xp[n][c][oy·sh + i·dh][ox·sw + j], where Xp is the input with its zero padding written out
// and dYᵀ the output gradient transposed to pixel-major order. Each pixel is one step of a
// register tile of (16-channel vectors of o) x (channels c) x (taps j of one kernel row): the
// tile loads its dYᵀ vectors once per pixel and broadcasts input pixels straight from Xp, so
// it needs no masks, no packing and no sums across lanes.
#include "tensor_kernels.h"

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

enum { LANES = 16, MAX_OV = 4, MAX_NC = 8, MAX_KW = 5 };

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

AVX512_TARGET void swiftcnn_transpose_planes(
    const float *source, long channels, long pixels, long padded_channels, float *dest) {
    if (padded_channels % LANES != 0) {
        transpose_planes_scalar(source, channels, pixels, padded_channels, dest);
        return;
    }
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

/// Channels per tile for `ov` output vectors and `kw` taps: about 24 accumulators.
static inline int tile_channels(int ov, int kw) {
    int nc = 24 / (ov * kw);
    if (nc < 1) nc = 1;
    return nc > MAX_NC ? MAX_NC : nc;
}

/// One tile over every pixel of `samples` samples: output vectors o0.., channels c0.. (`nc`,
/// those ≥ channels read `zero`, a zero plane, and are not stored), taps (i, 0..<kw).
AVX512_TARGET INLINE void wide_tile(
    const int ov, const int kw, const int nc, const swiftcnn_wide_gradient_shape *g, long o0,
    long i, long c0, long samples, const float *padded, long padded_sample,
    const float *zero, const float *gradient_t, long gradient_t_sample, float *dwt,
    int first) {
    __m512 acc[MAX_NC][MAX_KW][MAX_OV];
    const long width = g->output_vectors * LANES;
    const long kh = g->kernel_height, channels = g->channels;
    for (int a = 0; a < nc; a++) {
        for (int j = 0; j < kw; j++) {
            const float *row = dwt + (((c0 + a) * kh + i) * kw + j) * width + o0 * LANES;
            for (int v = 0; v < ov; v++) {
                acc[a][j][v] = first || c0 + a >= channels ? _mm512_setzero_ps()
                    : _mm512_loadu_ps(row + v * LANES);
            }
        }
    }
    const long plane = g->padded_rows * g->padded_width;
    const long row_step = g->stride_height * g->padded_width, sw = g->stride_width;
    for (long n = 0; n < samples; n++) {
        const float *base[MAX_NC];
        for (int a = 0; a < nc; a++) {
            base[a] = c0 + a < channels
                ? padded + n * padded_sample + (c0 + a) * plane
                    + i * g->dilation_height * g->padded_width
                : zero;
        }
        const float *d = gradient_t + n * gradient_t_sample + o0 * LANES;
        for (long oy = 0; oy < g->out_rows; oy++) {
            long index = oy * row_step;
            for (long ox = 0; ox < g->out_width; ox++, index += sw, d += width) {
                __m512 dy[MAX_OV];
                for (int v = 0; v < ov; v++) dy[v] = _mm512_loadu_ps(d + v * LANES);
                for (int a = 0; a < nc; a++) {
                    for (int j = 0; j < kw; j++) {
                        const __m512 x = _mm512_set1_ps(base[a][index + j]);
                        for (int v = 0; v < ov; v++) {
                            acc[a][j][v] = _mm512_fmadd_ps(x, dy[v], acc[a][j][v]);
                        }
                    }
                }
            }
        }
    }
    for (int a = 0; a < nc; a++) {
        if (c0 + a >= channels) break;
        for (int j = 0; j < kw; j++) {
            float *row = dwt + (((c0 + a) * kh + i) * kw + j) * width + o0 * LANES;
            for (int v = 0; v < ov; v++) _mm512_storeu_ps(row + v * LANES, acc[a][j][v]);
        }
    }
}

#define WIDE_CASE(OV, KW)                                                                   \
    case (OV) * 8 + (KW):                                                                  \
        wide_tile(OV, KW, tile_channels(OV, KW), g, o0, i, c0, samples, padded,             \
            padded_sample, zero, gradient_t, gradient_t_sample, dwt, first);                \
        break;

AVX512_TARGET static void wide_dispatch(
    int ov, int kw, const swiftcnn_wide_gradient_shape *g, long o0, long i, long c0,
    long samples, const float *padded, long padded_sample, const float *zero,
    const float *gradient_t, long gradient_t_sample, float *dwt, int first) {
    switch (ov * 8 + kw) {
        WIDE_CASE(4, 1) WIDE_CASE(4, 3) WIDE_CASE(4, 5)
        WIDE_CASE(3, 1) WIDE_CASE(3, 3) WIDE_CASE(3, 5)
        WIDE_CASE(2, 1) WIDE_CASE(2, 3) WIDE_CASE(2, 5)
        WIDE_CASE(1, 1) WIDE_CASE(1, 3) WIDE_CASE(1, 5)
    default: break;
    }
}

int swiftcnn_weight_gradient_wide_supports(long kernel_width, long dilation_width) {
    return dilation_width == 1 && (kernel_width == 1 || kernel_width == 3 || kernel_width == 5);
}

AVX512_TARGET void swiftcnn_weight_gradient_wide(
    const swiftcnn_wide_gradient_shape *g, long samples, const float *padded,
    long padded_sample, const float *zero, const float *gradient_t, long gradient_t_sample,
    float *dwt, int accumulate) {
    const int kw = (int)g->kernel_width;
    for (long o0 = 0; o0 < g->output_vectors; o0 += MAX_OV) {
        const int ov = (int)(g->output_vectors - o0 < MAX_OV ? g->output_vectors - o0 : MAX_OV);
        const int nc = tile_channels(ov, kw);
        for (long i = 0; i < g->kernel_height; i++) {
            for (long c0 = 0; c0 < g->channels; c0 += nc) {
                wide_dispatch(ov, kw, g, o0, i, c0, samples, padded, padded_sample, zero,
                    gradient_t, gradient_t_sample, dwt, !accumulate);
            }
        }
    }
}

#else

void swiftcnn_transpose_planes(
    const float *source, long channels, long pixels, long padded_channels, float *dest) {
    transpose_planes_scalar(source, channels, pixels, padded_channels, dest);
}

int swiftcnn_weight_gradient_wide_supports(long kernel_width, long dilation_width) {
    return 0;
}

void swiftcnn_weight_gradient_wide(
    const swiftcnn_wide_gradient_shape *g, long samples, const float *padded,
    long padded_sample, const float *zero, const float *gradient_t, long gradient_t_sample,
    float *dwt, int accumulate) {}

#endif
