// Winograd F(2x2, 3x3) convolution and its F(3x3, 2x2) weight gradient, written once for any
// vector width (internal).
// Included by direct_avx512.c, direct_avx2.c and direct_portable.c after direct_kernels.h,
// with these definitions:
//   WINO_MR, WINO_NV   product tile: output channels (≤ SWIFTCNN_DIRECT_BLOCK) x vectors of
//                      tiles (≤ 3)
//   W4_GROUPS          optional, for winograd4_kernels.h: groups of tiles per pass over the
//                      weights (default 1)
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
//     channel's plane is split into eight parity planes (rows and columns even or odd, and the
//     columns one tile to the right; vector loads and shuffles), which makes the 16 values of
//     consecutive tiles contiguous in memory (see wino_planes), then transformed a vector of
//     tiles at a time;
//  2. for a group of WINO_NV vectors of tiles and WINO_MR output channels, the 16 products
//     M[ξ] = U[ξ]·V[ξ] in registers (weights broadcast, tiles in the lanes), stored to a
//     small buffer;
//  3. the output transform of that buffer, plus bias and ReLU, scattered to the tiles' 2x2
//     output pixels.
// Every output is computed by the same operations in the same order whatever the block, so
// results do not depend on how samples are split over calls or threads.

enum {
    WINO_POSITIONS = 16,
    /// Channels whose input transform runs stage by stage together.
    WINO_GROUP = 8,
};

/// Padded scalar counts of a block's scratch areas (multiples of 16 floats, 64 bytes).
typedef struct {
    long tiles, padded_tiles, row, plane_size, planes;
    long position_stride, v, products, offsets, total;
} wino_layout;

static wino_layout FN(wino_layout_of)(const swiftcnn_winograd_shape *s, long samples) {
    wino_layout l;
    const long th = s->tiles_height, tw = s->tiles_width;
    l.tiles = samples * th * tw;
    l.padded_tiles = (l.tiles + LANES - 1) / LANES * LANES;
    // A row of V holds one vector more than its tiles: whole-vector stores of a sample's
    // last tiles run into it (the next sample's stores, made later, overwrite the rest).
    l.row = l.padded_tiles + LANES;
    // th + 1 rows of tw, and a vector's slack for whole-vector stores and loads.
    l.plane_size = ((th + 1) * tw + LANES + 15) / 16 * 16;
    l.planes = 8 * l.plane_size;
    // One cache line more than the 16 positions' [C][row] planes, so that the 16 rows of a
    // tile and channel do not share one set of the L1 cache (the planes are often a multiple
    // of 4 KB apart).
    l.position_stride = s->channels * l.row + 16;
    l.v = WINO_POSITIONS * l.position_stride;
    l.products = WINO_POSITIONS * WINO_MR * WINO_NV * LANES;
    l.offsets = (2 * l.padded_tiles + 15) / 16 * 16; // longs, two floats each
    l.total = l.v + WINO_GROUP * l.planes + l.products + l.offsets;
    return l;
}

/// Lanes `x0 + 2·lane` of a row of `width` scalars at `row`, zero outside [0, width): read
/// one by one (for rows at the ends of the block's memory), out of line.
KERNEL_TARGET __attribute__((noinline)) static vf wino_gather(
    const float *row, long x0, long width) {
    float lanes[LANES];
    for (long lane = 0; lane < LANES; lane++) {
        const long x = x0 + 2 * lane;
        lanes[lane] = x >= 0 && x < width ? row[x] : 0.0f;
    }
    return vload(lanes);
}

/// Lanes of the plane vector from tile column k0 whose column b (x0 + b + 2·lane, x0 =
/// 2·k0 − pad_w) lies inside the input's `width`.
KERNEL_TARGET INLINE void wino_inside(long x0, long width, vi inside[4]) {
    UNROLL for (int b = 0; b < 4; b++) {
        const vi x = splat_i((int32_t)(x0 + b)) + splat_i(2) * lane_index();
        inside[b] = (x >= splat_i(0)) & (x < splat_i((int32_t)width));
    }
}

