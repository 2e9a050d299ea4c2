// Winograd F(4x4, 3x3) forward convolution, written once for any vector width (internal).
// Included by direct_avx512.c, direct_avx2.c and direct_portable.c after winograd_kernels.h,
// whose layout, product kernels (wino_product_dispatch) and product tile (WINO_MR, WINO_NV)
// it shares.
//
// Each 4x4 output tile is Y = Aᵀ[U ⊙ V]A from its 6x6 input patch d (Lavin & Gray 2015,
// interpolation points 0, ±1, ±2, ∞), V = Bᵀ d B and U = G g Gᵀ
// (swiftcnn_winograd4_pack_filter): 36 multiplications per 16 outputs and channel pair,
// against 64 for F(2x2, 3x3) and 144 directly.
//
//   Bᵀ = [4  0 -5  0 1 0]    Aᵀ = [1 1  1 1  1 0]
//        [0 -4 -4  1 1 0]         [0 1 -1 2 -2 0]
//        [0  4 -4 -1 1 0]         [0 1  1 4  4 0]
//        [0 -2 -1  2 1 0]         [0 1 -1 8 -8 1]
//        [0  2 -1 -2 1 0]
//        [0  4  0 -5 0 1]
//
// The stages are those of winograd_kernels.h: (1) the input transform of a block of samples
// into V [36][C][tiles]: per channel, the patch rows of LANES / 4 tiles at a time loaded from
// the plane (4 columns per tile, the tile's columns 4-5 in a second load), then split into
// vectors of tiles by shuffles (full vectors whatever the plane's width; w4_direct_row), or
// for tile rows shorter than that, staged by copies first (w4_stage_rows); (2) per
// group of tiles and of output channels, the 36 products; (3) the output transform, bias and
// ReLU, stored to the tiles' 4x4 pixels. W4_GROUPS (default 1) groups of tiles take their
// products from one pass over a block of output channels' transformed weights, each
// position's weights reread from L1 (AVX2, whose register tile holds one vector of tiles,
// would otherwise stream the weights of wide layers, megabytes, from L3 once per 8 tiles).
// Every output is computed by the same operations whatever the block, so results do not
// depend on how samples are split over calls or threads. The larger interpolation points
// make the rounding error several times that of F(2x2, 3x3) (see WinogradConvolution.swift).

enum { W4_POSITIONS = 36 };
#ifndef W4_GROUPS
#define W4_GROUPS 1
#endif

/// The scalars w4_direct_plan (below) needs for `padded_tiles` tiles of `s`: 8 per quarter
/// (a w4_quarter) and, per tile column, 4 lane bits and 4 vectors of lanes.
static inline long w4_direct_scratch(const swiftcnn_winograd_shape *s, long padded_tiles) {
    return 8 * (4 * padded_tiles / LANES) + s->tiles_width * (4 + 4 * LANES) + 16;
}

/// The scratch layout of a block (fields as in wino_layout_of, for 6x6 patches).
static wino_layout FN(w4_layout_of)(const swiftcnn_winograd_shape *s, long samples) {
    wino_layout l;
    const long th = s->tiles_height, tw = s->tiles_width;
    l.tiles = samples * th * tw;
    l.padded_tiles = (l.tiles + LANES - 1) / LANES * LANES;
    l.row = l.padded_tiles + LANES;
    // Staged patch rows (w4_stage_rows): 12 arrays of 4 scalars per tile, and a vector's
    // slack for whole-vector stores.
    l.plane_size = (4 * l.padded_tiles + LANES + 15) / 16 * 16;
    l.planes = 12 * l.plane_size;
    const long direct = w4_direct_scratch(s, l.padded_tiles);
    if (l.planes < direct) l.planes = direct;
    l.position_stride = s->channels * l.row + 16;
    l.v = W4_POSITIONS * l.position_stride;
    l.products = W4_GROUPS * W4_POSITIONS * WINO_MR * WINO_NV * LANES;
    l.offsets = (2 * l.padded_tiles + 15) / 16 * 16;
    l.total = l.v + l.planes + l.products + l.offsets;
    return l;
}

/// Copies columns x0 ..< x0 + count of input row y (rows of `s->width` at `channel`) to
/// `target`, zero outside the input plane. Whole vectors are stored: up to a vector past
/// `count` is written too.
KERNEL_TARGET INLINE void w4_segment(
    const swiftcnn_winograd_shape *s, const float *channel, long y, long x0, long count,
    float *target) {
    const long width = s->width;
    if (y < 0 || y >= s->height) {
        for (long q = 0; q < count; q += LANES) vstore(target + q, (vf){0});
        return;
    }
    const float *row = channel + y * width;
    for (long q = 0; q < count; q += LANES) {
        const long x = x0 + q;
        vstore(target + q,
            x >= 0 && x + LANES <= width ? vload(row + x) : row_edge_load(row, x, width));
    }
}

