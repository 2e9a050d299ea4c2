// The direct convolution and pooling kernels, written once for any vector width (internal).
// Included by one small file per instruction set (direct_avx512.c, direct_avx2.c,
// direct_portable.c), XNNPACK/oneDNN style, after direct_vector.h and these definitions:
//   SUFFIX              the exported names' suffix (FN(name) is name_SUFFIX)
//   TILE_MR, TILE_NV    forward tile: output channels (8 or 4) x vectors (≤ 3)
//   TILE_ACC            the most accumulators a forward tile may hold: mr x nv tiles above it
//                       run a vector at a time (AVX2: 6 x 2 fits 16 registers, 8 x 2 not)
//   GR, GK              weight-gradient tile: output channels (≤ 4) x (channel, tap) pairs (≤ 6)
//   WIDE_ACC, WIDE_OV   accumulators and output vectors (≤ 4) of a wide weight-gradient tile
//   FAULTLESS_MASKED_LOAD  1 when masked_load never touches masked-off lanes (AVX-512)
//   vf vfma(vf a, vf b, vf c)                          a·b + c
//   vf masked_load(const float *p, uint32_t e, vi m)   lanes of mask-table entry e (lane mask m)
//   vf edge_load(const float *p, uint32_t e, vi m)     the same for SWIFTCNN_MASK_EDGE entries
//   float reduce_add(vf v)                             the lanes' sum in a fixed order
//   vf load_partial(const float *p, long n)            lanes 0..<n (0 < n < LANES), zero beyond
//   void store_partial(float *p, vf v, long n)         stores lanes 0..<n of v
//   void store_partial_i(int32_t *p, vi v, long n)     the same for int32 lanes
//
// Output pixels are flattened (q = oy·width + ox) and taken LANES at a time. Because source
// planes have the output's width, tap t of pixel q sits at q + offset[t] in its source
// plane; a mask-table entry per (tap, vector) (swiftcnn_direct_masks) names the lanes whose
// source pixel lies inside the plane. Other lanes are zeroed after a plain load (AND with the
// lane mask) where the whole vector lies inside its channel's memory, or never read
// (edge_load, masked loads) where it does not. A forward register tile holds TILE_MR output
// channels x TILE_NV vectors; weights are broadcast from a packed copy. The weight gradient
// uses the same addressing with the roles turned around: its tile holds GR output channels x
// GK (channel, tap) pairs, each a LANES-wide partial sum over pixels.

#include "sgemm_internal.h"

#include <limits.h>

enum { MR = SWIFTCNN_DIRECT_BLOCK };

/// The first `count` floats at `p` (none for count ≤ 0), zero in the other lanes; reads
/// nothing beyond them.
KERNEL_TARGET INLINE vf vload_first(const float *p, long count) {
    if (count >= LANES) return vload(p);
    return count > 0 ? load_partial(p, count) : (vf){0};
}

/// Stores the first `count` lanes of `v` (all for count ≥ LANES, none for count ≤ 0).
KERNEL_TARGET INLINE void vstore_first(float *p, vf v, long count) {
    if (count >= LANES) {
        vstore(p, v);
    } else if (count > 0) {
        store_partial(p, v, count);
    }
}

KERNEL_TARGET INLINE void vstore_first_i(int32_t *p, vi v, long count) {
    if (count >= LANES) {
        vstore_i(p, v);
    } else if (count > 0) {
        store_partial_i(p, v, count);
    }
}

/// Lane bits [lo, hi) of a vector, within 0 ..< LANES.
static inline uint32_t lane_bits(long lo, long hi) {
    if (lo < 0) lo = 0;
    if (hi > LANES) hi = LANES;
    return hi <= lo ? 0u : ((1u << hi) - 1u) & ~((1u << lo) - 1u);
}

/// The lanes of `p` that `entry` selects (`mask` its lanes), zero elsewhere, never touching
/// the others (which may lie outside the block's memory).
KERNEL_TARGET INLINE vf entry_load(const float *p, uint32_t entry, vi mask) {
#if FAULTLESS_MASKED_LOAD
    return masked_load(p, entry, mask);
#else
    if (entry == (1u << LANES) - 1u) return vload(p);
    return entry ? edge_load(p, entry, mask) : (vf){0};
#endif
}