/// The `columns` plane vectors of input row y from tile column k0 (x0 = 2·k0 − pad_w; lanes
/// outside the row masked by `inside`), stored at `target` (planes `ps` apart). Column b of
/// lane j is x0 + b + 2j: b = 0, 1 are the even and odd lanes of the two vectors from x0,
/// b = 2, 3 those of the two vectors from x0 + 2.
KERNEL_TARGET INLINE void wino_plane_vectors(
    const swiftcnn_winograd_shape *s, const float *channel, long start, long size, long y,
    long x0, const vi inside[4], const int columns, float *target, long ps) {
    const long width = s->width;
    vf v[4];
    if (y < 0 || y >= s->height) {
        UNROLL for (int b = 0; b < 4; b++) v[b] = (vf){0};
    } else if (start + y * width + x0 >= 0
        && start + y * width + x0 + (columns > 2 ? 2 : 0) + 2 * LANES <= size) {
        const float *row = channel + y * width + x0;
        UNROLL for (int h = 0; h < columns / 2; h++) {
            const vf lo = vload(row + 2 * h), hi = vload(row + 2 * h + LANES);
            v[2 * h] = and_mask(__builtin_shufflevector(lo, hi, EVEN_LANES), inside[2 * h]);
            v[2 * h + 1] =
                and_mask(__builtin_shufflevector(lo, hi, ODD_LANES), inside[2 * h + 1]);
        }
    } else {
        UNROLL for (int b = 0; b < columns; b++) {
            v[b] = wino_gather(channel + y * width, x0 + b, width);
        }
    }
    UNROLL for (int b = 0; b < columns; b++) vstore(target + b * ps, v[b]);
}

/// The eight parity planes of one input channel: plane a·4 + b (a, b < 2 row and column
/// parity; b = 2, 3 the column parities one tile to the right) holds, at row r and column k
/// (rows `tw` apart), x[2r + a − pad_h][2k + b − pad_w], zero outside the input plane. Tile
/// e = ty·tw + tx then reads d[i][j] from plane (i mod 2)·4 + j at e + (i / 2)·tw.
/// `start` is the channel's offset in the block's input of `size` scalars (loads past its
/// ends are made lane by lane). `columns` 2 makes only the planes with b < 2.
KERNEL_TARGET INLINE void wino_planes(
    const swiftcnn_winograd_shape *s, const wino_layout *l, const float *channel, long start,
    long size, float *planes, const int columns) {
    const long rows = s->tiles_height + 1, tw = s->tiles_width, width = s->width;
    const long ph = s->padding_height, pw = s->padding_width, ps = l->plane_size;
    vi inside[4];
    wino_inside(-pw, width, inside);
    // Rows in order: a row's whole-vector stores run into the next row, which overwrites them.
    for (int a = 0; a < 2; a++) {
        for (long r = 0; r < rows; r++) {
            float *target = planes + (a * 4) * ps + r * tw;
            const long y = 2 * r + a - ph;
            wino_plane_vectors(s, channel, start, size, y, -pw, inside, columns, target, ps);
            for (long k0 = LANES; k0 < tw; k0 += LANES) {
                vi later[4];
                wino_inside(2 * k0 - pw, width, later);
                wino_plane_vectors(
                    s, channel, start, size, y, 2 * k0 - pw, later, columns, target + k0, ps);
            }
        }
    }
}

