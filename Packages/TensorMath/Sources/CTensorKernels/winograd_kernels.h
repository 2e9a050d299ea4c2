// Winograd F(2x2, 3x3) forward convolution, written once for any vector width (internal).
// Included by direct_avx512.c, direct_avx2.c and direct_portable.c after direct_kernels.h,
// with these definitions:
//   WINO_MR, WINO_NV   product tile: output channels (≤ SWIFTCNN_DIRECT_BLOCK) x vectors of
//                      tiles (≤ 3)
//
// A 3x3, stride-1 convolution computed per 2x2 output tile as Y = Aᵀ[U ⊙ V]A (Lavin & Gray,
// "Fast Algorithms for Convolutional Neural Networks", 2015), with U = G g Gᵀ the
// transformed filter (swiftcnn_winograd_pack_filter) and V = Bᵀ d B the transformed 4x4
// input patch d of the tile; the products summed over channels are 16 small matrix products
// (one per position ξ of the 4x4 transformed tile): 16 multiplications per 4 outputs and
// channel instead of 36.
//
//   Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]   Aᵀ = [1 1 1 0; 0 1 -1 -1]
//
// One call computes a block of whole samples, every stage kept in this thread's cache:
//  1. input transform: every channel of every tile of the block into V [16][C][tiles]. The
//     channel's plane is split into its four (row, column) parity phases, which makes the
//     16 values of consecutive tiles contiguous in memory (d[i][j] of tile e is phase
//     (i mod 2, j mod 2) at e + (i/2)·pitch + j/2, on a grid of tiles one column wider than
//     the output's, the extra column dropped when V is written);
//  2. for a group of WINO_NV vectors of tiles and WINO_MR output channels, the 16 products
//     M[ξ] = U[ξ]·V[ξ] in registers (weights broadcast, tiles in the lanes), stored to a
//     small buffer;
//  3. the output transform of that buffer, plus bias and ReLU, scattered to the tiles' 2x2
//     output pixels.
// Every output is computed by the same operations in the same order whatever the block, so
// results do not depend on how samples are split over calls or threads.

enum { WINO_POSITIONS = 16 };

/// Padded scalar counts of a block's scratch areas (multiples of 16 floats, 64 bytes).
typedef struct {
    long tiles, padded_tiles, pitch, extended, phase_size;
    long v, ext, phases, products, offsets, total;
} wino_layout;

static wino_layout FN(wino_layout_of)(const swiftcnn_winograd_shape *s, long samples) {
    wino_layout l;
    const long th = s->tiles_height, tw = s->tiles_width;
    l.tiles = samples * th * tw;
    l.padded_tiles = (l.tiles + LANES - 1) / LANES * LANES;
    l.pitch = tw + 1;
    l.extended = th * l.pitch;
    // Phase rows th + 1, plus one scalar (tile e reads up to e + pitch + 1) and a vector's
    // slack for the last vector of tiles.
    l.phase_size = ((th + 1) * l.pitch + 1 + LANES + 15) / 16 * 16;
    l.v = WINO_POSITIONS * s->channels * l.padded_tiles;
    l.ext = WINO_POSITIONS * ((l.extended + LANES + 15) / 16 * 16);
    l.phases = 4 * l.phase_size;
    l.products = WINO_POSITIONS * WINO_MR * WINO_NV * LANES;
    l.offsets = (2 * l.padded_tiles + 15) / 16 * 16; // longs, two floats each
    l.total = l.v + l.ext + l.phases + l.products + l.offsets;
    return l;
}

