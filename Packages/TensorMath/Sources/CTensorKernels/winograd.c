// Winograd F(2x2, 3x3) convolution: the level-independent filter transform and the dispatch
// to the per-instruction-set kernels of winograd_kernels.h.
#include "direct_internal.h"

enum { BLOCK = SWIFTCNN_DIRECT_BLOCK, POSITIONS = 16 };

long swiftcnn_winograd_filter_count(long outputs, long channels) {
    return POSITIONS * ((outputs + BLOCK - 1) / BLOCK) * BLOCK * channels;
}

/// u = G g Gᵀ for one 3x3 filter.
static void transform_filter(const float g[9], float *u) {
    float t[4][3];
    for (int j = 0; j < 3; j++) {
        t[0][j] = g[j];
        t[1][j] = 0.5f * (g[j] + g[3 + j] + g[6 + j]);
        t[2][j] = 0.5f * (g[j] - g[3 + j] + g[6 + j]);
        t[3][j] = g[6 + j];
    }
    for (int i = 0; i < 4; i++) {
        u[i * 4 + 0] = t[i][0];
        u[i * 4 + 1] = 0.5f * (t[i][0] + t[i][1] + t[i][2]);
        u[i * 4 + 2] = 0.5f * (t[i][0] - t[i][1] + t[i][2]);
        u[i * 4 + 3] = t[i][2];
    }
}

void swiftcnn_winograd_pack_filters(
    const float *weight, long outputs, long channels, int flipped, long first_block,
    long block_count, int positions, void (*transform)(const float g[9], float *u),
    float *dest) {
    for (long b = first_block; b < first_block + block_count; b++) {
        for (long c = 0; c < channels; c++) {
            // The block's 8 filters of channel c, then stored a position at a time (8
            // consecutive scalars; storing a filter at a time writes `positions` lines far
            // apart).
            float u[BLOCK][SWIFTCNN_WINOGRAD_MAX_POSITIONS] = {{0}};
            for (long r = 0; r < BLOCK && b * BLOCK + r < outputs; r++) {
                const long o = b * BLOCK + r;
                float g[9];
                for (int k = 0; k < 9; k++) {
                    g[k] = flipped ? weight[(c * outputs + o) * 9 + 8 - k]
                                   : weight[(o * channels + c) * 9 + k];
                }
                transform(g, u[r]);
            }
            for (int xi = 0; xi < positions; xi++) {
                float *target = dest + ((b * positions + xi) * channels + c) * BLOCK;
                for (long r = 0; r < BLOCK; r++) target[r] = u[r][xi];
            }
        }
    }
}

void swiftcnn_winograd_pack_filter(
    const float *weight, long outputs, long channels, int flipped, long first_block,
    long block_count, float *dest) {
    swiftcnn_winograd_pack_filters(weight, outputs, channels, flipped, first_block, block_count,
        POSITIONS, transform_filter, dest);
}

int swiftcnn_winograd_forward(
    int level, const swiftcnn_winograd_shape *shape, const float *packed, const float *bias,
    const float *input, long samples, float *output, int relu) {
    return SWIFTCNN_DISPATCH(
        level, swiftcnn_winograd_forward, shape, packed, bias, input, samples, output, relu);
}

int swiftcnn_winograd_weight_gradient(
    int level, const swiftcnn_winograd_shape *shape, const float *input, const float *gradient,
    long samples, long block, float *dw, int accumulate) {
    return SWIFTCNN_DISPATCH(level, swiftcnn_winograd_weight_gradient, shape, input, gradient,
        samples, block, dw, accumulate);
}
