// CTensorKernels: hand-vectorized C kernels for TensorMath, compiled for several x86-64 levels
// with function target attributes (and a portable version for other CPUs) and chosen at run
// time (no global compiler flags, so the package stays usable as a dependency by version).
#ifndef SWIFTCNN_TENSOR_KERNELS_H
#define SWIFTCNN_TENSOR_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The widest vector level this CPU runs: 0 scalar, 1 AVX2+FMA, 2 AVX-512F.
int swiftcnn_cpu_vector_level(void);

/// The level the kernels use: ``swiftcnn_cpu_vector_level()``, lowered by the environment
/// variable `SWIFTCNN_VECTOR_LEVEL` (0, 1 or 2) when set. Read once per process.
int swiftcnn_vector_level(void);

/// Sets glibc's mmap and trim thresholds (mallopt); returns 1 when both were set, 0 when not
/// (other C libraries and sanitizers' allocators: nothing is done).
int swiftcnn_tune_allocator(int mmap_threshold, int trim_threshold);

/// Bytes malloc holds in blocks mapped one by one (glibc's `mallinfo2().hblkhd`), or -1 where
/// ``swiftcnn_tune_allocator`` can do nothing; for its tests.
long swiftcnn_allocator_mapped_bytes(void);

/// A spin-wait hint (x86 `pause`, ARM `yield`): lets the core's other hardware thread run and
/// saves power while a thread polls a flag, without giving the core to another process.
static inline void swiftcnn_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
    __asm__ __volatile__("yield");
#endif
}

/// The sizes of a 2-D convolution (NCHW input, weight [O, C, KH, KW]): what the implicit
/// im2col packing needs. `sample_stride` is the distance between samples of the input.
typedef struct {
    long channels, height, width;
    long kernel_height, kernel_width;
    long stride_height, stride_width;
    long padding_height, padding_width;
    long dilation_height, dilation_width;
    long output_height, output_width;
    long sample_stride;
} swiftcnn_conv_shape;

/// Row-major C = alpha·op(A)·op(B) + beta·C at vector level `level` (1 AVX2, 2 AVX-512;
/// the caller checks that the CPU runs it), single-threaded. op(A) is [m, k] (A stored
/// [k, m] when `transpose_a`), op(B) is [k, n]. With beta == 0, C is not read.
/// Each element's sum runs over k in a fixed order that depends only on k and the level.
void swiftcnn_sgemm(
    int level, int transpose_a, int transpose_b, long m, long n, long k, float alpha,
    const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc);

/// Scalars of op(B) [k, n] packed by ``swiftcnn_sgemm_pack_b`` at `level` (1 or 2).
long swiftcnn_sgemm_packed_b_count(int level, long n, long k);

/// The width of the packed panels at `level` (1 or 2): a column block of a product with a
/// packed B starts at a multiple of it.
long swiftcnn_sgemm_panel_width(int level);

/// Whether ``swiftcnn_sgemm_packed`` computes an [m, n] product at `level` as
/// ``swiftcnn_sgemm`` does (0 when ``swiftcnn_sgemm`` would compute it transposed: few
/// columns, more rows).
int swiftcnn_sgemm_packed_b_applies(int level, long m, long n);

/// Packs op(B) [k, n] (B stored [n, k] when `transpose_b`, row stride ldb) into `dest`
/// (``swiftcnn_sgemm_packed_b_count`` scalars): the panels ``swiftcnn_sgemm`` packs for every
/// product with this B, which depend on n, k and the level only.
void swiftcnn_sgemm_pack_b(
    int level, int transpose_b, long n, long k, const float *b, long ldb, float *dest);

/// ``swiftcnn_sgemm`` with op(B) columns `first_column..<first_column + n` of a matrix of
/// `packed_columns` columns packed by ``swiftcnn_sgemm_pack_b``: bit-identical to it, without
/// packing B. `first_column` is a multiple of ``swiftcnn_sgemm_panel_width``, and
/// ``swiftcnn_sgemm_packed_b_applies`` holds.
void swiftcnn_sgemm_packed(
    int level, int transpose_a, long m, long first_column, long n, long k, float alpha,
    const float *a, long lda, const float *packed, long packed_columns, float beta, float *c,
    long ldc);