/// Loads lanes x .. x + LANES − 1 of `row`, zero outside [0, width), never touching the
/// others (the loads at a row's ends may lie outside the block's memory).
KERNEL_TARGET INLINE vf row_edge_load(const float *row, long x, long width) {
    const uint32_t entry = lane_bits(-x, width - x);
    return entry_load(row + x, entry, lane_mask(entry));
}

static long vector_count(const swiftcnn_direct_shape *g) {
    return (g->out_rows * g->width + LANES - 1) / LANES;
}

// MARK: Forward

/// Where one vector of a forward tile reads and writes: its sample's source at the vector's
/// first pixel, its output likewise, its column of the mask table and the pixels left in
/// its plane from its first one. Tiles may span samples.
typedef struct {
    const float *source;
    float *output;
    const uint32_t *masks;
    long left;
} forward_vector;

/// Loads of one tap: 0 plain (every lane valid), 1 AND with the lane mask, 2 edge loads.
enum { LOAD_FULL = 0, LOAD_MASKED = 1, LOAD_EDGE = 2 };

KERNEL_TARGET INLINE vf tap_load(const int kind, const float *p, uint32_t entry, vi mask) {
#if FAULTLESS_MASKED_LOAD
    (void)kind;
    return masked_load(p, entry, mask);
#else
    if (kind == LOAD_FULL) return vload(p);
    if (kind == LOAD_MASKED) return masked_load(p, entry, mask);
    return edge_load(p, entry, mask);
#endif
}

/// The channel loop of one tap, loads of kind KIND: acc[r][v] += w[c][r] · source_v[c]. A
/// macro rather than a function so that the accumulators stay in registers across taps.
#define FORWARD_CHANNELS(KIND)                                                              \
    for (long c = 0; c < channels; c++) {                                                  \
        vf x[3];                                                                            \
        x[0] = tap_load(KIND, s0, e[0], m[0]);                                              \
        if (nv > 1) x[1] = tap_load(KIND, s1, e[1], m[1]);                                  \
        if (nv > 2) x[2] = tap_load(KIND, s2, e[2], m[2]);                                  \
        for (int r = 0; r < mr; r++) {                                                      \
            const vf a = splat(w[r]);                                                       \
            for (int v = 0; v < nv; v++) acc[r][v] = vfma(a, x[v], acc[r][v]);              \
        }                                                                                   \
        s0 += cs;                                                                           \
        s1 += cs;                                                                           \
        s2 += cs;                                                                           \
        w += MR;                                                                            \
    }

/// `y < 0 ? 0 : y` in every lane (TensorMath's ReLU: NaN and −0 pass through).
KERNEL_TARGET INLINE vf relu_lanes(vf y) { return and_mask(y, ~(y < splat(0.0f))); }

/// One tile: `mr` output channels x `nv` vectors, stored `shift` scalars past the vectors'
/// outputs (the tile's first channel). `w0` is the tile's first row in its packed block (rows
/// MR apart per channel); `relu` stores the ReLU of the sums.
KERNEL_TARGET INLINE void forward_tile(
    const int mr, const int nv, const swiftcnn_direct_shape *g, long vectors,
    const forward_vector *vec, long shift, const float *w0, const float *bias,
    long output_stride, int relu) {
    vf acc[TILE_MR][TILE_NV];
    for (int r = 0; r < mr; r++) {
        const vf start = bias ? splat(bias[r]) : (vf){0};
        for (int v = 0; v < nv; v++) acc[r][v] = start;
    }
    const long channels = g->channels, cs = g->channel_stride;
    const uint32_t full = (1u << LANES) - 1;
    for (long t = 0; t < g->taps; t++) {
        const long offset = g->tap_offset[t];
        uint32_t e[3] = {0, 0, 0};
        vi m[3];
        uint32_t all = full, any = 0, edge = 0;
        for (int v = 0; v < nv; v++) {
            e[v] = vec[v].masks[t * vectors];
            m[v] = lane_mask(e[v]);
            all &= e[v];
            any |= e[v];
            edge |= e[v] & SWIFTCNN_MASK_EDGE;
        }
        const float *s0 = vec[0].source + offset;
        const float *s1 = nv > 1 ? vec[1].source + offset : s0;
        const float *s2 = nv > 2 ? vec[2].source + offset : s0;
        const float *w = w0 + t * channels * MR;
        // A tap that reads no pixel of any vector adds only zero products and is skipped (the
        // input gradients of valid convolutions, whose taps miss whole rows of the output
        // gradient near its edges, skip about a quarter of theirs). Tested after the common
        // case, taps whose vectors are whole.
#if FAULTLESS_MASKED_LOAD
        (void)all;
        (void)edge;
        if (any & full) FORWARD_CHANNELS(LOAD_MASKED)
#else
        if ((all & full) == full && !edge) {
            FORWARD_CHANNELS(LOAD_FULL)
        } else if ((any & full) == 0) {
            continue;
        } else if (edge) {
            FORWARD_CHANNELS(LOAD_EDGE)
        } else {
            FORWARD_CHANNELS(LOAD_MASKED)
        }
#endif
    }
    if (relu) {
        UNROLL for (int r = 0; r < mr; r++) {
            UNROLL for (int v = 0; v < nv; v++) acc[r][v] = relu_lanes(acc[r][v]);
        }
    }
    UNROLL for (int r = 0; r < mr; r++) {
        UNROLL for (int v = 0; v < nv; v++) {
            vstore_first(vec[v].output + shift + r * output_stride, acc[r][v], vec[v].left);
        }
    }
}