/// Transforms every tile of one channel of one sample (its planes at `planes`) into V: `v`
/// points at (ξ = 0, this channel, the sample's first tile), positions `position_stride`
/// apart. Whole vectors are stored; lanes past the sample's tiles are overwritten later.
KERNEL_TARGET INLINE void wino_transform(
    const swiftcnn_winograd_shape *s, const wino_layout *l, const float *planes, float *v) {
    const long tw = s->tiles_width, count = s->tiles_height * tw, ps = l->plane_size;
    const long stride = l->position_stride;
    for (long e = 0; e < count; e += LANES) {
        vf d[4][4];
        UNROLL for (int i = 0; i < 4; i++) {
            UNROLL for (int j = 0; j < 4; j++) {
                d[i][j] = vload(planes + ((i % 2) * 4 + j) * ps + e + (i / 2) * tw);
            }
        }
        vf r[4][4];
        UNROLL for (int j = 0; j < 4; j++) {
            r[0][j] = d[0][j] - d[2][j];
            r[1][j] = d[1][j] + d[2][j];
            r[2][j] = d[2][j] - d[1][j];
            r[3][j] = d[1][j] - d[3][j];
        }
        UNROLL for (int i = 0; i < 4; i++) {
            vstore(v + (i * 4 + 0) * stride + e, r[i][0] - r[i][2]);
            vstore(v + (i * 4 + 1) * stride + e, r[i][1] + r[i][2]);
            vstore(v + (i * 4 + 2) * stride + e, r[i][2] - r[i][1]);
            vstore(v + (i * 4 + 3) * stride + e, r[i][1] - r[i][3]);
        }
    }
}

/// One product tile: m[r][·] = Σ_c u[c][r] · v[c][·] for `mr` output channels (u holds
/// SWIFTCNN_DIRECT_BLOCK per channel) and `nv` vectors of tiles (rows of v `stride` apart);
/// m rows are WINO_NV·LANES apart.
KERNEL_TARGET INLINE void wino_product(
    const int mr, const int nv, long channels, const float *u, const float *v, long stride,
    float *m, long m_row, int accumulate) {
    vf acc[WINO_MR][WINO_NV];
    UNROLL for (int r = 0; r < mr; r++) {
        UNROLL for (int j = 0; j < nv; j++) {
            acc[r][j] = accumulate ? vload(m + r * m_row + j * LANES) : (vf){0};
        }
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
        UNROLL for (int j = 0; j < nv; j++) vstore(m + r * m_row + j * LANES, acc[r][j]);
    }
}

#define WINO_CASE(MRV, NVV)                                                                 \
    case (MRV) * 4 + (NVV):                                                                \
        wino_product(MRV, NVV, channels, u, v, stride, m, m_row, accumulate);               \
        break;
#if WINO_NV == 3
#define WINO_ROW(MRV) WINO_CASE(MRV, 1) WINO_CASE(MRV, 2) WINO_CASE(MRV, 3)
#elif WINO_NV == 2
#define WINO_ROW(MRV) WINO_CASE(MRV, 1) WINO_CASE(MRV, 2)
#else
#define WINO_ROW(MRV) WINO_CASE(MRV, 1)
#endif

