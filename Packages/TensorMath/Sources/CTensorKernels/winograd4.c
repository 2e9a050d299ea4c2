// Winograd F(4x4, 3x3) convolution and its F(3x3, 4x4) weight gradient: the level-independent
// filter transform and the dispatch to the per-instruction-set kernels of winograd4_kernels.h.
#include "direct_internal.h"

enum { BLOCK = SWIFTCNN_DIRECT_BLOCK, POSITIONS = 36 };

long swiftcnn_winograd4_filter_count(long outputs, long channels) {
    return POSITIONS * ((outputs + BLOCK - 1) / BLOCK) * BLOCK * channels;
}

/// The rows of G applied to (g0, g1, g2): out[i] = Σ_k G[i][k]·g_k, in double precision (⅙,
/// 1/12 and 1/24 have no exact float).
static inline void apply_g(double g0, double g1, double g2, double out[6]) {
    const double sixth = 1.0 / 6, even = (g0 + g2) * sixth, odd = g1 * sixth;
    const double quarter = (g0 * 0.25 + g2) * sixth, half = g1 * (1.0 / 12);
    out[0] = g0 * 0.25;
    out[1] = -(even + odd);
    out[2] = odd - even;
    out[3] = quarter + half;
    out[4] = quarter - half;
    out[5] = g2;
}

/// u = G g Gᵀ for one 3x3 filter, rounded once to float.
static void transform_filter(const float g[9], float *u) {
    double t[3][6]; // t[j] = G · column j of g
    for (int j = 0; j < 3; j++) apply_g(g[j], g[3 + j], g[6 + j], t[j]);
    for (int i = 0; i < 6; i++) {
        double row[6];
        apply_g(t[0][i], t[1][i], t[2][i], row);
        for (int k = 0; k < 6; k++) u[i * 6 + k] = (float)row[k];
    }
}

void swiftcnn_winograd4_pack_filter(
    const float *weight, long outputs, long channels, int flipped, long first_block,
    long block_count, float *dest) {
    swiftcnn_winograd_pack_filters(weight, outputs, channels, flipped, first_block, block_count,
        POSITIONS, transform_filter, dest);
}

int swiftcnn_winograd4_forward(
    int level, const swiftcnn_winograd_shape *shape, const float *packed, const float *bias,
    const float *input, long samples, float *output, int relu) {
    return SWIFTCNN_DISPATCH(
        level, swiftcnn_winograd4_forward, shape, packed, bias, input, samples, output, relu);
}

int swiftcnn_winograd4_weight_gradient(
    int level, const swiftcnn_winograd_shape *shape, const float *input, const float *gradient,
    long samples, long block, float *dw, int accumulate) {
    return SWIFTCNN_DISPATCH(level, swiftcnn_winograd4_weight_gradient, shape, input, gradient,
        samples, block, dw, accumulate);
}
