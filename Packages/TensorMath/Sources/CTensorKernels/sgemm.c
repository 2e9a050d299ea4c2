// SGEMM driver: cache blocking and packing around the micro-kernels of sgemm_kernels.c.
//
// Loops (Goto/BLIS order): column blocks of C (NC) → k blocks (KC, B block packed into
// NR-wide panels, kept in L2) → row blocks (MC, A block packed into MR-tall panels) → A
// panels (one stays in L1) → B panels → micro-kernel. Block sizes depend only on the sizes
// of the product and the level, and each element of C sums its k block products in order,
// so results are the same wherever the element falls in a block and whatever splits the
// caller applies along m or n.
#include "tensor_kernels.h"
#include "sgemm_internal.h"

#include <stdlib.h>
#include <string.h>

enum {
    KC_MAX = 256,   // k steps per block: an A panel (8 x 256 floats, 8 KB) stays in L1
    NC_MAX = 384,   // columns per block: a B block (256 x 384 floats, 384 KB) stays in L2
    MC_MAX = 144,   // rows per block
};

typedef void (*interleaver)(
    const float *source, long ld, long rows, long kc, int width, float *dest);

typedef struct {
    swiftcnn_micro_kernel kernel;
    interleaver interleave, copy_rows;
    int mr, nr;
} kernel_info;

static kernel_info kernel_for(int level) {
    kernel_info info;
    if (level >= 2) {
        info.kernel = swiftcnn_kernel_avx512;
        info.interleave = swiftcnn_interleave_avx2;
        info.copy_rows = swiftcnn_copy_rows_avx512;
        info.mr = SWIFTCNN_MR_AVX512;
        info.nr = SWIFTCNN_NR_AVX512;
    } else if (level == 1) {
        info.kernel = swiftcnn_kernel_avx2;
        info.interleave = swiftcnn_interleave_avx2;
        info.copy_rows = swiftcnn_copy_rows_avx2;
        info.mr = SWIFTCNN_MR_AVX2;
        info.nr = SWIFTCNN_NR_AVX2;
    } else {
        info.kernel = swiftcnn_kernel_scalar;
        info.interleave = swiftcnn_interleave_scalar;
        info.copy_rows = swiftcnn_copy_rows_scalar;
        info.mr = SWIFTCNN_MR_SCALAR;
        info.nr = SWIFTCNN_NR_SCALAR;
    }
    return info;
}

// MARK: Packing

/// Packs rows i0..<i0+mc, k steps p0..<p0+kc of op(A) into MR-tall panels: panel q holds, for
/// each step, MR scalars. The rows beyond mc of the last panel are left as they are (zero
/// when A is stored transposed): the micro-kernels read only the mr rows they are given.
static void pack_a(
    const float *a, long lda, int transpose, long i0, long mc, long p0, long kc, int mr_max,
    interleaver interleave, float *dest) {
    for (long ir = 0; ir < mc; ir += mr_max) {
        const long rows = mc - ir < mr_max ? mc - ir : mr_max;
        float *panel = dest + ir * kc;
        if (transpose) {
            // A stored [k, m]: each step's rows are contiguous.
            for (long p = 0; p < kc; p++) {
                const float *source = a + (p0 + p) * lda + i0 + ir;
                float *target = panel + p * mr_max;
                for (long r = 0; r < rows; r++) target[r] = source[r];
                for (long r = rows; r < mr_max; r++) target[r] = 0;
            }
        } else {
            interleave(a + (i0 + ir) * lda + p0, lda, rows, kc, mr_max, panel);
        }
    }
}

/// Packs k steps p0..<p0+kc, columns j0..<j0+nc of op(B) into NR-wide panels (columns
/// beyond nc are zero): panel q holds, for each step, NR scalars.
static void pack_b(
    const float *b, long ldb, int transpose, long p0, long kc, long j0, long nc, int nr_max,
    interleaver interleave, interleaver copy_rows, float *dest) {
    for (long jr = 0; jr < nc; jr += nr_max) {
        const long columns = nc - jr < nr_max ? nc - jr : nr_max;
        float *panel = dest + jr * kc;
        if (!transpose) {
            copy_rows(b + p0 * ldb + j0 + jr, ldb, columns, kc, nr_max, panel);
        } else {
            // B stored [n, k]: each column is contiguous along k. The kernels load whole
            // NR-wide rows of a panel, so the columns beyond nc are zeroed (never garbage).
            interleave(b + (j0 + jr) * ldb + p0, ldb, columns, kc, nr_max, panel);
            if (columns < nr_max) {
                for (long p = 0; p < kc; p++) {
                    memset(panel + p * nr_max + columns, 0,
                        (size_t)(nr_max - columns) * sizeof(float));
                }
            }
        }
    }
}