/// The rows of every tile's patch in one sample's input channel (`channel`), staged for the
/// transform: for patch row i < `patch` (6 for the input, 4 for an output gradient's 4x4
/// tiles), tile e of the block (e = `first` + ty·tw + tx) has its columns 0–3 at
/// `rows[2i·stride + 4e]` and, when `high`, its columns 4–5 (and two beyond) at
/// `rows[(2i + 1)·stride + 4e]` (column 4tx + j − pad_w of row 4ty + i − pad_h, zero
/// outside the plane). The tiles of a block follow each other, so that the transform's
/// vectors are full whatever the plane's width.
KERNEL_TARGET __attribute__((noinline)) static void w4_stage_rows(
    const swiftcnn_winograd_shape *s, const float *channel, long first, float *rows,
    long stride, int patch, int high) {
    const long th = s->tiles_height, tw = s->tiles_width;
    const long ph = s->padding_height, pw = s->padding_width;
    // Tile rows in order: a segment's whole-vector stores run past it, into later ones.
    for (long ty = 0; ty < th; ty++) {
        const long e = first + ty * tw;
        for (int i = 0; i < patch; i++) {
            const long y = 4 * ty + i - ph;
            float *low = rows + (2 * i) * stride + 4 * e;
            w4_segment(s, channel, y, -pw, 4 * tw, low);
            if (high) w4_segment(s, channel, y, 4 - pw, 4 * tw, low + stride);
        }
    }
}

// The order of the tiles in a vector of tiles: the shuffles between a vector of tiles and
// its quarters stay within 128-bit blocks (a 4x4 transpose per block: one instruction each
// on x86, where a shuffle across blocks costs two or three), so lane 4b + j holds the
// vector's tile (LANES / 4)·j + b (w4_lane). The input and output-gradient transforms give
// this order, the output transform undoes it, the padding clears follow it and the products
// and their sums over tiles do not depend on it.
#if LANES == 16
#define W4_EVEN 0, 2, 16, 18, 4, 6, 20, 22, 8, 10, 24, 26, 12, 14, 28, 30
#define W4_ODD 1, 3, 17, 19, 5, 7, 21, 23, 9, 11, 25, 27, 13, 15, 29, 31
#define W4_ZIP_LOW 0, 16, 1, 17, 4, 20, 5, 21, 8, 24, 9, 25, 12, 28, 13, 29
#define W4_ZIP_HIGH 2, 18, 3, 19, 6, 22, 7, 23, 10, 26, 11, 27, 14, 30, 15, 31
#elif LANES == 8
#define W4_EVEN 0, 2, 8, 10, 4, 6, 12, 14
#define W4_ODD 1, 3, 9, 11, 5, 7, 13, 15
#define W4_ZIP_LOW 0, 8, 1, 9, 4, 12, 5, 13
#define W4_ZIP_HIGH 2, 10, 3, 11, 6, 14, 7, 15
#else
#define W4_EVEN EVEN_LANES
#define W4_ODD ODD_LANES
#define W4_ZIP_LOW LOW_LANES
#define W4_ZIP_HIGH HIGH_LANES
#endif

/// The lane of a vector of tiles that holds its tile `k` (0 ≤ k < LANES).
static inline long w4_lane(long k) { return 4 * (k % (LANES / 4)) + k / (LANES / 4); }

/// The four quarters `in` of a vector of tiles (quarter j: the 4 columns of each of tiles
/// (LANES / 4)·j ..< (LANES / 4)·(j + 1), tile after tile) split by column: `out[c]` holds
/// column c of every tile, in the lanes w4_lane gives. w4_split loads the quarters from `p`.
KERNEL_TARGET INLINE void w4_split_vectors(const vf in[4], vf out[4]) {
    const vf v0 = in[0], v1 = in[1], v2 = in[2], v3 = in[3];
    const vf e0 = __builtin_shufflevector(v0, v1, W4_EVEN);
    const vf o0 = __builtin_shufflevector(v0, v1, W4_ODD);
    const vf e1 = __builtin_shufflevector(v2, v3, W4_EVEN);
    const vf o1 = __builtin_shufflevector(v2, v3, W4_ODD);
    out[0] = __builtin_shufflevector(e0, e1, W4_EVEN);
    out[1] = __builtin_shufflevector(o0, o1, W4_EVEN);
    out[2] = __builtin_shufflevector(e0, e1, W4_ODD);
    out[3] = __builtin_shufflevector(o0, o1, W4_ODD);
}

/// Clears the padding tiles after `tiles` (up to the next whole vector of tiles, where the
/// layouts' `padded_tiles` end) of the rows at `first`, `count` rows `stride` scalars apart.
KERNEL_TARGET INLINE void w4_clear_padding(float *first, long count, long stride, long tiles) {
    const long base = tiles / LANES * LANES, padded = (tiles + LANES - 1) / LANES * LANES;
    for (long r = 0; r < count; r++) {
        for (long t = tiles; t < padded; t++) first[r * stride + base + w4_lane(t - base)] = 0.0f;
    }
}

KERNEL_TARGET INLINE void w4_split(const float *p, vf out[4]) {
    const vf in[4] = {vload(p), vload(p + LANES), vload(p + 2 * LANES), vload(p + 3 * LANES)};
    w4_split_vectors(in, out);
}

