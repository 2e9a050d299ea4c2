// Direct convolution: the level-independent parts (mask tables, weight packing, stride
// phases) and the dispatch to the per-instruction-set kernels of direct_kernels.h
// (direct_avx512.c, direct_avx2.c, direct_portable.c).
#include "direct_internal.h"

#include <stdint.h>
#include <string.h>

enum { MR = SWIFTCNN_DIRECT_BLOCK };

int swiftcnn_direct_lanes(int level) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    return level >= 2 ? 16 : level == 1 ? 8 : 4;
#else
    (void)level;
    return 4;
#endif
}

float swiftcnn_fma_peak(int level, long rounds) {
    return SWIFTCNN_DISPATCH(level, swiftcnn_fma_peak, rounds);
}

long swiftcnn_direct_vector_count(int level, const swiftcnn_direct_shape *g) {
    const long lanes = swiftcnn_direct_lanes(level);
    return (g->out_rows * g->width + lanes - 1) / lanes;
}

void swiftcnn_direct_masks(int level, const swiftcnn_direct_shape *g, uint32_t *masks) {
    const long lanes = swiftcnn_direct_lanes(level);
    const long pixels = g->out_rows * g->width, vectors = swiftcnn_direct_vector_count(level, g);
    for (long t = 0; t < g->taps; t++) {
        const long dy = g->tap_row[t], dx = g->tap_column[t];
        for (long v = 0; v < vectors; v++) {
            uint32_t mask = 0;
            for (long lane = 0; lane < lanes; lane++) {
                const long q = v * lanes + lane;
                if (q >= pixels) break;
                const long y = q / g->width + dy, x = q % g->width + dx;
                if (y >= 0 && y < g->source_rows && x >= 0 && x < g->width) {
                    mask |= 1u << lane;
                }
            }
            // A plain load of the whole vector must stay inside the channel's memory.
            const long start = v * lanes + g->tap_offset[t];
            if (start < 0 || start + lanes > g->channel_stride) mask |= 0x80000000u;
            masks[t * vectors + v] = mask;
        }
    }
}

void swiftcnn_direct_pack_weights(
    long outputs, long channels, long taps, const float *weight, long output_stride,
    long channel_stride, const long *tap_index, float *dest) {
    const long blocks = (outputs + MR - 1) / MR;
    for (long b = 0; b < blocks; b++) {
        for (long t = 0; t < taps; t++) {
            for (long c = 0; c < channels; c++) {
                float *target = dest + ((b * taps + t) * channels + c) * MR;
                for (long r = 0; r < MR; r++) {
                    const long o = b * MR + r;
                    target[r] = o < outputs
                        ? weight[o * output_stride + c * channel_stride + tap_index[t]] : 0.0f;
                }
            }
        }
    }
}

static void split_phases_scalar(
    const float *input, long channels, long height, long width, long stride_height,
    long stride_width, long phase_rows, long phase_width, long channel_stride, float *dest) {
    const long plane = phase_rows * phase_width;
    for (long c = 0; c < channels; c++) {
        const float *source = input + c * height * width;
        for (long a = 0; a < stride_height; a++) {
            for (long b = 0; b < stride_width; b++) {
                float *target = dest + c * channel_stride + (a * stride_width + b) * plane;
                for (long y = 0; y < phase_rows; y++) {
                    const long iy = y * stride_height + a;
                    float *row = target + y * phase_width;
                    if (iy >= height) {
                        for (long x = 0; x < phase_width; x++) row[x] = 0.0f;
                        continue;
                    }
                    const float *line = source + iy * width + b;
                    for (long x = 0; x < phase_width; x++) {
                        const long ix = x * stride_width + b;
                        row[x] = ix < width ? line[x * stride_width] : 0.0f;
                    }
                }
            }
        }
    }
}

static void merge_phases_scalar(
    const float *phases, long channels, long height, long width, long stride_height,
    long stride_width, long phase_rows, long phase_width, float *output) {
    const long plane = phase_rows * phase_width;
    for (long c = 0; c < channels; c++) {
        float *target = output + c * height * width;
        for (long a = 0; a < stride_height; a++) {
            for (long b = 0; b < stride_width; b++) {
                const float *source = phases + (c * stride_height * stride_width
                    + a * stride_width + b) * plane;
                for (long y = 0; y * stride_height + a < height && y < phase_rows; y++) {
                    float *line = target + (y * stride_height + a) * width + b;
                    const float *row = source + y * phase_width;
                    for (long x = 0; x * stride_width + b < width && x < phase_width; x++) {
                        line[x * stride_width] = row[x];
                    }
                }
            }
        }
    }
}