/// Whether a forward tile of `mr` output channels x `nv` vectors fits the registers: the
/// dispatch instantiates only these, and the driver runs the others a vector at a time.
#define TILE_FITS(mr, nv) ((mr) * (nv) <= TILE_ACC)

#define FORWARD_CASE(MRV, NVV)                                                              \
    case (MRV) * 4 + (NVV):                                                                \
        if (TILE_FITS(MRV, NVV)) {                                                          \
            forward_tile(MRV, NVV, g, vectors, vec, shift, w0, bias, output_stride, relu);  \
        }                                                                                   \
        break;
#if TILE_NV == 3
#define FORWARD_ROW(MRV) FORWARD_CASE(MRV, 1) FORWARD_CASE(MRV, 2) FORWARD_CASE(MRV, 3)
#elif TILE_NV == 2
#define FORWARD_ROW(MRV) FORWARD_CASE(MRV, 1) FORWARD_CASE(MRV, 2)
#else
#define FORWARD_ROW(MRV) FORWARD_CASE(MRV, 1)
#endif

KERNEL_TARGET __attribute__((noinline)) static void forward_dispatch(
    int mr, int nv, const swiftcnn_direct_shape *g, long vectors, const forward_vector *vec,
    long shift, const float *w0, const float *bias, long output_stride, int relu) {
    switch (mr * 4 + nv) {
#if TILE_MR == 8
        FORWARD_ROW(8) FORWARD_ROW(7) FORWARD_ROW(6) FORWARD_ROW(5)
#endif
        FORWARD_ROW(4) FORWARD_ROW(3) FORWARD_ROW(2) FORWARD_ROW(1)
    default: break;
    }
}

KERNEL_TARGET void FN(swiftcnn_direct_forward)(
    const swiftcnn_direct_shape *g, const uint32_t *masks, long outputs, const float *packed,
    const float *bias, const float *source, long source_sample, float *output,
    long output_sample, long output_stride, long first_unit, long unit_count, int relu) {
    const long vectors = vector_count(g), pixels = g->out_rows * g->width;
    const long block_size = g->taps * g->channels * MR;
    for (long u = first_unit; u < first_unit + unit_count; u += TILE_NV) {
        const long rest = first_unit + unit_count - u;
        const int nv = (int)(rest < TILE_NV ? rest : TILE_NV);
        forward_vector vec[TILE_NV];
        for (int i = 0; i < nv; i++) {
            const long n = (u + i) / vectors, v = (u + i) % vectors;
            vec[i].source = source + n * source_sample + v * LANES;
            vec[i].output = output + n * output_sample + v * LANES;
            vec[i].masks = masks + v;
            vec[i].left = pixels - v * LANES;
        }
        for (long o = 0; o < outputs; o += TILE_MR) {
            const int mr = (int)(outputs - o < TILE_MR ? outputs - o : TILE_MR);
            const int step = TILE_FITS(mr, nv) ? nv : 1;
            for (int i = 0; i < nv; i += step) {
                forward_dispatch(mr, step, g, vectors, vec + i, o * output_stride,
                    packed + (o / MR) * block_size + o % MR, bias ? bias + o : NULL,
                    output_stride, relu);
            }
        }
    }
}

// MARK: Weight gradient