// MARK: Patches read straight from the planes
//
// Each vector of w4_stage_rows' staged rows (a "quarter" of a vector of tiles) holds the
// columns of LANES / 4 consecutive tiles: the columns of one tile row lie side by side in one
// row of the plane, so a quarter is one or two runs of columns ("pieces": the end of one tile
// row and the start of the next) unless tile rows are shorter than the quarter (a 4x4 plane
// at 16 lanes).
// The transforms then load the quarters from the planes, masked at the planes' edges and
// between the pieces, instead of from a staged copy (which costs a store and a load more per
// vector). A block's quarters are described once (w4_direct_plan) for all its channels.

/// A quarter's pieces: piece p starts at `offset[p]` scalars from the block's first plane
/// (its lane 0 at column 4tx − pad_w of row 4ty − pad_h of its tile row), and its patch
/// row i lies inside the plane when bit i of `rows[p]` is set. `column` is the first tile's
/// column tx0, which sets where the pieces meet (lane 4·(tw − tx0)) and their masks.
typedef struct {
    long offset[2];
    uint32_t rows[2], column, padding;
} w4_quarter;

/// A block's quarters, and per tile column the lane bits (`entries`, 4 per column: piece 0
/// low and high columns, piece 1 low and high) and the same as lanes (`masks`, LANES each).
typedef struct {
    const w4_quarter *quarters;
    const uint32_t *entries;
    const int32_t *masks;
    int fits; // 0 when some quarter has more than two pieces (staged instead)
    // The memory whole vectors may be read from (the block's input or output gradient, from
    // w4_direct_plan's base); 0 and 0 for a plan nothing is read through.
    uintptr_t begin, end;
} w4_direct;

/// Describes the quarters of a block's `tiles` tiles of `s` (planes `sample_stride` scalars
/// apart from one sample to the next) for `patch` patch rows, in `scratch`
/// (w4_direct_scratch scalars for `padded_tiles`); the padding tiles read nothing. A
/// transform that reads `samples` samples from `base` may load whole vectors inside them
/// (begin/end); NULL for a plan nothing is read through (the output's).
KERNEL_TARGET INLINE w4_direct w4_direct_plan(
    const swiftcnn_winograd_shape *s, const float *base, long samples, long sample_stride,
    long tiles, long padded_tiles, int patch, float *scratch) {
    const long tw = s->tiles_width, per_sample = s->tiles_height * tw, width = s->width;
    const long ph = s->padding_height, pw = s->padding_width, quarter_tiles = LANES / 4;
    const long count = padded_tiles / quarter_tiles;
    w4_quarter *quarters = (w4_quarter *)scratch;
    _Static_assert(sizeof(w4_quarter) == 8 * sizeof(float), "w4_direct_scratch");
    uint32_t *entries = (uint32_t *)(scratch + 8 * count);
    int32_t *masks = (int32_t *)(entries + 4 * tw);
    w4_direct d = {.quarters = quarters, .entries = entries, .masks = masks, .fits = 1};
    if (base != NULL) {
        d.begin = (uintptr_t)base;
        d.end = (uintptr_t)(base + samples * sample_stride);
    }
    for (long tx0 = 0; tx0 < tw; tx0++) {
        const long split = 4 * (tw - tx0 < quarter_tiles ? tw - tx0 : quarter_tiles);
        for (int k = 0; k < 4; k++) {
            // Lane l of piece 0 is column 4·tx0 − pw + l, of piece 1 column l − split − pw;
            // the high copies are 4 columns further.
            const long first = (k < 2 ? 4 * tx0 : -split) - pw + 4 * (k % 2);
            const uint32_t inside = lane_bits(-first, width - first);
            const uint32_t piece = k < 2 ? lane_bits(0, split) : lane_bits(split, LANES);
            entries[4 * tx0 + k] = inside & piece;
            vstore_i(masks + (4 * tx0 + k) * LANES, lane_mask(inside & piece));
        }
    }
    for (long q = 0; q < count; q++) {
        // Piece 0: tiles t ..< t + n0 of one tile row; piece 1: the next tile row's first
        // Q − n0 tiles, its lane 4·n0 at column −pw.
        const long t = q * quarter_tiles, tx0 = t % tw;
        const long n0 = tw - tx0 < quarter_tiles ? tw - tx0 : quarter_tiles;
        if (quarter_tiles - n0 > tw) {
            d.fits = 0; // a third piece: tile rows shorter than the quarter
            return d;
        }
        w4_quarter quarter = {.column = (uint32_t)tx0};
        for (int p = 0; p < 2; p++) {
            const long first = t + p * n0;
            if (first >= tiles || (p == 1 && n0 == quarter_tiles)) continue;
            const long n = first / per_sample, ty = first % per_sample / tw;
            for (int i = 0; i < patch; i++) {
                const long y = 4 * ty + i - ph;
                if (y >= 0 && y < s->height) quarter.rows[p] |= 1u << i;
            }
            quarter.offset[p] =
                n * sample_stride + (4 * ty - ph) * width + (p == 0 ? 4 * tx0 : -4 * n0) - pw;
        }
        quarters[q] = quarter;
    }
    return d;
}