/// The four parity phases of one input channel: phase[(a·2 + b)·phase_size + r·pitch + k] =
/// x[2r + a − pad_h][2k + b − pad_w], zero outside the plane.
KERNEL_TARGET INLINE void wino_phases(
    const swiftcnn_winograd_shape *s, const wino_layout *l, const float *channel,
    float *phase) {
    const long rows = s->tiles_height + 1, pitch = l->pitch;
    const long ph = s->padding_height, pw = s->padding_width;
    // Columns 2k − pw and 2k + 1 − pw both inside for k in [low, high).
    const long low = (pw + 1) / 2, span = s->width - 2 + pw;
    long high = span < 0 ? 0 : span / 2 + 1;
    if (high > pitch) high = pitch;
    for (int a = 0; a < 2; a++) {
        float *even = phase + (a * 2) * l->phase_size, *odd = even + l->phase_size;
        for (long r = 0; r < rows; r++) {
            const long y = 2 * r + a - ph;
            float *e = even + r * pitch, *o = odd + r * pitch;
            if (y < 0 || y >= s->height) {
                for (long k = 0; k < pitch; k++) e[k] = o[k] = 0.0f;
                continue;
            }
            const float *row = channel + y * s->width - pw;
            for (long k = 0; k < pitch; k++) {
                if (k == low && low < high) {
                    for (; k < high; k++) {
                        e[k] = row[2 * k];
                        o[k] = row[2 * k + 1];
                    }
                    if (k == pitch) break;
                }
                const long x = 2 * k - pw;
                e[k] = x >= 0 && x < s->width ? row[2 * k] : 0.0f;
                o[k] = x + 1 >= 0 && x + 1 < s->width ? row[2 * k + 1] : 0.0f;
            }
        }
        // The scalar past the last row and the slack that whole-vector loads may read.
        for (long k = rows * pitch; k < l->phase_size; k++) even[k] = odd[k] = 0.0f;
    }
}

/// Transforms every tile of one channel of one sample (its phases at `phase`) into `ext`
/// ([16][extended, padded]) over the extended tile grid, then copies the output's tiles to
/// V: `v` points at (ξ = 0, this channel, the sample's first tile); positions are
/// `position_stride` apart.
KERNEL_TARGET INLINE void wino_input_channel(
    const swiftcnn_winograd_shape *s, const wino_layout *l, const float *phase, float *ext,
    float *v, long position_stride) {
    const long pitch = l->pitch, ext_stride = l->ext / WINO_POSITIONS;
    const float *p00 = phase, *p01 = phase + l->phase_size;
    const float *p10 = phase + 2 * l->phase_size, *p11 = phase + 3 * l->phase_size;
    for (long e = 0; e < l->extended; e += LANES) {
        const long down = e + pitch;
        const vf d[4][4] = {
            {vload(p00 + e), vload(p01 + e), vload(p00 + e + 1), vload(p01 + e + 1)},
            {vload(p10 + e), vload(p11 + e), vload(p10 + e + 1), vload(p11 + e + 1)},
            {vload(p00 + down), vload(p01 + down), vload(p00 + down + 1),
                vload(p01 + down + 1)},
            {vload(p10 + down), vload(p11 + down), vload(p10 + down + 1),
                vload(p11 + down + 1)},
        };
        vf r[4][4];
        UNROLL for (int j = 0; j < 4; j++) {
            r[0][j] = d[0][j] - d[2][j];
            r[1][j] = d[1][j] + d[2][j];
            r[2][j] = d[2][j] - d[1][j];
            r[3][j] = d[1][j] - d[3][j];
        }
        UNROLL for (int i = 0; i < 4; i++) {
            vstore(ext + (i * 4 + 0) * ext_stride + e, r[i][0] - r[i][2]);
            vstore(ext + (i * 4 + 1) * ext_stride + e, r[i][1] + r[i][2]);
            vstore(ext + (i * 4 + 2) * ext_stride + e, r[i][2] - r[i][1]);
            vstore(ext + (i * 4 + 3) * ext_stride + e, r[i][1] - r[i][3]);
        }
    }
    const long th = s->tiles_height, tw = s->tiles_width;
    for (int xi = 0; xi < WINO_POSITIONS; xi++) {
        const float *from = ext + xi * ext_stride;
        float *to = v + xi * position_stride;
        for (long ty = 0; ty < th; ty++) {
            memcpy(to + ty * tw, from + ty * pitch, (size_t)tw * sizeof(float));
        }
    }
}