enum {
    /// Vectors of pixels a tile sums in registers before saving its partial sums: samples are
    /// taken in chunks of about this many 16-pixel vectors, so that a chunk's output gradient
    /// stays in L1 while every (channel, tap) pair reads it.
    CHUNK_PIXELS = 32 * 16,
};

/// One tile of the weight gradient over a chunk of `samples` samples: `mr` output channels x
/// `nc` channels c0.. x `nj` taps t0.. (all in one kernel row, so they share their masks
/// across the channels). The LANES-wide partial sums live in `partial` ([k][GR][LANES],
/// k = c·taps + t); `first` starts them at zero. `vmasks` is the mask table transposed
/// ([vector][tap]).
KERNEL_TARGET INLINE void gradient_tile(
    const int mr, const int nc, const int nj, const swiftcnn_direct_shape *g,
    const uint32_t *vmasks, long vectors, long c0, long t0, long samples, const float *source,
    long source_sample, const float *gradient, long gradient_sample, long gradient_stride,
    float *partial, int first) {
    vf acc[GR][GK];
    const long taps = g->taps;
    for (int r = 0; r < mr; r++) {
        for (int a = 0; a < nc; a++) {
            for (int b = 0; b < nj; b++) {
                const long k = (c0 + a) * taps + t0 + b;
                acc[r][a * nj + b] = first ? (vf){0} : vload(partial + (k * GR + r) * LANES);
            }
        }
    }
    const long pixels = g->out_rows * g->width;
    long offset[GK];
    for (int a = 0; a < nc; a++)
        for (int b = 0; b < nj; b++)
            offset[a * nj + b] = (c0 + a) * g->channel_stride + g->tap_offset[t0 + b];
    const long whole = pixels / LANES;
#if !FAULTLESS_MASKED_LOAD
    const uint32_t full = (1u << LANES) - 1;
#endif
    for (long n = 0; n < samples; n++) {
        const float *src = source + n * source_sample;
        const float *dy = gradient + n * gradient_sample;
        const uint32_t *m = vmasks + t0;
        for (long v = 0; v < vectors; v++, m += taps) {
            const long q = v * LANES;
            vf d[GR];
            if (v < whole) {
                for (int r = 0; r < mr; r++) d[r] = vload(dy + r * gradient_stride + q);
            } else {
                for (int r = 0; r < mr; r++) {
                    d[r] = vload_first(dy + r * gradient_stride + q, pixels - q);
                }
            }
            for (int b = 0; b < nj; b++) {
                const uint32_t entry = m[b];
                const vi mask = lane_mask(entry);
                for (int a = 0; a < nc; a++) {
                    const float *p = src + offset[a * nj + b] + q;
#if FAULTLESS_MASKED_LOAD
                    const vf x = masked_load(p, entry, mask);
#else
                    const vf x = (entry & SWIFTCNN_MASK_EDGE) ? edge_load(p, entry, mask)
                        : (entry & full) == full ? vload(p) : masked_load(p, entry, mask);
#endif
                    for (int r = 0; r < mr; r++) {
                        acc[r][a * nj + b] = vfma(d[r], x, acc[r][a * nj + b]);
                    }
                }
            }
        }
    }
    for (int r = 0; r < mr; r++) {
        for (int a = 0; a < nc; a++) {
            for (int b = 0; b < nj; b++) {
                const long k = (c0 + a) * taps + t0 + b;
                vstore(partial + (k * GR + r) * LANES, acc[r][a * nj + b]);
            }
        }
    }
}

#define GRADIENT_CASE(MRV, NCV, NJV)                                                        \
    case ((MRV) * 8 + (NCV)) * 8 + (NJV):                                                  \
        gradient_tile(MRV, NCV, NJV, g, vmasks, vectors, c, t, samples, source,             \
            source_sample, gradient, gradient_sample, gradient_stride, partial, first);     \
        break;
#if GK >= 6
#define GRADIENT_ROW(MRV)                                                                   \
    GRADIENT_CASE(MRV, 1, 1) GRADIENT_CASE(MRV, 1, 2) GRADIENT_CASE(MRV, 1, 3)              \
    GRADIENT_CASE(MRV, 1, 4) GRADIENT_CASE(MRV, 1, 5) GRADIENT_CASE(MRV, 1, 6)              \
    GRADIENT_CASE(MRV, 2, 1) GRADIENT_CASE(MRV, 2, 2) GRADIENT_CASE(MRV, 2, 3)              \
    GRADIENT_CASE(MRV, 3, 1) GRADIENT_CASE(MRV, 3, 2) GRADIENT_CASE(MRV, 4, 1)              \
    GRADIENT_CASE(MRV, 5, 1) GRADIENT_CASE(MRV, 6, 1)