/// Stores the lanes of `v` that `entry` selects (`mask` its lanes) at `p`, never touching
/// the others.
KERNEL_TARGET INLINE void w4_store_lanes(float *p, vf v, uint32_t entry, vi mask) {
    if (entry == (1u << LANES) - 1u) {
        vstore(p, v);
    } else if (entry) {
        masked_store(p, v, entry, mask);
    }
}

/// Patch row i of the LANES tiles of quarters `q` (one vector of tiles) in `plane`, split by
/// column as w4_split splits staged rows: low[j] the tiles' column j, with `high` high[j]
/// their column 4 + j.
KERNEL_TARGET INLINE void w4_direct_row(
    const float *plane, const w4_direct *d, const w4_quarter *q, long width, int i, int high,
    vf low[4], vf high_split[4]) {
    vf lo[4], hi[4];
    UNROLL for (int j = 0; j < 4; j++) {
        const w4_quarter quarter = q[j];
        const uint32_t *entries = d->entries + 4 * quarter.column;
        const int32_t *masks = d->masks + 4 * quarter.column * LANES;
        lo[j] = hi[j] = (vf){0};
        UNROLL for (int p = 0; p < 2; p++) {
            if (!quarter.rows[p]) continue; // no such piece
            const float *at = plane + quarter.offset[p] + i * width;
#if !FAULTLESS_MASKED_LOAD
            // A piece inside the block's memory is loaded whole and masked after (a row outside
            // the plane by a zero mask), without branching on its lanes and rows; only pieces
            // at the block's ends take entry_load. On Zen 4 at level 1: F(4x4) layers +2–19%,
            // most on 8x8 planes (TensorMathBench, one thread), training +3%.
            const uintptr_t first = (uintptr_t)at, last = first + sizeof(float) * (LANES + 4);
            if (first >= d->begin && last <= d->end) {
                const vi keep = splat_i(-(int32_t)((quarter.rows[p] >> i) & 1));
                lo[j] = (vf)((vi)lo[j] | ((vi)vload(at) & vload_i(masks + 2 * p * LANES) & keep));
                if (high) {
                    const vi mask = vload_i(masks + (2 * p + 1) * LANES) & keep;
                    hi[j] = (vf)((vi)hi[j] | ((vi)vload(at + 4) & mask));
                }
                continue;
            }
#endif
            if (!((quarter.rows[p] >> i) & 1)) continue;
            const vf l = entry_load(at, entries[2 * p], vload_i(masks + 2 * p * LANES));
            lo[j] = (vf)((vi)lo[j] | (vi)l);
            if (high) {
                const vf h =
                    entry_load(at + 4, entries[2 * p + 1], vload_i(masks + (2 * p + 1) * LANES));
                hi[j] = (vf)((vi)hi[j] | (vi)h);
            }
        }
    }
    w4_split_vectors(lo, low);
    if (high) w4_split_vectors(hi, high_split);
}

/// r = Bᵀ d for one column (or row) of six vectors of patches.
KERNEL_TARGET INLINE void w4_input_1d(const vf d[6], vf r[6]) {
    const vf four = splat(4.0f), two = splat(2.0f);
    const vf t1 = d[4] - four * d[2], t2 = d[3] - four * d[1];
    const vf t3 = d[4] - d[2], u = d[3] - d[1], t4 = two * u;
    r[0] = four * (d[0] - d[2]) + t3;
    r[1] = t1 + t2;
    r[2] = t1 - t2;
    r[3] = t3 + t4;
    r[4] = t3 - t4;
    r[5] = (d[5] - d[3]) - four * u; // 4·(d1 − d3) + (d5 − d3), the same roundings
}

/// Transforms the `tiles` patches of one channel into V: `v` points at (ξ = 0, this channel,
/// the block's first tile), positions `position` apart. The patches are staged by
/// w4_stage_rows at `rows` (`stride` apart), or with `d` read from `plane` (rows `width`
/// apart). Whole vectors are stored (lanes past `tiles` cleared after).
KERNEL_TARGET INLINE void w4_transform_tiles(
    const float *rows, long stride, const float *plane, const w4_direct *d, long width,
    long tiles, float *v, long position) {
    for (long e = 0; e < tiles; e += LANES) {
        vf r[6][6]; // r[i] = Bᵀ applied along row i of the patches
        UNROLL for (int i = 0; i < 6; i++) {
            vf d6[6], low[4], high[4];
            if (d) {
                w4_direct_row(plane, d, d->quarters + 4 * e / LANES, width, i, 1, low, high);
            } else {
                w4_split(rows + (2 * i) * stride + 4 * e, low);
                w4_split(rows + (2 * i + 1) * stride + 4 * e, high);
            }
            UNROLL for (int j = 0; j < 4; j++) d6[j] = low[j];
            d6[4] = high[0];
            d6[5] = high[1];
            w4_input_1d(d6, r[i]);
        }
        UNROLL for (int j = 0; j < 6; j++) {
            vf c[6], t[6];
            UNROLL for (int i = 0; i < 6; i++) c[i] = r[i][j];
            w4_input_1d(c, t);
            UNROLL for (int i = 0; i < 6; i++) vstore(v + (i * 6 + j) * position + e, t[i]);
        }
    }
}