/// The rows a, a + stride, a + 2·stride, … of a plane of `height` rows: how many there are.
static long rows_of_parity(long height, long stride, long a) {
    return a < height ? (height - a + stride - 1) / stride : 0;
}

void swiftcnn_direct_split_phases(
    int level, const float *input, long channels, long height, long width, long stride_height,
    long stride_width, long phase_rows, long phase_width, long channel_stride, float *dest) {
    if (stride_width > 2 || width != stride_width * phase_width) {
        split_phases_scalar(input, channels, height, width, stride_height, stride_width,
            phase_rows, phase_width, channel_stride, dest);
        return;
    }
    const long plane = phase_rows * phase_width;
    for (long c = 0; c < channels; c++) {
        for (long a = 0; a < stride_height; a++) {
            // Phase rows y < rows come from input rows y·stride_height + a; the rest are zero.
            float *target = dest + c * channel_stride + a * stride_width * plane;
            const float *lines = input + (c * height + a) * width;
            const long rows = rows_of_parity(height, stride_height, a);
            if (stride_width == 2) {
                SWIFTCNN_DISPATCH(level, swiftcnn_split_row_pairs, lines, rows,
                    stride_height * width, phase_width, target, target + plane);
            } else {
                for (long y = 0; y < rows; y++) {
                    memcpy(target + y * phase_width, lines + y * stride_height * width,
                        (size_t)width * sizeof(float));
                }
            }
            for (long b = 0; b < stride_width; b++) {
                memset(target + b * plane + rows * phase_width, 0,
                    (size_t)((phase_rows - rows) * phase_width) * sizeof(float));
            }
        }
    }
}

void swiftcnn_direct_shift_columns(
    int level, const float *input, long channels, long height, long width, long kernel_width,
    long dilation, long padding, long out_width, float *dest, int last) {
    for (long c = 0; c < channels; c++) {
        SWIFTCNN_DISPATCH(level, swiftcnn_shift_columns, input + c * height * width, height,
            width, kernel_width, dilation, padding, out_width,
            dest + c * kernel_width * height * out_width, last && c == channels - 1);
    }
}

void swiftcnn_direct_merge_phases(
    int level, const float *phases, long channels, long height, long width,
    long stride_height, long stride_width, long phase_rows, long phase_width, float *output) {
    if (stride_width > 2 || width != stride_width * phase_width) {
        merge_phases_scalar(phases, channels, height, width, stride_height, stride_width,
            phase_rows, phase_width, output);
        return;
    }
    const long plane = phase_rows * phase_width, count = stride_height * stride_width;
    for (long c = 0; c < channels; c++) {
        for (long a = 0; a < stride_height; a++) {
            // Output rows a, a + stride_height, … from phase rows 0, 1, …
            const float *source = phases + (c * count + a * stride_width) * plane;
            float *lines = output + (c * height + a) * width;
            const long rows = rows_of_parity(height, stride_height, a);
            if (stride_width == 2) {
                SWIFTCNN_DISPATCH(level, swiftcnn_merge_row_pairs, source, source + plane, rows,
                    phase_width, lines, stride_height * width);
            } else {
                for (long y = 0; y < rows; y++) {
                    memcpy(lines + y * stride_height * width, source + y * phase_width,
                        (size_t)width * sizeof(float));
                }
            }
        }
    }
}

void swiftcnn_direct_forward(
    int level, const swiftcnn_direct_shape *g, const uint32_t *masks, long outputs,
    const float *packed, const float *bias, const float *source, long source_sample,
    float *output, long output_sample, long output_stride, long first_unit, long unit_count,
    int relu) {
    SWIFTCNN_DISPATCH(level, swiftcnn_direct_forward, g, masks, outputs, packed, bias, source,
        source_sample, output, output_sample, output_stride, first_unit, unit_count, relu);
}

void swiftcnn_direct_weight_gradient(
    int level, const swiftcnn_direct_shape *g, const uint32_t *masks, long outputs,
    long samples, const float *source, long source_sample, const float *gradient,
    long gradient_sample, long gradient_stride, float *dw, long dw_stride, int accumulate,
    long kernel_width) {
    SWIFTCNN_DISPATCH(level, swiftcnn_direct_weight_gradient, g, masks, outputs, samples,
        source, source_sample, gradient, gradient_sample, gradient_stride, dw, dw_stride,
        accumulate, kernel_width);
}