#elif GK == 4
#define GRADIENT_ROW(MRV)                                                                   \
    GRADIENT_CASE(MRV, 1, 1) GRADIENT_CASE(MRV, 1, 2) GRADIENT_CASE(MRV, 1, 3)              \
    GRADIENT_CASE(MRV, 1, 4) GRADIENT_CASE(MRV, 2, 1) GRADIENT_CASE(MRV, 2, 2)              \
    GRADIENT_CASE(MRV, 3, 1) GRADIENT_CASE(MRV, 4, 1)
#elif GK == 3
#define GRADIENT_ROW(MRV)                                                                   \
    GRADIENT_CASE(MRV, 1, 1) GRADIENT_CASE(MRV, 1, 2) GRADIENT_CASE(MRV, 1, 3)              \
    GRADIENT_CASE(MRV, 2, 1) GRADIENT_CASE(MRV, 3, 1)
#else
#error "GK must be 3, 4 or 6"
#endif

KERNEL_TARGET __attribute__((noinline)) static void gradient_dispatch(
    int mr, int nc, int nj, const swiftcnn_direct_shape *g, const uint32_t *vmasks,
    long vectors, long c, long t, long samples, const float *source, long source_sample,
    const float *gradient, long gradient_sample, long gradient_stride, float *partial,
    int first) {
    switch ((mr * 8 + nc) * 8 + nj) {
#if GR >= 4
        GRADIENT_ROW(4)
#endif
#if GR >= 3
        GRADIENT_ROW(3)
#endif
        GRADIENT_ROW(2) GRADIENT_ROW(1)
    default: break;
    }
}

KERNEL_TARGET void FN(swiftcnn_direct_weight_gradient)(
    const swiftcnn_direct_shape *g, const uint32_t *masks, long outputs, long samples,
    const float *source, long source_sample, const float *gradient, long gradient_sample,
    long gradient_stride, float *dw, long dw_stride, int accumulate, long kernel_width) {
    const long vectors = vector_count(g), taps = g->taps, channels = g->channels;
    const long patch = channels * taps;
    // Partial sums, then the mask table transposed to [vector][tap].
    const long partial_size = (patch * GR * LANES + 15) / 16 * 16;
    float *buffer = swiftcnn_thread_buffer(
        SWIFTCNN_BUFFER_DIRECT, (size_t)(partial_size + vectors * taps));
    if (buffer == NULL || samples <= 0) return;
    float *partial = buffer;
    uint32_t *vmasks = (uint32_t *)(buffer + partial_size);
    for (long t = 0; t < taps; t++)
        for (long v = 0; v < vectors; v++) vmasks[v * taps + t] = masks[t * vectors + v];
    // Tiles: runs of at most GK taps of one kernel row, times as many channels as fit.
    const long row = kernel_width > 0 && taps % kernel_width == 0 ? kernel_width : taps;
    const long row_tiles = (row + GK - 1) / GK;
    const long chunk_vectors = CHUNK_PIXELS / LANES;
    long chunk = (chunk_vectors + vectors - 1) / vectors;
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
                const float sum = reduce_add(vload(partial + (k * GR + r) * LANES));
                out[k] = accumulate ? out[k] + sum : sum;
            }
        }
    }
}

// MARK: Weight gradient with output channels in the vectors