/// C [m, n] = alpha·A·B + beta·C, where A is [m, k] (row stride lda), k the patch size
/// C·KH·KW, and B columns `first_column..<first_column + n` of the im2col matrix of the
/// consecutive samples starting at `input` (side by side: column s·OH·OW + oy·OW + ox),
/// packed straight from `input` without an im2col buffer. Same summation order as
/// ``swiftcnn_sgemm`` given the explicit im2col matrix.
void swiftcnn_sgemm_im2col(
    int level, long m, long first_column, long n, float alpha, const float *a, long lda,
    const swiftcnn_conv_shape *shape, const float *input, float beta, float *c, long ldc);

/// col2im rows with horizontal stride 2, AVX-512 (level 2 only; the caller checks): for
/// r < rows and t < count, `target[r·target_step + 2t] += source[r·source_step + t]`;
/// touches nothing but those elements.
void swiftcnn_scatter_add_even_rows_avx512(
    float *target, long target_step, const float *source, long source_step, long rows,
    long count);


// MARK: Direct convolution (every level)
//
// The kernels below take the vector level first (2 AVX-512, 1 AVX2+FMA, 0 portable vector
// code; the caller checks that the CPU runs it). Their results depend on the level, never on
// how the work is split over calls.


/// Output channels per register tile of the direct kernels (weights are packed in blocks of
/// this many output channels).
#define SWIFTCNN_DIRECT_BLOCK 8

/// A convolution between planes that share one width, the form the direct kernels compute:
/// `output[o][q] = bias[o] + Σ_c Σ_t w[o][c][t] · source[c][q + tap_offset[t]]` for every
/// output pixel q = oy·width + ox of an `out_rows` x `width` plane, where tap t reads row
/// oy + tap_row[t], column ox + tap_column[t] of a `source_rows` x `width` source plane (zero
/// outside it). `tap_offset[t]` is that position's distance from q, plus where the tap's plane
/// starts inside the channel (strided convolutions read one of several phase planes).
typedef struct {
    long width, out_rows, source_rows;
    long channels, channel_stride;
    long taps;
    const long *tap_row, *tap_column, *tap_offset;
} swiftcnn_direct_shape;

/// Pixels per vector of the direct and pooling kernels at `level`: 16, 8 or 4 (4 on CPUs
/// other than x86-64).
int swiftcnn_direct_lanes(int level);

/// Runs `rounds` rounds of 12 independent fused multiply-adds of `level`'s vectors
/// (24 · ``swiftcnn_direct_lanes(level)`` · rounds floating-point operations, nothing else:
/// the core's arithmetic peak when timed); returns a value that depends on all of them.
float swiftcnn_fma_peak(int level, long rounds);

/// The number of vectors of an output plane at `level`: ceil(out_rows·width / lanes).
long swiftcnn_direct_vector_count(int level, const swiftcnn_direct_shape *shape);

/// Fills `masks` [taps][vector count] with, for each tap and vector at `level`, bit `lane` set
/// for the lanes whose source pixel lies inside the source plane (and whose pixel lies inside
/// the output plane), and bit 31 set when the vector's whole load range
/// (tap_offset + first pixel, lanes wide) leaves the channel's `channel_stride` scalars.
void swiftcnn_direct_masks(int level, const swiftcnn_direct_shape *shape, uint32_t *masks);

/// Packs weights for the direct kernels: `dest` [ceil(outputs / 8)][taps][channels][8] with
/// `dest[b][t][c][r] = weight[o·output_stride + c·channel_stride + tap_index[t]]` for
/// o = 8b + r < outputs, zero beyond.
void swiftcnn_direct_pack_weights(
    long outputs, long channels, long taps, const float *weight, long output_stride,
    long channel_stride, const long *tap_index, float *dest);