/// A run of consecutive output pixels of one output row inside a B panel.
typedef struct {
    long offset, length;      // columns of the panel
    const float *sample;      // the sample's input
    long row_origin;          // oy·sh − ph
    long column_origin;       // ox·sw − pw of the run's first pixel
} pixel_run;

/// Packs k steps p0..<p0+kc, columns j0..<j0+nc of the im2col matrix of consecutive samples
/// (column n = sample·OH·OW + oy·OW + ox, row k = (c·KH + i)·KW + j) into NR-wide panels,
/// reading the input directly: the same values `im2col` would write, zero in the padding.
static void pack_b_im2col(
    const swiftcnn_conv_shape *g, const float *input, long p0, long kc, long j0, long nc,
    int nr_max, int level, float *dest) {
    const int vectorized = level >= 2 && nr_max == SWIFTCNN_NR_AVX512;
    const long plane = g->output_height * g->output_width;
    const long input_plane = g->height * g->width;
    const long taps = g->kernel_height * g->kernel_width;
    pixel_run runs[64];
    for (long jr = 0; jr < nc; jr += nr_max) {
        const long columns = nc - jr < nr_max ? nc - jr : nr_max;
        float *panel = dest + jr * kc;
        if (vectorized
            && swiftcnn_pack_im2col_avx512(g, input, p0, kc, j0 + jr, columns, panel)) {
            continue;
        }
        // The panel's columns as runs of output rows.
        int count = 0;
        for (long t = 0, n = j0 + jr; t < columns; count++) {
            const long sample = n / plane, rest = n % plane;
            const long oy = rest / g->output_width, ox = rest % g->output_width;
            long length = g->output_width - ox;
            if (length > columns - t) length = columns - t;
            runs[count].offset = t;
            runs[count].length = length;
            runs[count].sample = input + sample * g->sample_stride;
            runs[count].row_origin = oy * g->stride_height - g->padding_height;
            runs[count].column_origin = ox * g->stride_width - g->padding_width;
            t += length;
            n += length;
        }
        long c = p0 / taps, i = (p0 % taps) / g->kernel_width, j = p0 % g->kernel_width;
        for (long p = 0; p < kc; p++) {
            float *target = panel + p * nr_max;
            const long dy = i * g->dilation_height, dx = j * g->dilation_width;
            for (int q = 0; q < count; q++) {
                const pixel_run *run = &runs[q];
                float *out = target + run->offset;
                const long iy = run->row_origin + dy;
                if (iy < 0 || iy >= g->height) {
                    for (long t = 0; t < run->length; t++) out[t] = 0;
                    continue;
                }
                const long ix0 = run->column_origin + dx, sw = g->stride_width;
                // Pixels t with 0 ≤ ix0 + t·sw ≤ W − 1.
                long lower = ix0 >= 0 ? 0 : (-ix0 + sw - 1) / sw;
                long upper = ix0 > g->width - 1 ? 0 : (g->width - 1 - ix0) / sw + 1;
                if (lower > run->length) lower = run->length;
                if (upper > run->length) upper = run->length;
                if (upper < lower) upper = lower;
                const float *source = run->sample + c * input_plane + iy * g->width + ix0;
                for (long t = 0; t < lower; t++) out[t] = 0;
                if (sw == 1) {
                    for (long t = lower; t < upper; t++) out[t] = source[t];
                } else {
                    for (long t = lower; t < upper; t++) out[t] = source[t * sw];
                }
                for (long t = upper; t < run->length; t++) out[t] = 0;
            }
            for (long t = columns; t < nr_max; t++) target[t] = 0;
            if (++j == g->kernel_width) {
                j = 0;
                if (++i == g->kernel_height) {
                    i = 0;
                    c++;
                }
            }
        }
    }
}

