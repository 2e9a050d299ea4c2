// Direct convolution kernels (AVX-512): convolutions computed straight from the input planes,
// without an im2col matrix or packed GEMM panels.
//
// Output pixels are flattened (q = oy·width + ox) and taken 16 at a time into one zmm vector.
// Because source planes have the output's width, tap t of pixel q sits at q + offset[t] in
// its source plane; a precomputed 16-bit mask per (tap, vector) zeroes the lanes whose source
// pixel lies in the padding (masked loads never fault on masked-off lanes). A register tile
// holds 8 output channels x 3 vectors (48 pixels); weights are broadcast from a packed copy.
// The weight gradient uses the same addressing with the roles turned around: its tile holds
// 8 output channels x 3 (channel, tap) pairs, each a 16-lane partial sum over pixels.
#include "tensor_kernels.h"

#include <stdint.h>

enum { MR = SWIFTCNN_DIRECT_BLOCK, NV = 3, LANES = 16 };

static long vector_count(const swiftcnn_direct_shape *g) {
    return (g->out_rows * g->width + LANES - 1) / LANES;
}

long swiftcnn_direct_vector_count(const swiftcnn_direct_shape *g) { return vector_count(g); }

void swiftcnn_direct_masks(const swiftcnn_direct_shape *g, uint16_t *masks) {
    const long pixels = g->out_rows * g->width, vectors = vector_count(g);
    for (long t = 0; t < g->taps; t++) {
        const long dy = g->tap_row[t], dx = g->tap_column[t];
        for (long v = 0; v < vectors; v++) {
            uint16_t mask = 0;
            for (int lane = 0; lane < LANES; lane++) {
                const long q = v * LANES + lane;
                if (q >= pixels) break;
                const long y = q / g->width + dy, x = q % g->width + dx;
                if (y >= 0 && y < g->source_rows && x >= 0 && x < g->width) {
                    mask |= (uint16_t)(1u << lane);
                }
            }
            masks[t * vectors + v] = mask;
        }
    }
}

void swiftcnn_direct_pack_weights(
    long outputs, long channels, long taps, const float *weight, long output_stride,
    long channel_stride, const long *tap_index, float *dest) {
    const long blocks = (outputs + MR - 1) / MR;
    for (long b = 0; b < blocks; b++) {
        for (long t = 0; t < taps; t++) {
            for (long c = 0; c < channels; c++) {
                float *target = dest + ((b * taps + t) * channels + c) * MR;
                for (long r = 0; r < MR; r++) {
                    const long o = b * MR + r;
                    target[r] = o < outputs
                        ? weight[o * output_stride + c * channel_stride + tap_index[t]] : 0.0f;
                }
            }
        }
    }
}

void swiftcnn_direct_split_phases(
    const float *input, long channels, long height, long width, long stride_height,
    long stride_width, long phase_rows, long phase_width, float *dest) {
    const long plane = phase_rows * phase_width;
    for (long c = 0; c < channels; c++) {
        const float *source = input + c * height * width;
        for (long a = 0; a < stride_height; a++) {
            for (long b = 0; b < stride_width; b++) {
                float *target = dest + (c * stride_height * stride_width
                    + a * stride_width + b) * plane;
                for (long y = 0; y < phase_rows; y++) {
                    const long iy = y * stride_height + a;
                    float *row = target + y * phase_width;
                    if (iy >= height) {
                        for (long x = 0; x < phase_width; x++) row[x] = 0.0f;
                        continue;
                    }
                    const float *line = source + iy * width + b;
                    for (long x = 0; x < phase_width; x++) {
                        const long ix = x * stride_width + b;
                        row[x] = ix < width ? line[x * stride_width] : 0.0f;
                    }
                }
            }
        }
    }
}