/// Splits NCHW planes into stride phases: `dest[c][a·stride_width + b][y][x]` =
/// `input[c][y·stride_height + a][x·stride_width + b]`, zero where that lies outside the
/// `height` x `width` plane; each phase plane is `phase_rows` x `phase_width`, and channel c
/// starts at `dest + c·channel_stride` (at least stride_height·stride_width phase planes;
/// scalars between channels are not written).
void swiftcnn_direct_split_phases(
    int level, const float *input, long channels, long height, long width, long stride_height,
    long stride_width, long phase_rows, long phase_width, long channel_stride, float *dest);

/// Copies `channels` planes of `height` x `width` into `kernel_width` column-shifted planes
/// each, of `height` x `out_width`: `dest[c][j][y][x] = input[c][y][x + j·dilation −
/// padding]`, zero where that column lies outside the input. A stride-1 convolution whose
/// output is narrower than its input then reads tap (i, j) at a fixed offset in plane j for
/// every output pixel at the output's own width (no columns computed and dropped). Vectors
/// of `level` are stored whole, up to a vector past the planes, unless `last` (nothing
/// follows them in `dest`; the caller writes what follows afterwards).
void swiftcnn_direct_shift_columns(
    int level, const float *input, long channels, long height, long width, long kernel_width,
    long dilation, long padding, long out_width, float *dest, int last);

/// The inverse of ``swiftcnn_direct_split_phases``: writes every pixel of the `height` x
/// `width` planes of `output` from its phase plane.
void swiftcnn_direct_merge_phases(
    int level, const float *phases, long channels, long height, long width, long stride_height,
    long stride_width, long phase_rows, long phase_width, float *output);

/// Direct forward kernel: for every output channel o < outputs and every unit u in
/// first_unit..<first_unit + unit_count, where unit u = n·V + v is vector v (of V per plane,
/// ``swiftcnn_direct_vector_count``) of sample n,
/// `output[n·output_sample + o·output_stride + q]` = bias[o] (0 when `bias` is NULL) + the
/// sum over taps (outer) and channels (inner). Register tiles may span samples. `packed`
/// comes from ``swiftcnn_direct_pack_weights``; sample n's channel 0 is at
/// `source + n·source_sample`. With `relu` non-zero each output is `y < 0 ? 0 : y` instead of
/// `y` (a ReLU fused into the pass; NaN and −0 pass through, as TensorMath's ReLU).
void swiftcnn_direct_forward(
    int level, const swiftcnn_direct_shape *shape, const uint32_t *masks, long outputs,
    const float *packed, const float *bias, const float *source, long source_sample,
    float *output, long output_sample, long output_stride, long first_unit, long unit_count,
    int relu);

/// Direct weight-gradient kernel: for o < outputs and k = c·taps + t,
/// `dw[o·dw_stride + k]` (+)= the sum over `samples` samples (in order) of
/// Σ_q gradient[o][q] · source[c][q + tap_offset[t]], with samples `source_sample` and
/// `gradient_sample` apart and gradient channels `gradient_stride` apart. Overwrites unless
/// `accumulate`. Taps come in kernel rows of `kernel_width` (raster order), which lets one
/// register tile share its masks across channels. Each sum runs over the lanes, then across
/// them, in a fixed order.
void swiftcnn_direct_weight_gradient(
    int level, const swiftcnn_direct_shape *shape, const uint32_t *masks, long outputs, long samples,
    const float *source, long source_sample, const float *gradient, long gradient_sample,
    long gradient_stride, float *dw, long dw_stride, int accumulate, long kernel_width);

// MARK: Winograd F(2x2, 3x3) forward convolution (every level)