// MARK: Driver

/// Where op(B) comes from: a matrix, the im2col matrix of a convolution input (then `ldb` is
/// the im2col column of B's first column), or panels packed in advance by
/// ``swiftcnn_sgemm_pack_b`` (then `b` is the packed matrix, `ldb` the first column, a
/// multiple of NR, and `packed_columns` the packed matrix's column count).
typedef struct {
    const float *b;
    long ldb;
    int transpose;
    const swiftcnn_conv_shape *shape;
    long packed_columns;
} b_source;

/// `n` columns rounded up to whole NR-wide panels.
static long padded_columns(long n, int nr) { return (n + nr - 1) / nr * nr; }

/// Whether an [m, n] product is computed as Cᵀ = op(B)ᵀ·op(A)ᵀ: few columns (most of each
/// NR-wide panel would be padding) and more rows. Depends on n and m alone.
static int computes_transposed(const kernel_info *info, long m, long n) {
    return 2 * n < info->nr && n < m;
}

/// Splits `extent` into equal blocks of at most `maximum`, each a multiple of `unit`.
static long block_size(long extent, long maximum, long unit) {
    const long blocks = (extent + maximum - 1) / maximum;
    const long size = (extent + blocks - 1) / blocks;
    return (size + unit - 1) / unit * unit;
}

static void scale(long m, long n, float beta, float *c, long ldc) {
    for (long i = 0; i < m; i++) {
        float *row = c + i * ldc;
        if (beta == 0.0f) {
            memset(row, 0, (size_t)n * sizeof(float));
        } else if (beta != 1.0f) {
            for (long j = 0; j < n; j++) row[j] *= beta;
        }
    }
}

static void gemm(
    int level, long m, long n, long k, float alpha, const float *a, long lda, int transpose_a,
    const b_source *source, float beta, float *c, long ldc);

/// C = alpha·op(A)·op(B) + beta·C computed as T = alpha·op(B)ᵀ·op(A)ᵀ ([n, m], in a temporary)
/// and C = Tᵀ + beta·C.
static void transposed_gemm(
    int level, long m, long n, long k, float alpha, const float *a, long lda, int transpose_a,
    const b_source *source, float beta, float *c, long ldc) {
    float *t = malloc((size_t)(m * n) * sizeof(float));
    if (t == NULL) return;
    // op(B)ᵀ is B itself when B is stored [n, k] (transposed), else Bᵀ; likewise op(A)ᵀ.
    const b_source swapped = {a, lda, !transpose_a, NULL, 0};
    gemm(level, n, m, k, alpha, source->b, source->ldb, !source->transpose, &swapped, 0.0f, t,
        m);
    for (long i = 0; i < m; i++) {
        float *row = c + i * ldc;
        for (long j = 0; j < n; j++) {
            const float x = t[j * m + i];
            row[j] = beta == 0.0f ? x : beta == 1.0f ? x + row[j] : x + beta * row[j];
        }
    }
    free(t);
}