/// One tile over every pixel of `samples` samples: output vectors o0.., channels c0.. (`nc`,
/// those ≥ channels read `zero`, a zero plane, and are not stored), taps (i, 0..<kw).
KERNEL_TARGET INLINE void wide_tile(
    const int ov, const int kw, const int nc, const swiftcnn_wide_gradient_shape *g, long o0,
    long i, long c0, long samples, const float *padded, long padded_sample,
    const float *zero, const float *gradient_t, long gradient_t_sample, float *dwt,
    int first) {
    enum { MAX_NC = 8, MAX_KW = 5 };
    vf acc[MAX_NC][MAX_KW][WIDE_OV];
    const long width = g->output_vectors * LANES;
    const long kh = g->kernel_height, channels = g->channels;
    for (int a = 0; a < nc; a++) {
        for (int j = 0; j < kw; j++) {
            const float *row = dwt + (((c0 + a) * kh + i) * kw + j) * width + o0 * LANES;
            for (int v = 0; v < ov; v++) {
                acc[a][j][v] = first || c0 + a >= channels ? (vf){0} : vload(row + v * LANES);
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
                vf dy[WIDE_OV];
                for (int v = 0; v < ov; v++) dy[v] = vload(d + v * LANES);
                for (int a = 0; a < nc; a++) {
                    for (int j = 0; j < kw; j++) {
                        const vf x = splat(base[a][index + j]);
                        for (int v = 0; v < ov; v++) acc[a][j][v] = vfma(x, dy[v], acc[a][j][v]);
                    }
                }
            }
        }
    }
    for (int a = 0; a < nc; a++) {
        if (c0 + a >= channels) break;
        for (int j = 0; j < kw; j++) {
            float *row = dwt + (((c0 + a) * kh + i) * kw + j) * width + o0 * LANES;
            for (int v = 0; v < ov; v++) vstore(row + v * LANES, acc[a][j][v]);
        }
    }
}

/// Channels per wide tile for `ov` output vectors and `kw` taps: about WIDE_ACC accumulators.
static inline int wide_channels(int ov, int kw) {
    int nc = WIDE_ACC / (ov * kw);
    if (nc < 1) nc = 1;
    return nc > 8 ? 8 : nc;
}

#define WIDE_CASE(OV, KW)                                                                   \
    case (OV) * 8 + (KW):                                                                  \
        wide_tile(OV, KW, wide_channels(OV, KW), g, o0, i, c0, samples, padded,             \
            padded_sample, zero, gradient_t, gradient_t_sample, dwt, first);                \
        break;
#define WIDE_ROW(OV) WIDE_CASE(OV, 1) WIDE_CASE(OV, 3) WIDE_CASE(OV, 5)

KERNEL_TARGET __attribute__((noinline)) static void wide_dispatch(
    int ov, int kw, const swiftcnn_wide_gradient_shape *g, long o0, long i, long c0,
    long samples, const float *padded, long padded_sample, const float *zero,
    const float *gradient_t, long gradient_t_sample, float *dwt, int first) {
    switch (ov * 8 + kw) {
#if WIDE_OV >= 4
        WIDE_ROW(4) WIDE_ROW(3)
#endif
        WIDE_ROW(2) WIDE_ROW(1)
    default: break;
    }
}

KERNEL_TARGET void FN(swiftcnn_weight_gradient_wide)(
    const swiftcnn_wide_gradient_shape *g, long samples, const float *padded,
    long padded_sample, const float *zero, const float *gradient_t, long gradient_t_sample,
    float *dwt, int accumulate) {
    const int kw = (int)g->kernel_width;
    for (long o0 = 0; o0 < g->output_vectors; o0 += WIDE_OV) {
        const long rest = g->output_vectors - o0;
        const int ov = (int)(rest < WIDE_OV ? rest : WIDE_OV);
        const int nc = wide_channels(ov, kw);
        for (long i = 0; i < g->kernel_height; i++) {
            for (long c0 = 0; c0 < g->channels; c0 += nc) {
                wide_dispatch(ov, kw, g, o0, i, c0, samples, padded, padded_sample, zero,
                    gradient_t, gradient_t_sample, dwt, !accumulate);
            }
        }
    }
}

// MARK: Column shifts