KERNEL_TARGET __attribute__((noinline)) static void wino_product_dispatch(
    int mr, int nv, long channels, const float *u, const float *v, long stride, float *m,
    long m_row, int accumulate) {
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
/// tiles' output pixels. `offsets[t]` packs the tile's top-left pixel in the block's output
/// (bits 16 and up), how many tiles its tile row has from it on (bits 2–15: the outputs of
/// that many tiles are contiguous) and its edges (bit 0 when it has no right column, bit 1
/// when it has no bottom row). Where tile rows are long, the two output rows of a vector of
/// tiles are interleaved in registers and stored a run of tiles at a time; else pixel by pixel.
KERNEL_TARGET INLINE void wino_output(
    const swiftcnn_winograd_shape *s, const float *m, int mr, long count, long k0,
    const long *offsets, const float *bias, int relu, float *output) {
    const long plane = s->output_height * s->output_width, ow = s->output_width;
    const long row = WINO_MR * WINO_NV * LANES;
    // Runs of at least half a vector of tiles pay for the interleaving (TensorMathBench: 8x8
    // outputs, runs of 4 tiles, were 1–2% slower with it at 16 lanes; 16x16 8% faster).
    const int runs = s->tiles_width >= LANES / 2;
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
            const long n = count - t < LANES ? count - t : LANES;
            if (!runs) {
                // Short tile rows: runs of a few tiles, stored pixel by pixel.
                float lanes[4][LANES];
                UNROLL for (int i = 0; i < 4; i++) vstore(lanes[i], y[i]);
                for (long lane = 0; lane < n; lane++) {
                    const long offset = offsets[t + lane];
                    float *p = target + (offset >> 16);
                    p[0] = lanes[0][lane];
                    if (!(offset & 1)) p[1] = lanes[1][lane];
                    if (!(offset & 2)) {
                        p[ow] = lanes[2][lane];
                        if (!(offset & 1)) p[ow + 1] = lanes[3][lane];
                    }
                }
                continue;
            }
            float pixels[2][3 * LANES]; // a vector of slack for the runs' loads
            vstore(pixels[0], __builtin_shufflevector(y[0], y[1], LOW_LANES));
            vstore(pixels[0] + LANES, __builtin_shufflevector(y[0], y[1], HIGH_LANES));
            vstore(pixels[1], __builtin_shufflevector(y[2], y[3], LOW_LANES));
            vstore(pixels[1] + LANES, __builtin_shufflevector(y[2], y[3], HIGH_LANES));
            for (long lane = 0; lane < n;) {
                const long first = offsets[t + lane], rest = (first >> 2) & 0x3FFF;
                const long run = rest < n - lane ? rest : n - lane;
                const long scalars = 2 * run - (offsets[t + lane + run - 1] & 1);
                float *p = target + (first >> 16);
                for (long x = 0; x < scalars; x += LANES) {
                    vstore_first(p + x, vload(pixels[0] + 2 * lane + x), scalars - x);
                }
                if (!(first & 2)) {
                    for (long x = 0; x < scalars; x += LANES) {
                        vstore_first(p + ow + x, vload(pixels[1] + 2 * lane + x), scalars - x);
                    }
                }
                lane += run;
            }
        }
    }
}

/// Stage 1 of a block: V [16][C][row] for `samples` samples of `input`, padding tiles zero.
/// A group of channels at a time, each step over the whole group before the next reads its
/// results (a vector load of values stored just before waits for those stores).
KERNEL_TARGET INLINE void wino_input_stage(
    const swiftcnn_winograd_shape *s, const wino_layout *lp, const float *input, long samples,
    float *v, float *planes) {
    const wino_layout l = *lp;
    const long channels = s->channels, row = l.row;
    const long per_sample = s->tiles_height * s->tiles_width;
    const long in_plane = s->height * s->width, size = samples * channels * in_plane;
    for (long n = 0; n < samples; n++) {
        for (long c0 = 0; c0 < channels; c0 += WINO_GROUP) {
            const long count = channels - c0 < WINO_GROUP ? channels - c0 : WINO_GROUP;
            for (long i = 0; i < count; i++) {
                const long start = (n * channels + c0 + i) * in_plane;
                wino_planes(s, &l, input + start, start, size, planes + i * l.planes, 4);
            }
            for (long i = 0; i < count; i++) {
                wino_transform(s, &l, planes + i * l.planes, v + (c0 + i) * row + n * per_sample);
            }
        }
    }
    if (l.padded_tiles > l.tiles) {
        for (long xi = 0; xi < WINO_POSITIONS; xi++) {
            for (long c = 0; c < channels; c++) {
                memset(v + xi * l.position_stride + c * row + l.tiles, 0,
                    (size_t)(l.padded_tiles - l.tiles) * sizeof(float));
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
    float *v = buffer, *planes = v + l.v, *m = planes + WINO_GROUP * l.planes;
    long *offsets = (long *)(m + l.products);
    const long channels = s->channels, outputs = s->outputs, row = l.row;
    const long tw = s->tiles_width, per_sample = s->tiles_height * tw;
    const long out_sample = outputs * s->output_height * s->output_width;
    wino_input_stage(s, &l, input, samples, v, planes);
    // Where each tile's outputs go, the tiles left in its row and its edges (wino_output).
    for (long t = 0; t < l.tiles; t++) {
        const long n = t / per_sample, ty = t % per_sample / tw, tx = t % tw;
        const long edge = (2 * tx + 1 >= s->output_width ? 1 : 0)
            | (2 * ty + 1 >= s->output_height ? 2 : 0);
        const long rest = tw - tx < 0x3FFF ? tw - tx : 0x3FFF;
        offsets[t] = (n * out_sample + 2 * ty * s->output_width + 2 * tx) * 65536 + rest * 4
            + edge;
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
                    u + xi * channels * SWIFTCNN_DIRECT_BLOCK, v + xi * l.position_stride + t0, row,
                    m + xi * WINO_MR * WINO_NV * LANES, WINO_NV * LANES, 0);
            }
            wino_output(s, m, mr, count, k0, offsets + t0, bias, relu, output);
        }
    }
    return 0;
}