/// One product tile: m[r][·] = Σ_c u[c][r] · v[c][·] for `mr` output channels (u holds
/// SWIFTCNN_DIRECT_BLOCK per channel) and `nv` vectors of tiles (rows of v `stride` apart);
/// m rows are WINO_NV·LANES apart.
KERNEL_TARGET INLINE void wino_product(
    const int mr, const int nv, long channels, const float *u, const float *v, long stride,
    float *m) {
    vf acc[WINO_MR][WINO_NV];
    UNROLL for (int r = 0; r < mr; r++) {
        UNROLL for (int j = 0; j < nv; j++) acc[r][j] = (vf){0};
    }
    for (long c = 0; c < channels; c++) {
        vf x[WINO_NV];
        UNROLL for (int j = 0; j < nv; j++) x[j] = vload(v + j * LANES);
        UNROLL for (int r = 0; r < mr; r++) {
            const vf a = splat(u[r]);
            UNROLL for (int j = 0; j < nv; j++) acc[r][j] = vfma(a, x[j], acc[r][j]);
        }
        u += SWIFTCNN_DIRECT_BLOCK;
        v += stride;
    }
    UNROLL for (int r = 0; r < mr; r++) {
        UNROLL for (int j = 0; j < nv; j++) vstore(m + r * WINO_NV * LANES + j * LANES, acc[r][j]);
    }
}

#define WINO_CASE(MRV, NVV)                                                                 \
    case (MRV) * 4 + (NVV):                                                                \
        wino_product(MRV, NVV, channels, u, v, stride, m);                                  \
        break;
#if WINO_NV == 3
#define WINO_ROW(MRV) WINO_CASE(MRV, 1) WINO_CASE(MRV, 2) WINO_CASE(MRV, 3)
#elif WINO_NV == 2
#define WINO_ROW(MRV) WINO_CASE(MRV, 1) WINO_CASE(MRV, 2)
#else
#define WINO_ROW(MRV) WINO_CASE(MRV, 1)
#endif

KERNEL_TARGET __attribute__((noinline)) static void wino_product_dispatch(
    int mr, int nv, long channels, const float *u, const float *v, long stride, float *m) {
    switch (mr * 4 + nv) {
#if WINO_MR == 8
        WINO_ROW(8) WINO_ROW(7) WINO_ROW(6) WINO_ROW(5)
#endif
        WINO_ROW(4) WINO_ROW(3) WINO_ROW(2) WINO_ROW(1)
    default: break;
    }
}

/// The output transform of one product buffer (`m` [16][WINO_MR][WINO_NV·LANES]) for `mr`
/// output channels from k0 and the `count` tiles from t0, with bias and ReLU, stored to the
/// tiles' output pixels (`offsets[t]`: the tile's top-left pixel in the block's output;
/// `edges[t]`: bit 0 when it has no right column, bit 1 when it has no bottom row).
KERNEL_TARGET INLINE void wino_output(
    const swiftcnn_winograd_shape *s, const float *m, int mr, long count, long k0,
    const long *offsets, const float *bias, int relu, float *output) {
    const long plane = s->output_height * s->output_width, ow = s->output_width;
    const int partial = (s->output_height | s->output_width) & 1;
    const long row = WINO_MR * WINO_NV * LANES;
    for (int r = 0; r < mr; r++) {
        const vf b = splat(bias ? bias[k0 + r] : 0.0f);
        float *target = output + (k0 + r) * plane;
        for (long t = 0; t < count; t += LANES) {
            const float *q = m + r * WINO_NV * LANES + t;
            vf u0[4], u1[4];
            UNROLL for (int j = 0; j < 4; j++) {
                const vf q0 = vload(q + (0 * 4 + j) * row), q1 = vload(q + (1 * 4 + j) * row);
                const vf q2 = vload(q + (2 * 4 + j) * row), q3 = vload(q + (3 * 4 + j) * row);
                u0[j] = q0 + q1 + q2;
                u1[j] = q1 - q2 - q3;
            }
            vf y[4] = {
                u0[0] + u0[1] + u0[2] + b, u0[1] - u0[2] - u0[3] + b,
                u1[0] + u1[1] + u1[2] + b, u1[1] - u1[2] - u1[3] + b,
            };
            if (relu) {
                UNROLL for (int i = 0; i < 4; i++) y[i] = relu_lanes(y[i]);
            }
            float lanes[4][LANES];
            UNROLL for (int i = 0; i < 4; i++) vstore(lanes[i], y[i]);
            const long n = count - t < LANES ? count - t : LANES;
            for (long lane = 0; lane < n; lane++) {
                const long offset = offsets[t + lane];
                float *p = target + (offset >> 2);
                if (!partial) {
                    p[0] = lanes[0][lane];
                    p[1] = lanes[1][lane];
                    p[ow] = lanes[2][lane];
                    p[ow + 1] = lanes[3][lane];
                    continue;
                }
                p[0] = lanes[0][lane];
                if (!(offset & 1)) p[1] = lanes[1][lane];
                if (!(offset & 2)) {
                    p[ow] = lanes[2][lane];
                    if (!(offset & 1)) p[ow + 1] = lanes[3][lane];
                }
            }
        }
    }
}