/// One channel's column shifts (swiftcnn_direct_shift_columns): plane j of `dest` (`height` x
/// `out_width`) is the `height` x `width` plane at `plane` read from column j·dilation −
/// padding on, zero outside it. A row's last vector is stored whole, running into the rows
/// and planes after it (written later), except where it would pass the end of the channel's
/// planes when `last` (nothing follows them in `dest`). Where a vector would leave the
/// source plane, only its lanes inside the row are read.
KERNEL_TARGET void FN(swiftcnn_shift_columns)(
    const float *plane, long height, long width, long kernel_width, long dilation,
    long padding, long out_width, float *dest, int last) {
    const long size = height * width, out_plane = height * out_width;
    // Scalars a row's whole vectors cover, and where dest must not be written past.
    const long covered = (out_width + LANES - 1) / LANES * LANES;
    const long end = last ? kernel_width * out_plane : LONG_MAX;
    for (long j = 0; j < kernel_width; j++) {
        const long shift = j * dilation - padding;
        float *target = dest + j * out_plane;
        long y = 0;
        if (shift >= 0 && shift + out_width <= width) {
            // Every column inside the plane: whole vectors, for the rows whose loads stay
            // inside the plane and whose stores stay before `end`.
            const long loads = size - shift - covered, stores = end - j * out_plane - covered;
            long rows = loads < 0 || stores < 0 ? 0 : 1 + loads / width;
            if (stores >= 0 && rows > 1 + stores / out_width) rows = 1 + stores / out_width;
            if (rows > height) rows = height;
            for (; y < rows; y++) {
                const float *line = plane + y * width + shift;
                float *row = target + y * out_width;
                for (long x = 0; x < out_width; x += LANES) vstore(row + x, vload(line + x));
            }
        }
        for (; y < height; y++) {
            const long start = y * width;
            float *row = target + y * out_width;
            for (long x = 0; x < out_width; x += LANES) {
                const long n = out_width - x < LANES ? out_width - x : LANES;
                const long s = x + shift;
                // Lanes past n are dropped (or overwritten by the next row).
                const vf v = s >= 0 && s + n <= width && start + s + LANES <= size
                    ? vload(plane + start + s)
                    : row_edge_load(plane + start, s, width);
                if (j * out_plane + y * out_width + x + LANES <= end) {
                    vstore(row + x, v);
                } else {
                    store_partial(row + x, v, n);
                }
            }
        }
    }
}

// MARK: Stride phases (horizontal stride 2)

/// Splits `rows` input rows of `2·count` pixels (`line_stride` scalars apart from `lines`)
/// into their even and odd pixels: rows of `count` one after the other at `even` and `odd`.
/// Where two rows fill a vector (2·count = LANES: a 16-wide plane at 16 lanes), two rows at a
/// time, whole vectors.
KERNEL_TARGET void FN(swiftcnn_split_row_pairs)(
    const float *lines, long rows, long line_stride, long count, float *even, float *odd) {
    long y = 0;
    if (2 * count == LANES) {
        for (; y + 1 < rows; y += 2) {
            const vf a = vload(lines + y * line_stride);
            const vf b = vload(lines + (y + 1) * line_stride);
            vstore(even + y * count, __builtin_shufflevector(a, b, EVEN_LANES));
            vstore(odd + y * count, __builtin_shufflevector(a, b, ODD_LANES));
        }
    }
    for (; y < rows; y++) {
        const float *line = lines + y * line_stride;
        for (long x = 0; x < count; x += LANES) {
            const long left = count - x;
            const vf a = vload_first(line + 2 * x, 2 * left);
            const vf b = vload_first(line + 2 * x + LANES, 2 * left - LANES);
            vstore_first(even + y * count + x, __builtin_shufflevector(a, b, EVEN_LANES), left);
            vstore_first(odd + y * count + x, __builtin_shufflevector(a, b, ODD_LANES), left);
        }
    }
}

/// Interleaves `rows` rows of `count` even and `count` odd pixels (one after the other at
/// `even` and `odd`) into rows of `2·count`, `line_stride` scalars apart from `lines`; two
/// rows at a time where they fill a vector, as swiftcnn_split_row_pairs.
KERNEL_TARGET void FN(swiftcnn_merge_row_pairs)(
    const float *even, const float *odd, long rows, long count, float *lines,
    long line_stride) {
    long y = 0;
    if (2 * count == LANES) {
        for (; y + 1 < rows; y += 2) {
            const vf e = vload(even + y * count), o = vload(odd + y * count);
            vstore(lines + y * line_stride, __builtin_shufflevector(e, o, LOW_LANES));
            vstore(lines + (y + 1) * line_stride, __builtin_shufflevector(e, o, HIGH_LANES));
        }
    }
    for (; y < rows; y++) {
        float *line = lines + y * line_stride;
        for (long x = 0; x < count; x += LANES) {
            const long left = count - x;
            const vf e = vload_first(even + y * count + x, left);
            const vf o = vload_first(odd + y * count + x, left);
            vstore_first(line + 2 * x, __builtin_shufflevector(e, o, LOW_LANES), 2 * left);
            vstore_first(line + 2 * x + LANES, __builtin_shufflevector(e, o, HIGH_LANES),
                2 * left - LANES);
        }
    }
}