/// A 3x3 convolution with stride and dilation 1 over NCHW samples: `channels` input planes of
/// `height` x `width`, zero padding `padding_height` / `padding_width` on each side,
/// `outputs` output planes of `output_height` x `output_width` (height + 2·padding − 2,
/// likewise for the width) in `tiles_height` x `tiles_width` tiles of 2x2 (the halves rounded
/// up).
typedef struct {
    long channels, height, width, outputs, output_height, output_width;
    long padding_height, padding_width, tiles_height, tiles_width;
} swiftcnn_winograd_shape;

/// Scalars of ``swiftcnn_winograd_pack_filter``'s output: 16 · ⌈outputs / 8⌉·8 · channels.
long swiftcnn_winograd_filter_count(long outputs, long channels);

/// Transforms a `[outputs][channels][3][3]` weight into the 16 positions of G·g·Gᵀ
/// (G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1]), packed for the product kernels:
/// `dest[((b·16 + ξ)·channels + c)·8 + r]` for output o = 8b + r (zero for o ≥ outputs), for
/// the blocks b in first_block..<first_block + block_count (of ⌈outputs / 8⌉). With `flipped`
/// the weight is `[channels][outputs][3][3]`, taken transposed and rotated by 180 degrees
/// (g[o][c][i][j] = weight[c][o][2 − i][2 − j]): the filter of a convolution's input
/// gradient.
void swiftcnn_winograd_pack_filter(
    const float *weight, long outputs, long channels, int flipped, long first_block,
    long block_count, float *dest);

/// The forward pass of `samples` consecutive samples: `output` [samples][outputs][OH][OW] =
/// bias (none when NULL) + the convolution of `input` [samples][channels][H][W] with the
/// filter `packed` (``swiftcnn_winograd_pack_filter``), each output `y < 0 ? 0 : y` when
/// `relu`. Every output is computed the same way whatever `samples`, so splitting a batch
/// over calls or threads does not change results. Returns 0, or -1 when this thread's
/// scratch memory could not be allocated (nothing written).
int swiftcnn_winograd_forward(
    int level, const swiftcnn_winograd_shape *shape, const float *packed, const float *bias,
    const float *input, long samples, float *output, int relu);

/// The weight gradient of the convolution ``swiftcnn_winograd_forward`` computes, by
/// F(3x3, 2x2): `dw[k][c][i][j]` (+)= Σ over `samples` samples of input [n][c] correlated with
/// gradient [n][k] (`[samples][outputs][OH][OW]`), blocks of `block` samples at a time.
/// Overwrites unless `accumulate`. Returns 0, or -1 without scratch memory.
int swiftcnn_winograd_weight_gradient(
    int level, const swiftcnn_winograd_shape *shape, const float *input, const float *gradient,
    long samples, long block, float *dw, int accumulate);

// MARK: Winograd F(4x4, 3x3) forward convolution and weight gradient (every level)

/// Scalars of ``swiftcnn_winograd4_pack_filter``'s output: 36 · ⌈outputs / 8⌉·8 · channels.
long swiftcnn_winograd4_filter_count(long outputs, long channels);

/// ``swiftcnn_winograd_pack_filter`` for F(4x4, 3x3): the 36 positions of G·g·Gᵀ with
/// G = [¼ 0 0; -⅙ -⅙ -⅙; -⅙ ⅙ -⅙; 1/24 1/12 ⅙; 1/24 -1/12 ⅙; 0 0 1] (computed in double
/// precision), at `dest[((b·36 + ξ)·channels + c)·8 + r]`.
void swiftcnn_winograd4_pack_filter(
    const float *weight, long outputs, long channels, int flipped, long first_block,
    long block_count, float *dest);

/// ``swiftcnn_winograd_forward`` by F(4x4, 3x3): the same convolution with `shape`'s tiles
/// of 4x4 outputs (`tiles_height` = ⌈output_height / 4⌉, likewise for the width) and the
/// filter of ``swiftcnn_winograd4_pack_filter``.
int swiftcnn_winograd4_forward(
    int level, const swiftcnn_winograd_shape *shape, const float *packed, const float *bias,
    const float *input, long samples, float *output, int relu);