KERNEL_TARGET __attribute__((noinline)) static void w4_transform(
    const float *rows, long stride, long tiles, float *v, long position) {
    w4_transform_tiles(rows, stride, NULL, NULL, 0, tiles, v, position);
}

KERNEL_TARGET __attribute__((noinline)) static void w4_direct_transform(
    const float *plane, const w4_direct *d, long width, long tiles, float *v, long position) {
    w4_transform_tiles(NULL, 0, plane, d, width, tiles, v, position);
}

/// While channel `c` of a block (`samples` samples of `channels` planes of `plane` scalars
/// from `block`) is transformed, asks for channel c + 1's planes of every sample to be
/// brought into L2 (prefetcht1 on x86). Each plane is a few pages that the hardware
/// prefetchers would find one by one (level 1 on Zen 4, TrainingBench: ResNet-20 +4%, the
/// cnn +1.6%; level 2 ResNet-20 +2%; into L1 instead, ResNet-20 -2%).
KERNEL_TARGET INLINE void w4_prefetch_next(
    const float *block, long c, long channels, long samples, long plane) {
    if (c + 1 >= channels) return;
    for (long n = 0; n < samples; n++) {
        const char *p = (const char *)(block + (n * channels + c + 1) * plane);
        for (long b = 0; b < plane * (long)sizeof(float); b += 64) __builtin_prefetch(p + b, 0, 2);
    }
}

/// Stage 1 of a block: V [36][C][row] for `samples` samples of `input`, padding tiles zero,
/// a channel at a time: its patches read from the planes (w4_direct_plan), or where tile rows
/// are too short for that, their rows staged over every sample of the block, then
/// transformed.
KERNEL_TARGET INLINE void w4_input_stage(
    const swiftcnn_winograd_shape *s, const wino_layout *lp, const float *input, long samples,
    float *v, float *rows) {
    const wino_layout l = *lp;
    const long channels = s->channels, row = l.row, stride = l.plane_size;
    const long per_sample = s->tiles_height * s->tiles_width;
    const long in_plane = s->height * s->width;
    const w4_direct d = w4_direct_plan(
        s, input, samples, channels * in_plane, l.tiles, l.padded_tiles, 6, rows);
    for (long c = 0; c < channels; c++) {
        w4_prefetch_next(input, c, channels, samples, in_plane);
        if (d.fits) {
            w4_direct_transform(
                input + c * in_plane, &d, s->width, l.tiles, v + c * row, l.position_stride);
            continue;
        }
        for (long n = 0; n < samples; n++) {
            w4_stage_rows(
                s, input + (n * channels + c) * in_plane, n * per_sample, rows, stride, 6, 1);
        }
        w4_transform(rows, stride, l.tiles, v + c * row, l.position_stride);
    }
    for (long xi = 0; xi < W4_POSITIONS; xi++) {
        w4_clear_padding(v + xi * l.position_stride, channels, row, l.tiles);
    }
}

/// y = Aᵀ m for one column (or row) of six vectors.
KERNEL_TARGET INLINE void w4_output_1d(const vf m[6], vf y[4]) {
    const vf a = m[1] + m[2], b = m[1] - m[2], c = m[3] + m[4], d = m[3] - m[4];
    y[0] = m[0] + a + c;
    y[1] = b + splat(2.0f) * d;
    y[2] = a + splat(4.0f) * c;
    y[3] = b + splat(8.0f) * d + m[5];
}