// MARK: Pooling

/// Takes `value` (at flat index `index`) where it beats `best` or is NaN: windows are visited
/// in row-major order, so the first maximum wins ties and the last NaN wins, as PyTorch does.
KERNEL_TARGET INLINE void take_better(vf value, vi index, vf *best, vi *best_index) {
    const vi better = (value > *best) | (value != value);
    *best = select_f(better, value, *best);
    *best_index = select_i(better, index, *best_index);
}

KERNEL_TARGET void FN(swiftcnn_max_pool_2x2)(
    const float *x, long width, long out_rows, long out_width, float *y, int32_t *indices) {
    const vi even = lane_index() * 2;
    const vi one = splat_i(1), down = splat_i((int32_t)width);
    for (long oy = 0; oy < out_rows; oy++) {
        const float *top = x + 2 * oy * width, *bottom = top + width;
        for (long ox = 0; ox < out_width; ox += LANES) {
            const long count = out_width - ox;
            const vf t0 = vload_first(top + 2 * ox, 2 * count);
            const vf t1 = vload_first(top + 2 * ox + LANES, 2 * count - LANES);
            const vf b0 = vload_first(bottom + 2 * ox, 2 * count);
            const vf b1 = vload_first(bottom + 2 * ox + LANES, 2 * count - LANES);
            // Flat index of each window's top-left pixel (2·lane + the row's start).
            const vi first = even + splat_i((int32_t)(2 * oy * width + 2 * ox));
            vf best = __builtin_shufflevector(t0, t1, EVEN_LANES);
            vi best_index = first;
            take_better(__builtin_shufflevector(t0, t1, ODD_LANES), first + one, &best,
                &best_index);
            take_better(__builtin_shufflevector(b0, b1, EVEN_LANES), first + down, &best,
                &best_index);
            take_better(__builtin_shufflevector(b0, b1, ODD_LANES), first + down + one, &best,
                &best_index);
            vstore_first(y + oy * out_width + ox, best, count);
            vstore_first_i(indices + oy * out_width + ox, best_index, count);
        }
    }
}

KERNEL_TARGET int FN(swiftcnn_max_pool_2x2_backward)(
    const float *dy, const int32_t *indices, long width, long out_rows, long out_width,
    float *dx) {
    const vi even = lane_index() * 2;
    const vi one = splat_i(1), down = splat_i((int32_t)width);
    const vi lanes = lane_index();
    for (long oy = 0; oy < out_rows; oy++) {
        float *top = dx + 2 * oy * width, *bottom = top + width;
        for (long ox = 0; ox < out_width; ox += LANES) {
            const long count = out_width - ox;
            const vf d = vload_first(dy + oy * out_width + ox, count);
            vi index = {0};
            if (count >= LANES) {
                index = vload_i(indices + oy * out_width + ox);
            } else {
                memcpy(&index, indices + oy * out_width + ox, (size_t)count * sizeof(int32_t));
            }
            const vi first = even + splat_i((int32_t)(2 * oy * width + 2 * ox));
            const vi e0 = index == first, e1 = index == first + one;
            const vi e2 = index == first + down, e3 = index == first + down + one;
            // Every window's index must lie in the window (lanes past the row's end aside).
            const vi missing = ~(e0 | e1 | e2 | e3) & (lanes < splat_i((int32_t)count));
            for (int lane = 0; lane < LANES; lane++) {
                if (missing[lane]) return 0;
            }
            // 0 + gradient, as the scalar scatter into a zeroed plane computes it.
            const vf zero = {0};
            const vf a = zero + and_mask(d, e0), b = zero + and_mask(d, e1);
            const vf c = zero + and_mask(d, e2), e = zero + and_mask(d, e3);
            vstore_first(top + 2 * ox, __builtin_shufflevector(a, b, LOW_LANES), 2 * count);
            vstore_first(top + 2 * ox + LANES, __builtin_shufflevector(a, b, HIGH_LANES),
                2 * count - LANES);
            vstore_first(bottom + 2 * ox, __builtin_shufflevector(c, e, LOW_LANES), 2 * count);
            vstore_first(bottom + 2 * ox + LANES, __builtin_shufflevector(c, e, HIGH_LANES),
                2 * count - LANES);
        }
    }
    return 1;
}