// MARK: Weight gradient, F(3x3, 2x2)
//
// dW[k][c] = Gᵀ [Σ_tiles (A·dy·Aᵀ) ⊙ (Bᵀ·d·B)] G with A = [1 0; 1 1; 1 -1; 0 -1] (the forward
// pass's Aᵀ, transposed): 16 products S[ξ][k][c] = Σ_t DY[ξ][k][t]·V[ξ][c][t] summed over the
// tiles of every block, then one filter transform. V is the forward pass's stage 1; DY the
// output gradient's tiles transformed the same way. Per position, V[ξ] is transposed to
// [t][C] and DY[ξ] packed to [k / 8][t][8] (vector shuffles, wino_transpose), so that the
// forward pass's register tile takes the products with the channels in the lanes and the
// tiles as the summed dimension.

/// The transformed output-gradient tiles of one (sample, output channel) plane, from its
/// parity planes (``wino_planes`` of the gradient with no padding: tile e's dy[a][b] is plane
/// a·4 + b at e): A·dy·Aᵀ for every tile, a vector of tiles at a time, at `out + ξ·position`.
KERNEL_TARGET INLINE void wino_dy_transform(
    const swiftcnn_winograd_shape *s, const wino_layout *l, const float *planes, float *out,
    long position) {
    const long count = s->tiles_height * s->tiles_width, ps = l->plane_size;
    for (long e = 0; e < count; e += LANES) {
        const vf d00 = vload(planes + e), d01 = vload(planes + ps + e);
        const vf d10 = vload(planes + 4 * ps + e), d11 = vload(planes + 5 * ps + e);
        const vf u[4][2] = {{d00, d01}, {d00 + d10, d01 + d11}, {d00 - d10, d01 - d11},
            {-d10, -d11}};
        UNROLL for (int r = 0; r < 4; r++) {
            vstore(out + (r * 4 + 0) * position + e, u[r][0]);
            vstore(out + (r * 4 + 1) * position + e, u[r][0] + u[r][1]);
            vstore(out + (r * 4 + 2) * position + e, u[r][0] - u[r][1]);
            vstore(out + (r * 4 + 3) * position + e, -u[r][1]);
        }
    }
}

/// Transposes `rows` vectors (a power of two, at most 16) in place by log2(rows) perfect-shuffle
/// stages: lane b of vector a moves to the flat position b·rows + a of the `rows` vectors. With
/// rows = LANES that is a square transpose; with 8 it packs 8 rows of LANES tiles as [tile][8].
KERNEL_TARGET INLINE void wino_transpose(const int rows, vf *x) {
    vf y[16];
    UNROLL for (int stage = 1; stage < rows; stage *= 2) {
        UNROLL for (int i = 0; i < rows / 2; i++) {
            y[2 * i] = __builtin_shufflevector(x[i], x[i + rows / 2], LOW_LANES);
            y[2 * i + 1] = __builtin_shufflevector(x[i], x[i + rows / 2], HIGH_LANES);
        }
        UNROLL for (int i = 0; i < rows; i++) x[i] = y[i];
    }
}