KERNEL_TARGET int FN(swiftcnn_winograd_forward)(
    const swiftcnn_winograd_shape *s, const float *packed, const float *bias,
    const float *input, long samples, float *output, int relu) {
    if (samples <= 0) return 0;
    const wino_layout l = FN(wino_layout_of)(s, samples);
    float *buffer = swiftcnn_thread_buffer(SWIFTCNN_BUFFER_WINOGRAD, (size_t)l.total);
    if (buffer == NULL) return -1;
    float *v = buffer, *ext = v + l.v, *phase = ext + l.ext, *m = phase + l.phases;
    long *offsets = (long *)(m + l.products);
    const long channels = s->channels, outputs = s->outputs, pt = l.padded_tiles;
    const long th = s->tiles_height, tw = s->tiles_width, per_sample = th * tw;
    const long in_plane = s->height * s->width;
    const long out_sample = outputs * s->output_height * s->output_width;
    // 1. V [16][C][padded tiles]; the padding tiles are zero.
    for (long n = 0; n < samples; n++) {
        for (long c = 0; c < channels; c++) {
            wino_phases(s, &l, input + (n * channels + c) * in_plane, phase);
            wino_input_channel(s, &l, phase, ext, v + c * pt + n * per_sample, channels * pt);
        }
    }
    if (pt > l.tiles) {
        for (long k = 0; k < WINO_POSITIONS * channels; k++) {
            memset(v + k * pt + l.tiles, 0, (size_t)(pt - l.tiles) * sizeof(float));
        }
    }
    // Where each tile's outputs go (times 4, with the edge bits).
    for (long t = 0; t < l.tiles; t++) {
        const long n = t / per_sample, ty = t % per_sample / tw, tx = t % tw;
        const long edge = (2 * tx + 1 >= s->output_width ? 1 : 0)
            | (2 * ty + 1 >= s->output_height ? 2 : 0);
        offsets[t] = (n * out_sample + 2 * ty * s->output_width + 2 * tx) * 4 + edge;
    }
    // 2 and 3, per group of tiles and of output channels.
    const long group = WINO_NV * LANES;
    const long block_size = WINO_POSITIONS * channels * SWIFTCNN_DIRECT_BLOCK;
    for (long t0 = 0; t0 < l.tiles; t0 += group) {
        const long count = l.tiles - t0 < group ? l.tiles - t0 : group;
        const int nv = (int)((count + LANES - 1) / LANES);
        for (long k0 = 0; k0 < outputs; k0 += WINO_MR) {
            const int mr = (int)(outputs - k0 < WINO_MR ? outputs - k0 : WINO_MR);
            const float *u = packed + (k0 / SWIFTCNN_DIRECT_BLOCK) * block_size
                + k0 % SWIFTCNN_DIRECT_BLOCK;
            for (int xi = 0; xi < WINO_POSITIONS; xi++) {
                wino_product_dispatch(mr, nv, channels,
                    u + xi * channels * SWIFTCNN_DIRECT_BLOCK, v + xi * channels * pt + t0, pt,
                    m + xi * WINO_MR * WINO_NV * LANES);
            }
            wino_output(s, m, mr, count, k0, offsets + t0, bias, relu, output);
        }
    }
    return 0;
}
