// Pooling kernels: 2x2 max pooling with stride 2 (the layer of nearly every CNN), forward and
// backward, dispatched to the per-instruction-set instances of direct_kernels.h.
#include "direct_internal.h"

void swiftcnn_max_pool_2x2(
    int level, const float *x, long width, long out_rows, long out_width, float *y,
    int32_t *indices) {
    SWIFTCNN_DISPATCH(level, swiftcnn_max_pool_2x2, x, width, out_rows, out_width, y, indices);
}

int swiftcnn_max_pool_2x2_backward(
    int level, const float *dy, const int32_t *indices, long width, long out_rows,
    long out_width, float *dx) {
    return SWIFTCNN_DISPATCH(
        level, swiftcnn_max_pool_2x2_backward, dy, indices, width, out_rows, out_width, dx);
}