/// ``swiftcnn_winograd_weight_gradient`` by F(3x3, 4x4), `shape`'s tiles being 4x4 as for
/// ``swiftcnn_winograd4_forward``: 36 products per 4x4 tile of the output gradient.
int swiftcnn_winograd4_weight_gradient(
    int level, const swiftcnn_winograd_shape *shape, const float *input, const float *gradient,
    long samples, long block, float *dw, int accumulate);

// MARK: Weight gradient with output channels in the vectors (every level)

/// Copies `planes` planes of `rows` x `width` into zero-bordered planes of `padded_rows` x
/// `padded_width`, each plane's pixel (y, x) landing at (top + y, left + x).
void swiftcnn_pad_planes(
    const float *source, long planes, long rows, long width, long top, long left,
    long padded_rows, long padded_width, float *dest);

/// `dest[q·padded_channels + c]` = `source[c·pixels + q]` for c < channels, zero for
/// channels ≤ c < padded_channels: planes to pixel-major order (16 x 16 blocks transposed in
/// registers at level 2, 8 x 8 at level 1).
void swiftcnn_transpose_planes(
    int level, const float *source, long channels, long pixels, long padded_channels, float *dest);

/// The sizes ``swiftcnn_weight_gradient_wide`` needs: the input channels and kernel, the
/// output plane, strides, vertical dilation, the zero-bordered input planes, and the output
/// channels in vectors of ``swiftcnn_direct_lanes`` lanes.
typedef struct {
    long channels, kernel_height, kernel_width;
    long out_rows, out_width;
    long stride_height, stride_width, dilation_height;
    long padded_rows, padded_width;
    long output_vectors;
} swiftcnn_wide_gradient_shape;

/// Whether ``swiftcnn_weight_gradient_wide`` handles a kernel width and horizontal dilation
/// (1, 3 or 5 taps, no horizontal dilation).
int swiftcnn_weight_gradient_wide_supports(long kernel_width, long dilation_width);

/// Weight gradient, transposed: for k = (c·KH + i)·KW + j and o < L·V (L lanes at `level`),
/// `dwt[k·LV + o]` (+)= Σ over `samples` samples (in order) and output pixels (oy, ox) (in
/// order) of `gradient_t[n][oy·OW + ox][o]` · `padded[n][c][oy·sh + i·dh][ox·sw + j]`.
/// `padded` holds each sample's zero-bordered input planes (``swiftcnn_pad_planes``),
/// `padded_sample` apart; `zero` is one zero plane of the same size; `gradient_t` holds each
/// sample's output gradient in pixel-major order with LV channels
/// (``swiftcnn_transpose_planes``). Overwrites unless `accumulate`.
void swiftcnn_weight_gradient_wide(
    int level, const swiftcnn_wide_gradient_shape *shape, long samples, const float *padded,
    long padded_sample, const float *zero, const float *gradient_t, long gradient_t_sample,
    float *dwt, int accumulate);

/// 2x2 max pooling with stride 2 of one plane: for
/// oy < out_rows and ox < out_width (2·out_rows and 2·out_width at most the plane's height and
/// `width`), `y[oy·out_width + ox]` is the window's maximum and `indices[…]` its flat index
/// in the plane. Windows are read row by row: the first maximum wins ties, the last NaN wins.
void swiftcnn_max_pool_2x2(
    int level, const float *x, long width, long out_rows, long out_width, float *y,
    int32_t *indices);

/// The gradient of ``swiftcnn_max_pool_2x2`` for one plane: writes rows 0..<2·out_rows,
/// columns 0..<2·out_width of `dx` (row stride `width`): each window holds 0 + its output's
/// gradient at its `indices` entry and +0 elsewhere. Returns 0 as soon as an index lies
/// outside its window (`dx` then partly written: the caller recomputes the plane), else 1.
int swiftcnn_max_pool_2x2_backward(
    int level, const float *dy, const int32_t *indices, long width, long out_rows,
    long out_width, float *dx);

#ifdef __cplusplus
}
#endif

#endif
