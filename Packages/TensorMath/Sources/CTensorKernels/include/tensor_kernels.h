// CTensorKernels: hand-vectorized C kernels for TensorMath, compiled for several x86-64 levels
// with function target attributes and chosen at run time (no global compiler flags, so the
// package stays usable as a dependency by version).
#ifndef SWIFTCNN_TENSOR_KERNELS_H
#define SWIFTCNN_TENSOR_KERNELS_H

#ifdef __cplusplus
extern "C" {
#endif

/// The widest vector level this CPU runs: 0 scalar, 1 AVX2+FMA, 2 AVX-512F.
int swiftcnn_cpu_vector_level(void);

/// The level the kernels use: ``swiftcnn_cpu_vector_level()``, lowered by the environment
/// variable `SWIFTCNN_VECTOR_LEVEL` (0, 1 or 2) when set. Read once per process.
int swiftcnn_vector_level(void);

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

#ifdef __cplusplus
}
#endif

#endif