/// Stage 1 of the weight gradient for the output gradient of a block (`dy_block`, `count`
/// samples of [outputs][OH][OW]): DY [ξ][k][row] at `dy` (positions `dy_position` apart),
/// padding tiles zero. `sd` is the output gradient's shape as an unpadded input.
KERNEL_TARGET __attribute__((noinline)) static void wino_dy_stage(
    const swiftcnn_winograd_shape *s, const swiftcnn_winograd_shape *sd, const wino_layout *b,
    const float *dy_block, long count, float *planes, float *dy, long dy_position) {
    const long outputs = s->outputs, row = b->row;
    const long out_plane = s->output_height * s->output_width;
    const long per_sample = s->tiles_height * s->tiles_width, size = count * outputs * out_plane;
    for (long n = 0; n < count; n++) {
        for (long k0 = 0; k0 < outputs; k0 += WINO_GROUP) {
            const long m = outputs - k0 < WINO_GROUP ? outputs - k0 : WINO_GROUP;
            for (long i = 0; i < m; i++) {
                const long start = (n * outputs + k0 + i) * out_plane;
                wino_planes(sd, b, dy_block + start, start, size, planes + i * b->planes, 2);
            }
            for (long i = 0; i < m; i++) {
                wino_dy_transform(s, b, planes + i * b->planes,
                    dy + (k0 + i) * row + n * per_sample, dy_position);
            }
        }
    }
    for (long xi = 0; xi < WINO_POSITIONS; xi++) {
        for (long k = 0; k < outputs; k++) {
            float *tail = dy + xi * dy_position + k * row + b->tiles;
            for (long t = 0; t < b->padded_tiles - b->tiles; t++) tail[t] = 0.0f;
        }
    }
}

/// `rows` rows of `tiles` (a multiple of LANES) at `from` (`row` apart; rows past `count`
/// read as zero), transposed to [tile][rows] at `to`, `stride` apart: LANES x LANES at a time.
KERNEL_TARGET __attribute__((noinline)) static void wino_transpose_rows(
    const float *from, long row, long count, long rows, long tiles, float *to, long stride) {
    for (long c0 = 0; c0 < rows; c0 += LANES) {
        for (long t0 = 0; t0 < tiles; t0 += LANES) {
            vf x[16];
            UNROLL for (int i = 0; i < LANES; i++) {
                x[i] = c0 + i < count ? vload(from + (c0 + i) * row + t0) : (vf){0};
            }
            wino_transpose(LANES, x);
            UNROLL for (int i = 0; i < LANES; i++) vstore(to + (t0 + i) * stride + c0, x[i]);
        }
    }
}

/// `rows` rows of `tiles` (a multiple of LANES) at `from` (`row` apart; rows past `count`
/// read as zero) packed for the products' broadcasts: [rows / 8][tiles][8] at `to`.
KERNEL_TARGET __attribute__((noinline)) static void wino_pack_rows(
    const float *from, long row, long count, long rows, long tiles, float *to) {
    enum { KB = SWIFTCNN_DIRECT_BLOCK };
    for (long k0 = 0; k0 < rows; k0 += KB) {
        float *block = to + k0 * tiles;
        for (long t0 = 0; t0 < tiles; t0 += LANES) {
            vf x[16];
            UNROLL for (int i = 0; i < KB; i++) {
                x[i] = k0 + i < count ? vload(from + (k0 + i) * row + t0) : (vf){0};
            }
            wino_transpose(KB, x);
            UNROLL for (int i = 0; i < KB; i++) vstore(block + t0 * KB + i * LANES, x[i]);
        }
    }
}

