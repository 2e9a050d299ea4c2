// The per-instruction-set instances of direct_kernels.h (internal) and the dispatch by vector
// level: AVX-512 and AVX2 exist on x86-64 only, the portable instance everywhere.
#ifndef SWIFTCNN_DIRECT_INTERNAL_H
#define SWIFTCNN_DIRECT_INTERNAL_H

#include "tensor_kernels.h"

#define SWIFTCNN_DECLARE_DIRECT(SUFFIX)                                                     \
    void swiftcnn_direct_forward_##SUFFIX(                                                  \
        const swiftcnn_direct_shape *g, const uint32_t *masks, long outputs,                \
        const float *packed, const float *bias, const float *source, long source_sample,    \
        float *output, long output_sample, long output_stride, long first_unit,             \
        long unit_count, int relu);                                                         \
    void swiftcnn_direct_weight_gradient_##SUFFIX(                                          \
        const swiftcnn_direct_shape *g, const uint32_t *masks, long outputs, long samples,  \
        const float *source, long source_sample, const float *gradient,                     \
        long gradient_sample, long gradient_stride, float *dw, long dw_stride,              \
        int accumulate, long kernel_width);                                                 \
    void swiftcnn_weight_gradient_wide_##SUFFIX(                                            \
        const swiftcnn_wide_gradient_shape *g, long samples, const float *padded,           \
        long padded_sample, const float *zero, const float *gradient_t,                     \
        long gradient_t_sample, float *dwt, int accumulate);                                \
    void swiftcnn_shift_columns_##SUFFIX(                                                   \
        const float *plane, long height, long width, long kernel_width, long dilation,      \
        long padding, long out_width, float *dest, int last);                               \
    void swiftcnn_split_row_pairs_##SUFFIX(                                                 \
        const float *lines, long rows, long line_stride, long count, float *even,           \
        float *odd);                                                                        \
    void swiftcnn_merge_row_pairs_##SUFFIX(                                                 \
        const float *even, const float *odd, long rows, long count, float *lines,           \
        long line_stride);                                                                  \
    void swiftcnn_max_pool_2x2_##SUFFIX(                                                    \
        const float *x, long width, long out_rows, long out_width, float *y,                \
        int32_t *indices);                                                                  \
    int swiftcnn_max_pool_2x2_backward_##SUFFIX(                                            \
        const float *dy, const int32_t *indices, long width, long out_rows, long out_width, \
        float *dx);                                                                         \
    float swiftcnn_fma_peak_##SUFFIX(long rounds);                                          \
    int swiftcnn_winograd_forward_##SUFFIX(                                                 \
        const swiftcnn_winograd_shape *s, const float *packed, const float *bias,           \
        const float *input, long samples, float *output, int relu);                         \
    int swiftcnn_winograd4_forward_##SUFFIX(                                                \
        const swiftcnn_winograd_shape *s, const float *packed, const float *bias,           \
        const float *input, long samples, float *output, int relu);                         \
    int swiftcnn_winograd4_weight_gradient_##SUFFIX(                                        \
        const swiftcnn_winograd_shape *s, const float *input, const float *gradient,        \
        long samples, long block, float *dw, int accumulate);                               \
    int swiftcnn_winograd_weight_gradient_##SUFFIX(                                         \
        const swiftcnn_winograd_shape *s, const float *input, const float *gradient,        \
        long samples, long block, float *dw, int accumulate);

SWIFTCNN_DECLARE_DIRECT(portable)

/// Positions of the largest Winograd tile's transform (6x6, F(4x4, 3x3)).
#define SWIFTCNN_WINOGRAD_MAX_POSITIONS 36

/// The packing loop of swiftcnn_winograd_pack_filter and swiftcnn_winograd4_pack_filter:
/// `transform` maps a 3x3 filter to its `positions` (at most
/// SWIFTCNN_WINOGRAD_MAX_POSITIONS) transformed values, stored at
/// `dest[((b·positions + ξ)·channels + c)·8 + r]` for output o = 8b + r (zero for
/// o ≥ outputs).
void swiftcnn_winograd_pack_filters(
    const float *weight, long outputs, long channels, int flipped, long first_block,
    long block_count, int positions, void (*transform)(const float g[9], float *u),
    float *dest);

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
SWIFTCNN_DECLARE_DIRECT(avx2)
SWIFTCNN_DECLARE_DIRECT(avx512)
/// Calls the instance of `name` for vector level `level` (2 AVX-512, 1 AVX2, else portable).
#define SWIFTCNN_DISPATCH(level, name, ...)                                                 \
    ((level) >= 2 ? name##_avx512(__VA_ARGS__)                                              \
        : (level) == 1 ? name##_avx2(__VA_ARGS__) : name##_portable(__VA_ARGS__))
#else
#define SWIFTCNN_DISPATCH(level, name, ...) ((void)(level), name##_portable(__VA_ARGS__))
#endif

#endif