/// The output transform of one product buffer (`m` [36][WINO_MR][WINO_NV·LANES]) for `mr`
/// output channels from k0 and the `count` tiles of the block from t0, with bias and ReLU,
/// stored to the tiles' pixels. The four columns of a vector of tiles are interleaved in
/// registers, which gives each output row of the tiles as four vectors of LANES / 4 tiles
/// each: the quarters of `d` (w4_direct_plan for the output planes, from t0's), stored
/// piece by piece. Without `d` (output tile rows shorter than a quarter) each row goes
/// through `pixels` and is stored a run of tiles at a time: `offsets[t]` packs the tile's
/// top-left pixel in the block's output (bits 18 and up), how many tiles its tile row has
/// from it on (bits 4–17: their outputs are contiguous), its rows inside the output less one
/// (bits 2–3) and its columns less one (bits 0–1).
KERNEL_TARGET INLINE void w4_output_tiles(
    const swiftcnn_winograd_shape *s, const float *m, int mr, long count, long k0,
    const w4_direct *d, const w4_quarter *quarters, const long *offsets, const float *bias,
    int relu, float *output) {
    const long plane = s->output_height * s->output_width, ow = s->output_width;
    const long row = WINO_MR * WINO_NV * LANES;
    for (int r = 0; r < mr; r++) {
        const vf b = splat(bias ? bias[k0 + r] : 0.0f);
        float *target = output + (k0 + r) * plane;
        for (long t = 0; t < count; t += LANES) {
            const float *q = m + r * WINO_NV * LANES + t;
            vf s4[4][6];
            UNROLL for (int j = 0; j < 6; j++) {
                vf c[6], y[4];
                UNROLL for (int i = 0; i < 6; i++) c[i] = vload(q + (i * 6 + j) * row);
                w4_output_1d(c, y);
                UNROLL for (int i = 0; i < 4; i++) s4[i][j] = y[i];
            }
            float pixels[4][5 * LANES]; // a vector of slack for the runs' loads
            UNROLL for (int i = 0; i < 4; i++) {
                vf y[4];
                w4_output_1d(s4[i], y);
                UNROLL for (int j = 0; j < 4; j++) {
                    y[j] = y[j] + b;
                    if (relu) y[j] = relu_lanes(y[j]);
                }
                // Lane w4_lane(k) of y[j] is pixel 4k + j of the row: the transpose back
                // gives the row's quarters.
                const vf p0 = __builtin_shufflevector(y[0], y[2], W4_ZIP_LOW);
                const vf p1 = __builtin_shufflevector(y[0], y[2], W4_ZIP_HIGH);
                const vf q0 = __builtin_shufflevector(y[1], y[3], W4_ZIP_LOW);
                const vf q1 = __builtin_shufflevector(y[1], y[3], W4_ZIP_HIGH);
                const vf row_pixels[4] = {
                    __builtin_shufflevector(p0, q0, W4_ZIP_LOW),
                    __builtin_shufflevector(p0, q0, W4_ZIP_HIGH),
                    __builtin_shufflevector(p1, q1, W4_ZIP_LOW),
                    __builtin_shufflevector(p1, q1, W4_ZIP_HIGH),
                };
                if (!d) {
                    UNROLL for (int j = 0; j < 4; j++) vstore(pixels[i] + j * LANES, row_pixels[j]);
                    continue;
                }
                UNROLL for (int j = 0; j < 4; j++) {
                    const w4_quarter quarter = quarters[4 * t / LANES + j];
                    UNROLL for (int p = 0; p < 2; p++) {
                        if (!((quarter.rows[p] >> i) & 1)) continue;
                        const long k = 4 * quarter.column + 2 * p;
                        w4_store_lanes(target + quarter.offset[p] + i * ow, row_pixels[j],
                            d->entries[k], vload_i(d->masks + k * LANES));
                    }
                }
            }
            if (d) continue;
            const long n = count - t < LANES ? count - t : LANES;
            for (long lane = 0; lane < n;) {
                const long first = offsets[t + lane], rest = (first >> 4) & 0x3FFF;
                const long run = rest < n - lane ? rest : n - lane;
                const long scalars = 4 * (run - 1) + (offsets[t + lane + run - 1] & 3) + 1;
                const long rows = ((first >> 2) & 3) + 1;
                float *p = target + (first >> 18);
                for (long i = 0; i < rows; i++) {
                    for (long x = 0; x < scalars; x += LANES) {
                        vstore_first(p + i * ow + x, vload(pixels[i] + 4 * lane + x), scalars - x);
                    }
                }
                lane += run;
            }
        }
    }
}

KERNEL_TARGET __attribute__((noinline)) static void w4_output(
    const swiftcnn_winograd_shape *s, const float *m, int mr, long count, long k0,
    const long *offsets, const float *bias, int relu, float *output) {
    w4_output_tiles(s, m, mr, count, k0, NULL, NULL, offsets, bias, relu, output);
}

KERNEL_TARGET __attribute__((noinline)) static void w4_direct_output(
    const swiftcnn_winograd_shape *s, const float *m, int mr, long count, long k0,
    const w4_direct *d, const w4_quarter *quarters, const float *bias, int relu,
    float *output) {
    w4_output_tiles(s, m, mr, count, k0, d, quarters, NULL, bias, relu, output);
}

