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
#include "sgemm_internal.h"

#include <stdint.h>
#include <string.h>

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

static void split_phases_scalar(
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

static void merge_phases_scalar(
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
#include "avx512_support.h"

// MARK: Forward

/// Where one vector of a forward tile reads and writes: its sample's source at the vector's
/// first pixel, its output likewise, its column of the mask table and the pixels left in
/// its plane from its first one. Tiles may span samples.
typedef struct {
    const float *source;
    float *output;
    const uint16_t *masks;
    long left;
} forward_vector;

/// One tile: `mr` output channels x `nv` vectors.
AVX512_TARGET INLINE void forward_tile(
    const int mr, const int nv, const swiftcnn_direct_shape *g, long vectors,
    const forward_vector *vec, const float *packed, const float *bias, long output_stride) {
    __m512 acc[MR][NV];
    for (int r = 0; r < mr; r++) {
        const __m512 start = bias ? _mm512_set1_ps(bias[r]) : _mm512_setzero_ps();
        for (int v = 0; v < nv; v++) acc[r][v] = start;
    }
    const long channels = g->channels, cs = g->channel_stride;
    for (long t = 0; t < g->taps; t++) {
        const long offset = g->tap_offset[t];
        const __mmask16 m0 = vec[0].masks[t * vectors];
        const __mmask16 m1 = nv > 1 ? vec[1].masks[t * vectors] : 0;
        const __mmask16 m2 = nv > 2 ? vec[2].masks[t * vectors] : 0;
        const float *s0 = vec[0].source + offset;
        const float *s1 = nv > 1 ? vec[1].source + offset : s0;
        const float *s2 = nv > 2 ? vec[2].source + offset : s0;
        const float *w = packed + t * channels * MR;
        for (long c = 0; c < channels; c++) {
            __m512 x[NV];
            x[0] = _mm512_maskz_loadu_ps(m0, s0);
            if (nv > 1) x[1] = _mm512_maskz_loadu_ps(m1, s1);
            if (nv > 2) x[2] = _mm512_maskz_loadu_ps(m2, s2);
            for (int r = 0; r < mr; r++) {
                const __m512 a = _mm512_set1_ps(w[r]);
                for (int v = 0; v < nv; v++) acc[r][v] = _mm512_fmadd_ps(a, x[v], acc[r][v]);
            }
            s0 += cs;
            s1 += cs;
            s2 += cs;
            w += MR;
        }
    }
    __mmask16 store[NV];
    float *out[NV];
    for (int v = 0; v < nv; v++) {
        store[v] = swiftcnn_lanes_below(vec[v].left);
        out[v] = vec[v].output;
    }
    for (int r = 0; r < mr; r++) {
        for (int v = 0; v < nv; v++) {
            _mm512_mask_storeu_ps(out[v] + r * output_stride, store[v], acc[r][v]);
        }
    }
}

#define FORWARD_CASE(MRV, NVV)                                                              \
    case (MRV) * 4 + (NVV):                                                                \
        forward_tile(MRV, NVV, g, vectors, vec, packed, bias, output_stride);               \
        break;
#define FORWARD_ROW(MRV) FORWARD_CASE(MRV, 1) FORWARD_CASE(MRV, 2) FORWARD_CASE(MRV, 3)

AVX512_TARGET static void forward_dispatch(
    int mr, int nv, const swiftcnn_direct_shape *g, long vectors, const forward_vector *vec,
    const float *packed, const float *bias, long output_stride) {
    switch (mr * 4 + nv) {
        FORWARD_ROW(8) FORWARD_ROW(7) FORWARD_ROW(6) FORWARD_ROW(5)
        FORWARD_ROW(4) FORWARD_ROW(3) FORWARD_ROW(2) FORWARD_ROW(1)
    default: break;
    }
}

void swiftcnn_direct_forward(
    const swiftcnn_direct_shape *g, const uint16_t *masks, long outputs, const float *packed,
    const float *bias, const float *source, long source_sample, float *output,
    long output_sample, long output_stride, long first_unit, long unit_count) {
    const long vectors = vector_count(g), pixels = g->out_rows * g->width;
    const long block_size = g->taps * g->channels * MR;
    for (long u = first_unit; u < first_unit + unit_count; u += NV) {
        const int nv = (int)(first_unit + unit_count - u < NV ? first_unit + unit_count - u : NV);
        forward_vector vec[NV];
        for (int i = 0; i < nv; i++) {
            const long n = (u + i) / vectors, v = (u + i) % vectors;
            vec[i].source = source + n * source_sample + v * LANES;
            vec[i].output = output + n * output_sample + v * LANES;
            vec[i].masks = masks + v;
            vec[i].left = pixels - v * LANES;
        }
        for (long o = 0; o < outputs; o += MR) {
            const int mr = (int)(outputs - o < MR ? outputs - o : MR);
            forward_vector shifted[NV];
            for (int i = 0; i < nv; i++) {
                shifted[i] = vec[i];
                shifted[i].output += o * output_stride;
            }
            forward_dispatch(mr, nv, g, vectors, shifted, packed + (o / MR) * block_size,
                bias ? bias + o : NULL, output_stride);
        }
    }
}

// MARK: Stride phases, AVX-512 (horizontal stride 2)

/// Lanes 0, 2, …, 30 and 1, 3, …, 31 of two vectors, and the inverse interleaving.
static const int32_t even_lanes[16] = {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30};
static const int32_t odd_lanes[16] = {1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31};
static const int32_t low_lanes[16] = {0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23};
static const int32_t high_lanes[16] = {
    8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31};

/// Splits one input row of `2·count` pixels into its even and odd pixels.
AVX512_TARGET static void split_row_pairs(
    const float *line, long count, float *even, float *odd) {
    const __m512i ie = _mm512_loadu_si512(even_lanes), io = _mm512_loadu_si512(odd_lanes);
    for (long x = 0; x < count; x += LANES) {
        const long left = count - x;
        const __mmask16 m = swiftcnn_lanes_below(left);
        const __mmask16 low = swiftcnn_lanes_below(2 * left);
        const __mmask16 high = swiftcnn_lanes_below(2 * left - LANES);
        const __m512 a = _mm512_maskz_loadu_ps(low, line + 2 * x);
        const __m512 b = _mm512_maskz_loadu_ps(high, line + 2 * x + LANES);
        _mm512_mask_storeu_ps(even + x, m, _mm512_permutex2var_ps(a, ie, b));
        _mm512_mask_storeu_ps(odd + x, m, _mm512_permutex2var_ps(a, io, b));
    }
}

/// Interleaves `count` even and `count` odd pixels into one row of `2·count`.
AVX512_TARGET static void merge_row_pairs(
    const float *even, const float *odd, long count, float *line) {
    const __m512i il = _mm512_loadu_si512(low_lanes), ih = _mm512_loadu_si512(high_lanes);
    for (long x = 0; x < count; x += LANES) {
        const long left = count - x;
        const __mmask16 m = swiftcnn_lanes_below(left);
        const __m512 e = _mm512_maskz_loadu_ps(m, even + x), o = _mm512_maskz_loadu_ps(m, odd + x);
        const __mmask16 low = swiftcnn_lanes_below(2 * left);
        const __mmask16 high = swiftcnn_lanes_below(2 * left - LANES);
        _mm512_mask_storeu_ps(line + 2 * x, low, _mm512_permutex2var_ps(e, il, o));
        _mm512_mask_storeu_ps(line + 2 * x + LANES, high, _mm512_permutex2var_ps(e, ih, o));
    }
}

AVX512_TARGET void swiftcnn_direct_split_phases(
    const float *input, long channels, long height, long width, long stride_height,
    long stride_width, long phase_rows, long phase_width, float *dest) {
    if (stride_width > 2 || width != stride_width * phase_width) {
        split_phases_scalar(input, channels, height, width, stride_height, stride_width,
            phase_rows, phase_width, dest);
        return;
    }
    const long plane = phase_rows * phase_width, phases = stride_height * stride_width;
    for (long c = 0; c < channels; c++) {
        for (long a = 0; a < stride_height; a++) {
            float *target = dest + (c * phases + a * stride_width) * plane;
            for (long y = 0; y < phase_rows; y++) {
                const long iy = y * stride_height + a;
                float *row = target + y * phase_width;
                if (iy >= height) {
                    memset(row, 0, (size_t)phase_width * sizeof(float));
                    if (stride_width == 2) {
                        memset(row + plane, 0, (size_t)phase_width * sizeof(float));
                    }
                    continue;
                }
                const float *line = input + (c * height + iy) * width;
                if (stride_width == 2) split_row_pairs(line, phase_width, row, row + plane);
                else memcpy(row, line, (size_t)width * sizeof(float));
            }
        }
    }
}

AVX512_TARGET void swiftcnn_direct_merge_phases(
    const float *phases, long channels, long height, long width, long stride_height,
    long stride_width, long phase_rows, long phase_width, float *output) {
    if (stride_width > 2 || width != stride_width * phase_width) {
        merge_phases_scalar(phases, channels, height, width, stride_height, stride_width,
            phase_rows, phase_width, output);
        return;
    }
    const long plane = phase_rows * phase_width, count = stride_height * stride_width;
    for (long c = 0; c < channels; c++) {
        for (long iy = 0; iy < height; iy++) {
            const long a = iy % stride_height, y = iy / stride_height;
            const float *row = phases + (c * count + a * stride_width) * plane + y * phase_width;
            float *line = output + (c * height + iy) * width;
            if (stride_width == 2) merge_row_pairs(row, row + plane, phase_width, line);
            else memcpy(line, row, (size_t)width * sizeof(float));
        }
    }
}

// MARK: Weight gradient

enum {
    /// Output channels x (channel, tap) pairs per weight-gradient register tile: 24
    /// accumulators, 4 output-gradient vectors and one input vector in flight.
    GR = 4, GK = 6,
    /// Vectors of pixels a tile sums in registers before saving its 16-lane partial sums:
    /// samples are taken in chunks of about this many vectors, so that a chunk's output
    /// gradient stays in L1 while every (channel, tap) pair reads it.
    CHUNK_VECTORS = 32,
};

/// One tile of the weight gradient over a chunk of `samples` samples: `mr` output channels x
/// `nc` channels c0.. x `nj` taps t0.. (all in one kernel row, so they share their masks
/// across the channels). The 16-lane partial sums live in `partial` ([k][GR][16],
/// k = c·taps + t); `first` starts them at zero. `vmasks` is the mask table transposed
/// ([vector][tap]).
AVX512_TARGET INLINE void gradient_tile(
    const int mr, const int nc, const int nj, const swiftcnn_direct_shape *g,
    const uint16_t *vmasks, long vectors, long c0, long t0, long samples, const float *source,
    long source_sample, const float *gradient, long gradient_sample, long gradient_stride,
    float *partial, int first) {
    __m512 acc[GR][GK];
    const long taps = g->taps;
    for (int r = 0; r < mr; r++) {
        for (int a = 0; a < nc; a++) {
            for (int b = 0; b < nj; b++) {
                const long k = (c0 + a) * taps + t0 + b;
                acc[r][a * nj + b] = first ? _mm512_setzero_ps()
                    : _mm512_load_ps(partial + (k * GR + r) * LANES);
            }
        }
    }
    const long pixels = g->out_rows * g->width;
    long offset[GK];
    for (int a = 0; a < nc; a++)
        for (int b = 0; b < nj; b++)
            offset[a * nj + b] = (c0 + a) * g->channel_stride + g->tap_offset[t0 + b];
    const long whole = pixels / LANES;
    for (long n = 0; n < samples; n++) {
        const float *src = source + n * source_sample;
        const float *dy = gradient + n * gradient_sample;
        const uint16_t *m = vmasks + t0;
        for (long v = 0; v < vectors; v++, m += taps) {
            const long q = v * LANES;
            __m512 d[GR];
            if (v < whole) {
                for (int r = 0; r < mr; r++) d[r] = _mm512_loadu_ps(dy + r * gradient_stride + q);
            } else {
                const __mmask16 tail = swiftcnn_lanes_below(pixels - q);
                for (int r = 0; r < mr; r++) {
                    d[r] = _mm512_maskz_loadu_ps(tail, dy + r * gradient_stride + q);
                }
            }
            for (int b = 0; b < nj; b++) {
                const __mmask16 mb = m[b];
                for (int a = 0; a < nc; a++) {
                    const __m512 x = _mm512_maskz_loadu_ps(mb, src + offset[a * nj + b] + q);
                    for (int r = 0; r < mr; r++) {
                        acc[r][a * nj + b] = _mm512_fmadd_ps(d[r], x, acc[r][a * nj + b]);
                    }
                }
            }
        }
    }
    for (int r = 0; r < mr; r++) {
        for (int a = 0; a < nc; a++) {
            for (int b = 0; b < nj; b++) {
                const long k = (c0 + a) * taps + t0 + b;
                _mm512_store_ps(partial + (k * GR + r) * LANES, acc[r][a * nj + b]);
            }
        }
    }
}

#define GRADIENT_CASE(MRV, NCV, NJV)                                                        \
    case ((MRV) * 8 + (NCV)) * 8 + (NJV):                                                  \
        gradient_tile(MRV, NCV, NJV, g, vmasks, vectors, c, t, samples, source,             \
            source_sample, gradient, gradient_sample, gradient_stride, partial, first);     \
        break;
#define GRADIENT_ROW(MRV)                                                                   \
    GRADIENT_CASE(MRV, 1, 1) GRADIENT_CASE(MRV, 1, 2) GRADIENT_CASE(MRV, 1, 3)              \
    GRADIENT_CASE(MRV, 1, 4) GRADIENT_CASE(MRV, 1, 5) GRADIENT_CASE(MRV, 1, 6)              \
    GRADIENT_CASE(MRV, 2, 1) GRADIENT_CASE(MRV, 2, 2) GRADIENT_CASE(MRV, 2, 3)              \
    GRADIENT_CASE(MRV, 3, 1) GRADIENT_CASE(MRV, 3, 2) GRADIENT_CASE(MRV, 4, 1)              \
    GRADIENT_CASE(MRV, 5, 1) GRADIENT_CASE(MRV, 6, 1)

AVX512_TARGET static void gradient_dispatch(
    int mr, int nc, int nj, const swiftcnn_direct_shape *g, const uint16_t *vmasks,
    long vectors, long c, long t, long samples, const float *source, long source_sample,
    const float *gradient, long gradient_sample, long gradient_stride, float *partial,
    int first) {
    switch ((mr * 8 + nc) * 8 + nj) {
        GRADIENT_ROW(4) GRADIENT_ROW(3) GRADIENT_ROW(2) GRADIENT_ROW(1)
    default: break;
    }
}

AVX512_TARGET void swiftcnn_direct_weight_gradient(
    const swiftcnn_direct_shape *g, const uint16_t *masks, long outputs, long samples,
    const float *source, long source_sample, const float *gradient, long gradient_sample,
    long gradient_stride, float *dw, long dw_stride, int accumulate, long kernel_width) {
    const long vectors = vector_count(g), taps = g->taps, channels = g->channels;
    const long patch = channels * taps;
    // Partial sums, then the mask table transposed to [vector][tap].
    const long partial_size = (patch * GR * LANES + 15) / 16 * 16;
    float *buffer = swiftcnn_thread_buffer(
        SWIFTCNN_BUFFER_DIRECT, (size_t)(partial_size + (vectors * taps + 1) / 2));
    if (buffer == NULL || samples <= 0) return;
    float *partial = buffer;
    uint16_t *vmasks = (uint16_t *)(buffer + partial_size);
    for (long t = 0; t < taps; t++)
        for (long v = 0; v < vectors; v++) vmasks[v * taps + t] = masks[t * vectors + v];
    // Tiles: runs of at most GK taps of one kernel row, times as many channels as fit.
    const long row = kernel_width > 0 && taps % kernel_width == 0 ? kernel_width : taps;
    const long row_tiles = (row + GK - 1) / GK;
    long chunk = (CHUNK_VECTORS + vectors - 1) / vectors;
    if (chunk > samples) chunk = samples;
    for (long o = 0; o < outputs; o += GR) {
        const int mr = (int)(outputs - o < GR ? outputs - o : GR);
        for (long n = 0; n < samples; n += chunk) {
            const long count = samples - n < chunk ? samples - n : chunk;
            for (long t_row = 0; t_row < taps; t_row += row) {
                for (long tile = 0; tile < row_tiles; tile++) {
                    const long t = t_row + row * tile / row_tiles;
                    const int nj = (int)(t_row + row * (tile + 1) / row_tiles - t);
                    const long group = GK / nj;
                    for (long c = 0; c < channels; c += group) {
                        const int nc = (int)(channels - c < group ? channels - c : group);
                        gradient_dispatch(mr, nc, nj, g, vmasks, vectors, c, t, count,
                            source + n * source_sample, source_sample,
                            gradient + n * gradient_sample + o * gradient_stride,
                            gradient_sample, gradient_stride, partial, n == 0);
                    }
                }
            }
        }
        for (int r = 0; r < mr; r++) {
            float *out = dw + (o + r) * dw_stride;
            for (long k = 0; k < patch; k++) {
                const float sum =
                    _mm512_reduce_add_ps(_mm512_load_ps(partial + (k * GR + r) * LANES));
                out[k] = accumulate ? out[k] + sum : sum;
            }
        }
    }
}

#else

void swiftcnn_direct_split_phases(
    const float *input, long channels, long height, long width, long stride_height,
    long stride_width, long phase_rows, long phase_width, float *dest) {
    split_phases_scalar(input, channels, height, width, stride_height, stride_width,
        phase_rows, phase_width, dest);
}

void swiftcnn_direct_merge_phases(
    const float *phases, long channels, long height, long width, long stride_height,
    long stride_width, long phase_rows, long phase_width, float *output) {
    merge_phases_scalar(phases, channels, height, width, stride_height, stride_width,
        phase_rows, phase_width, output);
}

void swiftcnn_direct_forward(
    const swiftcnn_direct_shape *g, const uint16_t *masks, long outputs, const float *packed,
    const float *bias, const float *source, long source_sample, float *output,
    long output_sample, long output_stride, long first_unit, long unit_count) {}

void swiftcnn_direct_weight_gradient(
    const swiftcnn_direct_shape *g, const uint16_t *masks, long outputs, long samples,
    const float *source, long source_sample, const float *gradient, long gradient_sample,
    long gradient_stride, float *dw, long dw_stride, int accumulate, long kernel_width) {}

#endif