void swiftcnn_direct_merge_phases(
    const float *phases, long channels, long height, long width, long stride_height,
    long stride_width, long phase_rows, long phase_width, float *output) {
    const long plane = phase_rows * phase_width;
    for (long c = 0; c < channels; c++) {
        float *target = output + c * height * width;
        for (long a = 0; a < stride_height; a++) {
            for (long b = 0; b < stride_width; b++) {
                const float *source = phases + (c * stride_height * stride_width
                    + a * stride_width + b) * plane;
                for (long y = 0; y * stride_height + a < height && y < phase_rows; y++) {
                    float *line = target + (y * stride_height + a) * width + b;
                    const float *row = source + y * phase_width;
                    for (long x = 0; x * stride_width + b < width && x < phase_width; x++) {
                        line[x * stride_width] = row[x];
                    }
                }
            }
        }
    }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define AVX512_TARGET __attribute__((target("avx512f,avx512vl,fma")))
#define INLINE static inline __attribute__((always_inline))

static inline __mmask16 tail_mask(long left) {
    return left >= LANES ? (__mmask16)0xFFFF : left <= 0 ? 0 : (__mmask16)((1u << left) - 1);
}

// MARK: Forward

/// One tile: `mr` output channels x `nv` vectors starting at vector v0.
AVX512_TARGET INLINE void forward_tile(
    const int mr, const int nv, const swiftcnn_direct_shape *g, const uint16_t *masks,
    long vectors, long v0, const float *packed, const float *bias, const float *source,
    float *output, long output_stride) {
    __m512 acc[MR][NV];
    for (int r = 0; r < mr; r++) {
        const __m512 start = bias ? _mm512_set1_ps(bias[r]) : _mm512_setzero_ps();
        for (int v = 0; v < nv; v++) acc[r][v] = start;
    }
    const long q0 = v0 * LANES, channels = g->channels, cs = g->channel_stride;
    for (long t = 0; t < g->taps; t++) {
        const uint16_t *m = masks + t * vectors + v0;
        const __mmask16 m0 = m[0], m1 = nv > 1 ? m[1] : 0, m2 = nv > 2 ? m[2] : 0;
        const float *s = source + q0 + g->tap_offset[t];
        const float *w = packed + t * channels * MR;
        for (long c = 0; c < channels; c++) {
            __m512 x[NV];
            x[0] = _mm512_maskz_loadu_ps(m0, s);
            if (nv > 1) x[1] = _mm512_maskz_loadu_ps(m1, s + LANES);
            if (nv > 2) x[2] = _mm512_maskz_loadu_ps(m2, s + 2 * LANES);
            for (int r = 0; r < mr; r++) {
                const __m512 a = _mm512_set1_ps(w[r]);
                for (int v = 0; v < nv; v++) acc[r][v] = _mm512_fmadd_ps(a, x[v], acc[r][v]);
            }
            s += cs;
            w += MR;
        }
    }
    const long pixels = g->out_rows * g->width;
    for (int r = 0; r < mr; r++) {
        float *row = output + r * output_stride + q0;
        for (int v = 0; v < nv; v++) {
            const long left = pixels - q0 - v * LANES;
            if (left >= LANES) _mm512_storeu_ps(row + v * LANES, acc[r][v]);
            else _mm512_mask_storeu_ps(row + v * LANES, tail_mask(left), acc[r][v]);
        }
    }
}

#define FORWARD_CASE(MRV, NVV)                                                              \
    case (MRV) * 4 + (NVV):                                                                \
        forward_tile(MRV, NVV, g, masks, vectors, v, packed, bias, source, output, ostride); \
        break;
#define FORWARD_ROW(MRV) FORWARD_CASE(MRV, 1) FORWARD_CASE(MRV, 2) FORWARD_CASE(MRV, 3)

AVX512_TARGET static void forward_dispatch(
    int mr, int nv, const swiftcnn_direct_shape *g, const uint16_t *masks, long vectors,
    long v, const float *packed, const float *bias, const float *source, float *output,
    long ostride) {
    switch (mr * 4 + nv) {
        FORWARD_ROW(8) FORWARD_ROW(7) FORWARD_ROW(6) FORWARD_ROW(5)
        FORWARD_ROW(4) FORWARD_ROW(3) FORWARD_ROW(2) FORWARD_ROW(1)
    default: break;
    }
}

void swiftcnn_direct_forward(
    const swiftcnn_direct_shape *g, const uint16_t *masks, long outputs, const float *packed,
    const float *bias, const float *source, float *output, long output_stride,
    long first_vector, long vector_span) {
    const long vectors = vector_count(g);
    const long end = first_vector + vector_span < vectors ? first_vector + vector_span : vectors;
    const long block_size = g->taps * g->channels * MR;
    for (long v = first_vector; v < end; v += NV) {
        const int nv = (int)(end - v < NV ? end - v : NV);
        for (long o = 0; o < outputs; o += MR) {
            const int mr = (int)(outputs - o < MR ? outputs - o : MR);
            forward_dispatch(mr, nv, g, masks, vectors, v, packed + (o / MR) * block_size,
                bias ? bias + o : NULL, source, output + o * output_stride, output_stride);
        }
    }
}

// MARK: Weight gradient

/// One tile of the weight gradient: `mr` output channels x `kn` consecutive (channel, tap)
/// pairs starting at k0 = c·taps + t, summed over every pixel of `samples` samples.
AVX512_TARGET INLINE void gradient_tile(
    const int mr, const int kn, const swiftcnn_direct_shape *g, const uint16_t *masks,
    long vectors, long k0, long samples, const float *source, long source_sample,
    const float *gradient, long gradient_sample, long gradient_stride, float *dw,
    long dw_stride, int accumulate) {
    __m512 acc[MR][NV];
    for (int r = 0; r < mr; r++)
        for (int j = 0; j < kn; j++) acc[r][j] = _mm512_setzero_ps();
    const long pixels = g->out_rows * g->width;
    long offset[NV];
    const uint16_t *mask_row[NV];
    for (int j = 0; j < kn; j++) {
        const long k = k0 + j, c = k / g->taps, t = k % g->taps;
        offset[j] = c * g->channel_stride + g->tap_offset[t];
        mask_row[j] = masks + t * vectors;
    }
    for (long n = 0; n < samples; n++) {
        const float *src = source + n * source_sample;
        const float *dy = gradient + n * gradient_sample;
        for (long v = 0; v < vectors; v++) {
            const long q = v * LANES;
            const __mmask16 tail = tail_mask(pixels - q);
            __m512 x[NV];
            for (int j = 0; j < kn; j++) {
                x[j] = _mm512_maskz_loadu_ps(mask_row[j][v], src + offset[j] + q);
            }
            for (int r = 0; r < mr; r++) {
                const __m512 d = _mm512_maskz_loadu_ps(tail, dy + r * gradient_stride + q);
                for (int j = 0; j < kn; j++) acc[r][j] = _mm512_fmadd_ps(d, x[j], acc[r][j]);
            }
        }
    }
    for (int r = 0; r < mr; r++) {
        for (int j = 0; j < kn; j++) {
            const float sum = _mm512_reduce_add_ps(acc[r][j]);
            float *target = dw + r * dw_stride + k0 + j;
            *target = accumulate ? *target + sum : sum;
        }
    }
}

#define GRADIENT_CASE(MRV, KNV)                                                             \
    case (MRV) * 4 + (KNV):                                                                \
        gradient_tile(MRV, KNV, g, masks, vectors, k, samples, source, source_sample,       \
            gradient, gradient_sample, gradient_stride, dw, dw_stride, accumulate);         \
        break;
#define GRADIENT_ROW(MRV) GRADIENT_CASE(MRV, 1) GRADIENT_CASE(MRV, 2) GRADIENT_CASE(MRV, 3)

AVX512_TARGET static void gradient_dispatch(
    int mr, int kn, const swiftcnn_direct_shape *g, const uint16_t *masks, long vectors,
    long k, long samples, const float *source, long source_sample, const float *gradient,
    long gradient_sample, long gradient_stride, float *dw, long dw_stride, int accumulate) {
    switch (mr * 4 + kn) {
        GRADIENT_ROW(8) GRADIENT_ROW(7) GRADIENT_ROW(6) GRADIENT_ROW(5)
        GRADIENT_ROW(4) GRADIENT_ROW(3) GRADIENT_ROW(2) GRADIENT_ROW(1)
    default: break;
    }
}

void swiftcnn_direct_weight_gradient(
    const swiftcnn_direct_shape *g, const uint16_t *masks, long outputs, long samples,
    const float *source, long source_sample, const float *gradient, long gradient_sample,
    long gradient_stride, float *dw, long dw_stride, int accumulate) {
    const long vectors = vector_count(g), patch = g->channels * g->taps;
    for (long o = 0; o < outputs; o += MR) {
        const int mr = (int)(outputs - o < MR ? outputs - o : MR);
        for (long k = 0; k < patch; k += NV) {
            const int kn = (int)(patch - k < NV ? patch - k : NV);
            gradient_dispatch(mr, kn, g, masks, vectors, k, samples, source, source_sample,
                gradient + o * gradient_stride, gradient_sample, gradient_stride,
                dw + o * dw_stride, dw_stride, accumulate);
        }
    }
}

#else

void swiftcnn_direct_forward(
    const swiftcnn_direct_shape *g, const uint16_t *masks, long outputs, const float *packed,
    const float *bias, const float *source, float *output, long output_stride,
    long first_vector, long vector_span) {}

void swiftcnn_direct_weight_gradient(
    const swiftcnn_direct_shape *g, const uint16_t *masks, long outputs, long samples,
    const float *source, long source_sample, const float *gradient, long gradient_sample,
    long gradient_stride, float *dw, long dw_stride, int accumulate) {}

#endif