static void gemm(
    int level, long m, long n, long k, float alpha, const float *a, long lda, int transpose_a,
    const b_source *source, float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {
        scale(m, n, beta, c, ldc);
        return;
    }
    const kernel_info info = kernel_for(level);
    if (source->shape == NULL && source->packed_columns == 0
        && computes_transposed(&info, m, n)) {
        // Few columns: compute Cᵀ = op(B)ᵀ·op(A)ᵀ instead (the choice depends on n alone, so
        // row splits keep it).
        transposed_gemm(level, m, n, k, alpha, a, lda, transpose_a, source, beta, c, ldc);
        return;
    }
    // k blocks have equal sizes, so each element's order of summation depends on k alone.
    const long kcb = block_size(k, KC_MAX, 1);
    const long ncb = block_size(n, NC_MAX, info.nr);
    const long mcb = block_size(m, MC_MAX, info.mr);
    // B panels start 64-byte aligned (the kernels use aligned loads): a multiple of 16 floats.
    const long b_offset = (mcb * kcb + 15) / 16 * 16;
    float *packed_a = swiftcnn_thread_buffer(SWIFTCNN_BUFFER_GEMM, (size_t)(b_offset + ncb * kcb));
    if (packed_a == NULL) return;
    float *packed_b = packed_a + b_offset;
    for (long jc = 0; jc < n; jc += ncb) {
        const long nc = n - jc < ncb ? n - jc : ncb;
        for (long pc = 0; pc < k; pc += kcb) {
            const long kc = k - pc < kcb ? k - pc : kcb;
            if (source->packed_columns > 0) {
                // Panel q of k block pc starts at pc·(padded columns) + q·NR·kc.
                const long padded = padded_columns(source->packed_columns, info.nr);
                packed_b = (float *)source->b + pc * padded + (source->ldb + jc) * kc;
            } else if (source->shape != NULL) {
                pack_b_im2col(source->shape, source->b, pc, kc, source->ldb + jc, nc, info.nr,
                    level, packed_b);
            } else {
                pack_b(source->b, source->ldb, source->transpose, pc, kc, jc, nc, info.nr,
                    info.interleave, info.copy_rows, packed_b);
            }
            const float block_beta = pc == 0 ? beta : 1.0f;
            for (long ic = 0; ic < m; ic += mcb) {
                const long mc = m - ic < mcb ? m - ic : mcb;
                pack_a(a, lda, transpose_a, ic, mc, pc, kc, info.mr, info.interleave, packed_a);
                for (long ir = 0; ir < mc; ir += info.mr) {
                    const int mr = (int)(mc - ir < info.mr ? mc - ir : info.mr);
                    const float *ap = packed_a + ir * kc;
                    float *row = c + (ic + ir) * ldc + jc;
                    for (long jr = 0; jr < nc; jr += info.nr) {
                        const long nr = nc - jr < info.nr ? nc - jr : info.nr;
                        info.kernel(mr, kc, ap, packed_b + jr * kc, row + jr, ldc, nr, alpha,
                            block_beta);
                    }
                }
            }
        }
    }
}

void swiftcnn_sgemm(
    int level, int transpose_a, int transpose_b, long m, long n, long k, float alpha,
    const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    const b_source source = {b, ldb, transpose_b, NULL, 0};
    gemm(level, m, n, k, alpha, a, lda, transpose_a, &source, beta, c, ldc);
}

long swiftcnn_sgemm_packed_b_count(int level, long n, long k) {
    return padded_columns(n, kernel_for(level).nr) * k;
}

long swiftcnn_sgemm_panel_width(int level) {
    return kernel_for(level).nr;
}

int swiftcnn_sgemm_packed_b_applies(int level, long m, long n) {
    const kernel_info info = kernel_for(level);
    return !computes_transposed(&info, m, n);
}

void swiftcnn_sgemm_pack_b(
    int level, int transpose_b, long n, long k, const float *b, long ldb, float *dest) {
    const kernel_info info = kernel_for(level);
    const long padded = padded_columns(n, info.nr);
    const long kcb = block_size(k, KC_MAX, 1);
    for (long pc = 0; pc < k; pc += kcb) {
        const long kc = k - pc < kcb ? k - pc : kcb;
        pack_b(b, ldb, transpose_b, pc, kc, 0, n, info.nr, info.interleave, info.copy_rows,
            dest + pc * padded);
    }
}

void swiftcnn_sgemm_packed(
    int level, int transpose_a, long m, long first_column, long n, long k, float alpha,
    const float *a, long lda, const float *packed, long packed_columns, float beta, float *c,
    long ldc) {
    const b_source source = {packed, first_column, 0, NULL, packed_columns};
    gemm(level, m, n, k, alpha, a, lda, transpose_a, &source, beta, c, ldc);
}

void swiftcnn_sgemm_im2col(
    int level, long m, long first_column, long n, float alpha, const float *a, long lda,
    const swiftcnn_conv_shape *shape, const float *input, float beta, float *c, long ldc) {
    const long k = shape->channels * shape->kernel_height * shape->kernel_width;
    const b_source source = {input, first_column, 0, shape, 0};
    gemm(level, m, n, k, alpha, a, lda, 0, &source, beta, c, ldc);
}