KERNEL_TARGET int FN(swiftcnn_winograd4_forward)(
    const swiftcnn_winograd_shape *s, const float *packed, const float *bias,
    const float *input, long samples, float *output, int relu) {
    if (samples <= 0) return 0;
    const wino_layout l = FN(w4_layout_of)(s, samples);
    float *buffer = swiftcnn_thread_buffer(SWIFTCNN_BUFFER_WINOGRAD, (size_t)l.total);
    if (buffer == NULL) return -1;
    float *v = buffer, *planes = v + l.v, *m = planes + l.planes;
    long *offsets = (long *)(m + l.products);
    const long channels = s->channels, outputs = s->outputs, row = l.row;
    const long oh = s->output_height, ow = s->output_width;
    const long tw = s->tiles_width, per_sample = s->tiles_height * tw;
    const long out_sample = outputs * oh * ow;
    w4_input_stage(s, &l, input, samples, v, planes);
    // The output planes' quarters (their scratch follows the input's, done with), or where
    // each tile's outputs go, the tiles left in its row and its size (w4_output).
    swiftcnn_winograd_shape so = *s; // the output as an unpadded plane
    so.height = oh;
    so.width = ow;
    so.padding_height = so.padding_width = 0;
    const w4_direct d =
        w4_direct_plan(&so, NULL, samples, out_sample, l.tiles, l.padded_tiles, 4, planes);
    for (long t = 0; t < l.tiles && !d.fits; t++) {
        const long n = t / per_sample, ty = t % per_sample / tw, tx = t % tw;
        const long columns = ow - 4 * tx < 4 ? ow - 4 * tx : 4;
        const long rows = oh - 4 * ty < 4 ? oh - 4 * ty : 4;
        const long rest = tw - tx < 0x3FFF ? tw - tx : 0x3FFF;
        offsets[t] = (n * out_sample + 4 * ty * ow + 4 * tx) * 262144 + rest * 16
            + (rows - 1) * 4 + (columns - 1);
    }
    const long group = WINO_NV * LANES, chunk = W4_GROUPS * group;
    const long block_size = W4_POSITIONS * channels * SWIFTCNN_DIRECT_BLOCK;
    const long products = l.products / W4_GROUPS; // one group's m [36][WINO_MR][group]
    for (long g0 = 0; g0 < l.tiles; g0 += chunk) {
        // The chunk's groups: group i holds tiles g0 + i·group ..< +count[i].
        const long groups = ((l.tiles - g0 < chunk ? l.tiles - g0 : chunk) + group - 1) / group;
        long count[W4_GROUPS];
        for (long i = 0; i < groups; i++) {
            const long rest = l.tiles - g0 - i * group;
            count[i] = rest < group ? rest : group;
        }
        for (long k0 = 0; k0 < outputs; k0 += WINO_MR) {
            const int mr = (int)(outputs - k0 < WINO_MR ? outputs - k0 : WINO_MR);
            const float *u = packed + (k0 / SWIFTCNN_DIRECT_BLOCK) * block_size
                + k0 % SWIFTCNN_DIRECT_BLOCK;
            for (int xi = 0; xi < W4_POSITIONS; xi++) {
                for (long i = 0; i < groups; i++) {
                    const int nv = (int)((count[i] + LANES - 1) / LANES);
                    wino_product_dispatch(mr, nv, channels,
                        u + xi * channels * SWIFTCNN_DIRECT_BLOCK,
                        v + xi * l.position_stride + g0 + i * group, row,
                        m + i * products + xi * WINO_MR * WINO_NV * LANES, WINO_NV * LANES, 0);
                }
            }
            for (long i = 0; i < groups; i++) {
                const long t0 = g0 + i * group;
                const float *mt = m + i * products;
                if (d.fits) {
                    w4_direct_output(s, mt, mr, count[i], k0, &d, d.quarters + 4 * t0 / LANES,
                        bias, relu, output);
                } else {
                    w4_output(s, mt, mr, count[i], k0, offsets + t0, bias, relu, output);
                }
            }
        }
    }
    return 0;
}

// MARK: Weight gradient, F(3x3, 4x4)
//
// dW[k][c] = Gᵀ [Σ_tiles (A·dy·Aᵀ) ⊙ (Bᵀ·d·B)] G, A = (Aᵀ)ᵀ (6x4): the derivative of the
// forward pass's Y = Aᵀ[U ⊙ V]A with respect to g through U = G g Gᵀ. V is the forward
// pass's stage 1; DY the output gradient's 4x4 tiles transformed by A; the 36 products
// S[ξ][k][c] = Σ_t DY[ξ][k][t]·V[ξ][c][t] run as in the F(3x3, 2x2) gradient
// (winograd_kernels.h), then one filter transform: 36 products per 16 outputs of each
// (k, c) pair and sample, against 64.

/// y = A x for one row (or column) of four vectors: A = [1 0 0 0; 1 1 1 1; 1 -1 1 -1;
/// 1 2 4 8; 1 -2 4 -8; 0 0 0 1].
KERNEL_TARGET INLINE void w4_dy_1d(const vf x[4], vf y[6]) {
    const vf even = x[0] + x[2], odd = x[1] + x[3];
    const vf even4 = x[0] + splat(4.0f) * x[2], odd4 = splat(2.0f) * x[1] + splat(8.0f) * x[3];
    y[0] = x[0];
    y[1] = even + odd;
    y[2] = even - odd;
    y[3] = even4 + odd4;
    y[4] = even4 - odd4;
    y[5] = x[3];
}

/// The transformed 4x4 tiles of one output gradient plane, A·dy·Aᵀ for the `tiles` tiles at
/// `out + ξ·position`: staged by w4_stage_rows with patch 4 at `rows` (`stride` apart), or
/// with `d` read from `plane` (rows `width` apart).
KERNEL_TARGET INLINE void w4_dy_tiles(
    const float *rows, long stride, const float *plane, const w4_direct *d, long width,
    long tiles, float *out, long position) {
    for (long e = 0; e < tiles; e += LANES) {
        vf r[4][6]; // r[i] = A applied along row i of the tiles
        UNROLL for (int i = 0; i < 4; i++) {
            vf x[4];
            if (d) {
                w4_direct_row(plane, d, d->quarters + 4 * e / LANES, width, i, 0, x, NULL);
            } else {
                w4_split(rows + (2 * i) * stride + 4 * e, x);
            }
            w4_dy_1d(x, r[i]);
        }
        UNROLL for (int j = 0; j < 6; j++) {
            vf c[4], t[6];
            UNROLL for (int i = 0; i < 4; i++) c[i] = r[i][j];
            w4_dy_1d(c, t);
            UNROLL for (int i = 0; i < 6; i++) vstore(out + (i * 6 + j) * position + e, t[i]);
        }
    }
}