/// S[ξ][k][c] += Σ_t DY[ξ][k][t]·V[ξ][c][t] for the `positions` positions of a block (layout
/// `b`; V's positions `b->position_stride` apart, DY's `dy_position`): per position, V
/// transposed to [t][cp] at `vt` and DY packed to [k / 8][t][8] at `dyp`, then the forward
/// pass's register tile with the channels in the lanes and the tiles as the summed dimension.
/// S is [positions][kp][cp].
KERNEL_TARGET INLINE void wino_gradient_sums(
    const swiftcnn_winograd_shape *s, const wino_layout *b, int positions, const float *v,
    const float *dy, long dy_position, long cp, long kp, float *vt, float *dyp, float *sums) {
    const long channels = s->channels, outputs = s->outputs;
    const long tp = b->padded_tiles, row = b->row, group = WINO_NV * LANES;
    for (long xi = 0; xi < positions; xi++) {
        wino_transpose_rows(v + xi * b->position_stride, row, channels, cp, tp, vt, cp);
        wino_pack_rows(dy + xi * dy_position, row, outputs, kp, tp, dyp);
        for (long k0 = 0; k0 < outputs; k0 += WINO_MR) {
            const int mr = (int)(outputs - k0 < WINO_MR ? outputs - k0 : WINO_MR);
            const float *u = dyp + k0 / SWIFTCNN_DIRECT_BLOCK * SWIFTCNN_DIRECT_BLOCK * tp
                + k0 % SWIFTCNN_DIRECT_BLOCK;
            for (long c0 = 0; c0 < cp; c0 += group) {
                const int nv = (int)((cp - c0 < group ? cp - c0 : group) / LANES);
                wino_product_dispatch(
                    mr, nv, tp, u, vt + c0, cp, sums + (xi * kp + k0) * cp + c0, cp, 1);
            }
        }
    }
}

/// dW[k][c] (+)= Gᵀ S[·][k][c] G for every k < O and c < C (S [16][kp][cp]), G = [1 0 0;
/// ½ ½ ½; ½ -½ ½; 0 0 1], a vector of channels at a time.
KERNEL_TARGET __attribute__((noinline)) static void wino_filter_gradient(
    const swiftcnn_winograd_shape *s, const float *sums, long kp, long cp, float *dw,
    int accumulate) {
    const long channels = s->channels, position = kp * cp;
    const vf half = splat(0.5f);
    for (long k = 0; k < s->outputs; k++) {
        for (long c0 = 0; c0 < channels; c0 += LANES) {
            vf m[4][4];
            UNROLL for (int xi = 0; xi < WINO_POSITIONS; xi++) {
                m[xi / 4][xi % 4] = vload(sums + xi * position + k * cp + c0);
            }
            vf t[3][4];
            UNROLL for (int q = 0; q < 4; q++) {
                const vf sum = half * (m[1][q] + m[2][q]);
                t[0][q] = m[0][q] + sum;
                t[1][q] = half * (m[1][q] - m[2][q]);
                t[2][q] = sum + m[3][q];
            }
            float w[9][LANES];
            UNROLL for (int i = 0; i < 3; i++) {
                const vf sum = half * (t[i][1] + t[i][2]);
                vstore(w[i * 3 + 0], t[i][0] + sum);
                vstore(w[i * 3 + 1], half * (t[i][1] - t[i][2]));
                vstore(w[i * 3 + 2], sum + t[i][3]);
            }
            const long n = channels - c0 < LANES ? channels - c0 : LANES;
            for (long lane = 0; lane < n; lane++) {
                float *out = dw + (k * channels + c0 + lane) * 9;
                for (int j = 0; j < 9; j++) {
                    out[j] = accumulate ? out[j] + w[j][lane] : w[j][lane];
                }
            }
        }
    }
}

// The weight gradient's driver, shared by both tile sizes (F(3x3, 2x2) here, F(3x3, 4x4) in
// winograd4_kernels.h): each passes its layout, stages and filter transform, which the
// compiler inlines into its entry point.
typedef wino_layout (*wino_layout_fn)(const swiftcnn_winograd_shape *, long);
typedef void (*wino_input_stage_fn)(
    const swiftcnn_winograd_shape *, const wino_layout *, const float *, long, float *, float *);