KERNEL_TARGET __attribute__((noinline)) static void w4_dy_transform(
    const float *rows, long stride, long tiles, float *out, long position) {
    w4_dy_tiles(rows, stride, NULL, NULL, 0, tiles, out, position);
}

KERNEL_TARGET __attribute__((noinline)) static void w4_direct_dy_transform(
    const float *plane, const w4_direct *d, long width, long tiles, float *out, long position) {
    w4_dy_tiles(NULL, 0, plane, d, width, tiles, out, position);
}

/// Stage 1 of the weight gradient for the output gradient of a block (`dy_block`, `count`
/// samples of [outputs][OH][OW]): DY [ξ][k][row] at `dy` (positions `dy_position` apart),
/// padding tiles zero. `sd` is the output gradient's shape as an unpadded input.
KERNEL_TARGET __attribute__((noinline)) static void w4_dy_stage(
    const swiftcnn_winograd_shape *s, const swiftcnn_winograd_shape *sd, const wino_layout *b,
    const float *dy_block, long count, float *rows, float *dy, long dy_position) {
    const long outputs = s->outputs, row = b->row, stride = b->plane_size;
    const long out_plane = s->output_height * s->output_width;
    const long per_sample = s->tiles_height * s->tiles_width;
    const w4_direct d = w4_direct_plan(
        sd, dy_block, count, outputs * out_plane, b->tiles, b->padded_tiles, 4, rows);
    for (long k = 0; k < outputs; k++) {
        w4_prefetch_next(dy_block, k, outputs, count, out_plane);
        if (d.fits) {
            w4_direct_dy_transform(
                dy_block + k * out_plane, &d, sd->width, b->tiles, dy + k * row, dy_position);
            continue;
        }
        for (long n = 0; n < count; n++) {
            w4_stage_rows(sd, dy_block + (n * outputs + k) * out_plane, n * per_sample, rows,
                stride, 4, 0);
        }
        w4_dy_transform(rows, stride, b->tiles, dy + k * row, dy_position);
    }
    for (long xi = 0; xi < W4_POSITIONS; xi++) {
        w4_clear_padding(dy + xi * dy_position, outputs, row, b->tiles);
    }
}

/// t = Gᵀ x for six vectors (G = [¼ 0 0; -⅙ -⅙ -⅙; -⅙ ⅙ -⅙; 1/24 1/12 ⅙; 1/24 -1/12 ⅙;
/// 0 0 1]).
KERNEL_TARGET INLINE void w4_filter_1d(const vf x[6], vf t[3]) {
    const vf sixth = splat(1.0f / 6), twelfth = splat(1.0f / 12), quarter = splat(0.25f);
    const vf sum12 = x[1] + x[2], diff12 = x[2] - x[1];
    const vf sum34 = x[3] + x[4], diff34 = x[3] - x[4];
    t[0] = quarter * x[0] + sixth * (quarter * sum34 - sum12);
    t[1] = sixth * diff12 + twelfth * diff34;
    t[2] = sixth * (sum34 - sum12) + x[5];
}

/// dW[k][c] (+)= Gᵀ S[·][k][c] G for every k < O and c < C (S [36][kp][cp]), a vector of
/// channels at a time.
KERNEL_TARGET __attribute__((noinline)) static void w4_filter_gradient(
    const swiftcnn_winograd_shape *s, const float *sums, long kp, long cp, float *dw,
    int accumulate) {
    const long channels = s->channels, position = kp * cp;
    for (long k = 0; k < s->outputs; k++) {
        for (long c0 = 0; c0 < channels; c0 += LANES) {
            vf t[3][6]; // t[i][b] = Σ_a G[a][i] S[a][b]
            UNROLL for (int b = 0; b < 6; b++) {
                vf x[6], y[3];
                UNROLL for (int a = 0; a < 6; a++) {
                    x[a] = vload(sums + (a * 6 + b) * position + k * cp + c0);
                }
                w4_filter_1d(x, y);
                UNROLL for (int i = 0; i < 3; i++) t[i][b] = y[i];
            }
            float w[9][LANES];
            UNROLL for (int i = 0; i < 3; i++) {
                vf y[3];
                w4_filter_1d(t[i], y);
                UNROLL for (int j = 0; j < 3; j++) vstore(w[i * 3 + j], y[j]);
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

KERNEL_TARGET int FN(swiftcnn_winograd4_weight_gradient)(
    const swiftcnn_winograd_shape *s, const float *input, const float *gradient,
    long samples, long block, float *dw, int accumulate) {
    return wino_weight_gradient_blocks(s, input, gradient, samples, block, dw, accumulate,
        W4_POSITIONS, 1, FN(w4_layout_of), w4_input_stage, w4_dy_stage, w4_filter_gradient);
}