typedef void (*wino_dy_stage_fn)(const swiftcnn_winograd_shape *, const swiftcnn_winograd_shape *,
    const wino_layout *, const float *, long, float *, float *, long);
typedef void (*wino_filter_gradient_fn)(
    const swiftcnn_winograd_shape *, const float *, long, long, float *, int);

/// dW (`[O][C][3][3]`, overwritten or, with `accumulate`, added to) of `samples` samples,
/// `block` samples at a time: per block V (`input_stage`, `planes_per_layout` staging areas
/// of the layout's size), DY (`dy_stage`) and their products summed over the tiles into
/// S [positions][kp][cp]; then one filter transform (`filter_gradient`). Returns −1 when the
/// scratch cannot be allocated.
KERNEL_TARGET INLINE int wino_weight_gradient_blocks(const swiftcnn_winograd_shape *s,
    const float *input, const float *gradient, long samples, long block, float *dw,
    int accumulate, long positions, long planes_per_layout, wino_layout_fn layout_of,
    wino_input_stage_fn input_stage, wino_dy_stage_fn dy_stage,
    wino_filter_gradient_fn filter_gradient) {
    if (samples <= 0) return 0;
    if (block < 1) block = 1;
    const long first = block < samples ? block : samples;
    const wino_layout l = layout_of(s, first);
    const long channels = s->channels, outputs = s->outputs;
    const long cp = (channels + LANES - 1) / LANES * LANES;
    const long kp = (outputs + SWIFTCNN_DIRECT_BLOCK - 1) / SWIFTCNN_DIRECT_BLOCK
        * SWIFTCNN_DIRECT_BLOCK;
    // V (the forward pass's layout), the staging planes, one position of V transposed
    // [t][cp] and of DY packed [k / 8][t][8], the sums S [ξ][kp][cp], and DY [ξ][k][row].
    const long tmax = l.padded_tiles, dy_position = kp * l.row + 16;
    const long vt_size = tmax * cp, dyp_size = kp * tmax, s_size = positions * kp * cp;
    const long planes_size = planes_per_layout * l.planes;
    float *buffer = swiftcnn_thread_buffer(SWIFTCNN_BUFFER_WINOGRAD,
        (size_t)(l.v + planes_size + vt_size + dyp_size + s_size + positions * dy_position));
    if (buffer == NULL) return -1;
    float *v = buffer, *planes = v + l.v, *vt = planes + planes_size;
    float *dyp = vt + vt_size, *sums = dyp + dyp_size, *dy = sums + s_size;
    memset(sums, 0, (size_t)s_size * sizeof(float));
    const long in_sample = channels * s->height * s->width;
    const long out_sample = outputs * s->output_height * s->output_width;
    swiftcnn_winograd_shape sd = *s; // the output gradient as an unpadded input
    sd.channels = outputs;
    sd.height = s->output_height;
    sd.width = s->output_width;
    sd.padding_height = sd.padding_width = 0;
    for (long n0 = 0; n0 < samples; n0 += block) {
        const long count = samples - n0 < block ? samples - n0 : block;
        const wino_layout b = layout_of(s, count);
        input_stage(s, &b, input + n0 * in_sample, count, v, planes);
        dy_stage(s, &sd, &b, gradient + n0 * out_sample, count, planes, dy, dy_position);
        wino_gradient_sums(s, &b, positions, v, dy, dy_position, cp, kp, vt, dyp, sums);
    }
    filter_gradient(s, sums, kp, cp, dw, accumulate);
    return 0;
}

KERNEL_TARGET int FN(swiftcnn_winograd_weight_gradient)(
    const swiftcnn_winograd_shape *s, const float *input, const float *gradient,
    long samples, long block, float *dw, int accumulate) {
    return wino_weight_gradient_blocks(s, input, gradient, samples, block, dw, accumulate,
        WINO_POSITIONS, WINO_GROUP, FN(wino_layout_of), wino_input_stage, wino_dy_stage,
        wino_filter_gradient);
}
