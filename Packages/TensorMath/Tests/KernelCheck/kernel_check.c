// A plain C test of the portable kernels (vector level 0) against reference loops, for
// machines where the Swift tests cannot run: Tools/check-arm64 cross-compiles it with every
// CTensorKernels source for ARM64 and runs it under qemu-aarch64. Not a SwiftPM target.
//
// Covers: the direct forward kernel, the masked and the wide weight-gradient kernels (with
// plane padding and the pixel-major transpose), stride-phase split and merge, 2x2 max pooling
// forward and backward, the Winograd forward pass, and the GEMM at level 0. Exits 1 on the
// first mismatch.
#include "tensor_kernels.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long state = 88172645463325252ull;

/// Uniform in [-1, 1).
static float uniform(void) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (float)((state >> 40) & 0xFFFFFF) / 8388608.0f - 1.0f;
}

static float *random_array(long count) {
    float *values = malloc((size_t)count * sizeof(float));
    for (long i = 0; i < count; i++) values[i] = uniform();
    return values;
}

static int failures = 0;

/// The largest error relative to max(1, |expected|) must be at most `tolerance`.
static void expect_close(
    const char *what, const float *got, const double *expected, long count, double tolerance) {
    double worst = 0;
    long at = 0;
    for (long i = 0; i < count; i++) {
        const double error = fabs((double)got[i] - expected[i]) / fmax(1.0, fabs(expected[i]));
        if (!(error <= worst)) {
            worst = error;
            at = i;
        }
    }
    const int ok = worst <= tolerance;
    printf("%-48s %s (max relative error %.2e at %ld)\n", what, ok ? "ok" : "FAILED", worst, at);
    if (!ok) failures++;
}

/// A "same" convolution at stride 1 (the direct kernels' native form): N x C x H x W input,
/// O x C x K x K weight, padding K / 2.
static void check_convolution(long n, long c, long o, long h, long w, long k) {
    const long p = k / 2, plane = h * w, taps = k * k, patch = c * taps;
    char name[96];
    float *x = random_array(n * c * plane), *weight = random_array(o * patch);
    float *bias = random_array(o), *dy = random_array(n * o * plane);
    // Reference loops in double.
    double *y_ref = calloc((size_t)(n * o * plane), sizeof(double));
    double *dw_ref = calloc((size_t)(o * patch), sizeof(double));
    for (long s = 0; s < n; s++)
        for (long oc = 0; oc < o; oc++)
            for (long oy = 0; oy < h; oy++)
                for (long ox = 0; ox < w; ox++) {
                    double sum = bias[oc];
                    const double g = dy[(s * o + oc) * plane + oy * w + ox];
                    for (long ch = 0; ch < c; ch++)
                        for (long i = 0; i < k; i++)
                            for (long j = 0; j < k; j++) {
                                const long iy = oy + i - p, ix = ox + j - p;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                const double v = x[(s * c + ch) * plane + iy * w + ix];
                                sum += v * weight[(oc * c + ch) * taps + i * k + j];
                                dw_ref[(oc * c + ch) * taps + i * k + j] += v * g;
                            }
                    y_ref[(s * o + oc) * plane + oy * w + ox] = sum;
                }
    // The kernels' description: taps in raster order, offsets in the flattened plane.
    const size_t tap_bytes = (size_t)taps * sizeof(long);
    long *rows = malloc(tap_bytes), *columns = malloc(tap_bytes);
    long *offsets = malloc(tap_bytes), *index = malloc(tap_bytes);
    for (long i = 0; i < k; i++)
        for (long j = 0; j < k; j++) {
            const long t = i * k + j;
            rows[t] = i - p;
            columns[t] = j - p;
            offsets[t] = rows[t] * w + columns[t];
            index[t] = t;
        }
    const swiftcnn_direct_shape shape = {
        .width = w, .out_rows = h, .source_rows = h, .channels = c, .channel_stride = plane,
        .taps = taps, .tap_row = rows, .tap_column = columns, .tap_offset = offsets};
    const long vectors = swiftcnn_direct_vector_count(0, &shape);
    uint32_t *masks = malloc((size_t)(taps * vectors) * sizeof(uint32_t));
    swiftcnn_direct_masks(0, &shape, masks);
    const long blocks = (o + SWIFTCNN_DIRECT_BLOCK - 1) / SWIFTCNN_DIRECT_BLOCK;
    float *packed = malloc((size_t)(blocks * taps * c * SWIFTCNN_DIRECT_BLOCK) * sizeof(float));
    swiftcnn_direct_pack_weights(o, c, taps, weight, patch, taps, index, packed);
    float *y = malloc((size_t)(n * o * plane) * sizeof(float));
    swiftcnn_direct_forward(
        0, &shape, masks, o, packed, bias, x, c * plane, y, o * plane, plane, 0, n * vectors, 0);
    snprintf(name, sizeof name, "direct forward %ldx%ldx%ldx%ld, %ld outputs, %ldx%ld", n, c, h,
        w, o, k, k);
    expect_close(name, y, y_ref, n * o * plane, 1e-5);
    // The same with the fused ReLU: exactly the ReLU of the plain outputs.
    float *y_relu = malloc((size_t)(n * o * plane) * sizeof(float));
    swiftcnn_direct_forward(0, &shape, masks, o, packed, bias, x, c * plane, y_relu, o * plane,
        plane, 0, n * vectors, 1);
    long relu_mismatches = 0;
    for (long i = 0; i < n * o * plane; i++) {
        const float expected = y[i] < 0 ? 0 : y[i];
        if (memcmp(&expected, &y_relu[i], sizeof expected) != 0) relu_mismatches++;
    }
    printf("direct forward + ReLU, %-25ld %s (%ld outputs differ from the ReLU of the plain ones)\n",
        o, relu_mismatches == 0 ? "ok" : "FAILED", relu_mismatches);
    if (relu_mismatches != 0) failures++;
    free(y_relu);
    // Masked weight gradient.
    float *dw = malloc((size_t)(o * patch) * sizeof(float));
    swiftcnn_direct_weight_gradient(
        0, &shape, masks, o, n, x, c * plane, dy, o * plane, plane, dw, patch, 0, k);
    snprintf(name, sizeof name, "direct weight gradient (masked) %ld outputs", o);
    expect_close(name, dw, dw_ref, o * patch, 1e-4);
    // Wide weight gradient: padded input planes, output gradient transposed to pixel-major.
    if (swiftcnn_weight_gradient_wide_supports(k, 1)) {
        const long lanes = swiftcnn_direct_lanes(0), ov = (o + lanes - 1) / lanes;
        const long pr = h + 2 * p, pw = w + 2 * p, padded_plane = pr * pw;
        float *padded = malloc((size_t)(n * c * padded_plane + padded_plane) * sizeof(float));
        float *zero = padded + n * c * padded_plane;
        memset(zero, 0, (size_t)padded_plane * sizeof(float));
        float *transposed = malloc((size_t)(n * plane * ov * lanes) * sizeof(float));
        for (long s = 0; s < n; s++) {
            swiftcnn_pad_planes(x + s * c * plane, c, h, w, p, p, pr, pw,
                padded + s * c * padded_plane);
            swiftcnn_transpose_planes(0, dy + s * o * plane, o, plane, ov * lanes,
                transposed + s * plane * ov * lanes);
        }
        const swiftcnn_wide_gradient_shape wide = {
            .channels = c, .kernel_height = k, .kernel_width = k, .out_rows = h, .out_width = w,
            .stride_height = 1, .stride_width = 1, .dilation_height = 1, .padded_rows = pr,
            .padded_width = pw, .output_vectors = ov};
        float *dwt = malloc((size_t)(patch * ov * lanes) * sizeof(float));
        swiftcnn_weight_gradient_wide(0, &wide, n, padded, c * padded_plane, zero, transposed,
            plane * ov * lanes, dwt, 0);
        for (long oc = 0; oc < o; oc++)
            for (long kk = 0; kk < patch; kk++) dw[oc * patch + kk] = dwt[kk * ov * lanes + oc];
        snprintf(name, sizeof name, "direct weight gradient (wide) %ld outputs", o);
        expect_close(name, dw, dw_ref, o * patch, 1e-4);
        free(padded);
        free(transposed);
        free(dwt);
    }
    free(x); free(weight); free(bias); free(dy); free(y_ref); free(dw_ref); free(rows);
    free(columns); free(offsets); free(index); free(masks); free(packed); free(y); free(dw);
}

/// Stride-2 phases of C x H x W planes against their definition, and back.
static void check_phases(long c, long h, long w) {
    const long pr = (h + 1) / 2, pw = (w + 1) / 2, plane = pr * pw;
    float *x = random_array(c * h * w), *phases = malloc((size_t)(c * 4 * plane) * sizeof(float));
    double *expected = malloc((size_t)(c * 4 * plane) * sizeof(double));
    for (long ch = 0; ch < c; ch++)
        for (long a = 0; a < 2; a++)
            for (long b = 0; b < 2; b++)
                for (long y = 0; y < pr; y++)
                    for (long xx = 0; xx < pw; xx++) {
                        const long iy = 2 * y + a, ix = 2 * xx + b;
                        expected[((ch * 4 + a * 2 + b) * pr + y) * pw + xx] =
                            iy < h && ix < w ? x[(ch * h + iy) * w + ix] : 0.0;
                    }
    swiftcnn_direct_split_phases(0, x, c, h, w, 2, 2, pr, pw, 4 * plane, phases);
    char name[96];
    snprintf(name, sizeof name, "stride-2 phases of %ldx%ldx%ld", c, h, w);
    expect_close(name, phases, expected, c * 4 * plane, 0);
    float *back = malloc((size_t)(c * h * w) * sizeof(float));
    double *original = malloc((size_t)(c * h * w) * sizeof(double));
    for (long i = 0; i < c * h * w; i++) original[i] = x[i];
    swiftcnn_direct_merge_phases(0, phases, c, h, w, 2, 2, pr, pw, back);
    snprintf(name, sizeof name, "stride-2 phases merged back, %ldx%ldx%ld", c, h, w);
    expect_close(name, back, original, c * h * w, 0);
    free(x); free(phases); free(expected); free(back); free(original);
}

/// 2x2 max pooling of an H x W plane (ties and NaN included), forward and backward.
static void check_pooling(long h, long w) {
    const long oh = h / 2, ow = w / 2;
    float *x = random_array(h * w);
    for (long i = 0; i < h * w; i++) x[i] = roundf(x[i] * 2);  // ties
    for (long i = 3; i < h * w; i += 17) x[i] = NAN;
    float *y = malloc((size_t)(oh * ow) * sizeof(float));
    int32_t *indices = malloc((size_t)(oh * ow) * sizeof(int32_t));
    swiftcnn_max_pool_2x2(0, x, w, oh, ow, y, indices);
    float *dy = random_array(oh * ow), *dx = malloc((size_t)(h * w) * sizeof(float));
    double *dx_ref = calloc((size_t)(h * w), sizeof(double));
    long wrong = 0;
    for (long oy = 0; oy < oh; oy++)
        for (long ox = 0; ox < ow; ox++) {
            float best = -INFINITY;
            long best_index = 2 * oy * w + 2 * ox;
            for (long yy = 2 * oy; yy < 2 * oy + 2; yy++)
                for (long xx = 2 * ox; xx < 2 * ox + 2; xx++) {
                    const float v = x[yy * w + xx];
                    if (v > best || v != v) {
                        best = v;
                        best_index = yy * w + xx;
                    }
                }
            const long at = oy * ow + ox;
            if (indices[at] != best_index || memcmp(&y[at], &best, sizeof best) != 0) wrong++;
            dx_ref[best_index] += dy[at];
        }
    printf("%-48s %s (%ld wrong windows)\n", "2x2 max pooling forward", wrong ? "FAILED" : "ok",
        wrong);
    if (wrong) failures++;
    memset(dx, 0, (size_t)(h * w) * sizeof(float));
    const int done = swiftcnn_max_pool_2x2_backward(0, dy, indices, w, oh, ow, dx);
    char name[96];
    snprintf(name, sizeof name, "2x2 max pooling backward %ldx%ld", h, w);
    if (!done) {
        printf("%-48s FAILED (rejected its own indices)\n", name);
        failures++;
    } else {
        expect_close(name, dx, dx_ref, h * w, 0);
    }
    free(x); free(y); free(indices); free(dy); free(dx); free(dx_ref);
}

/// C = A·B at level 0 against the triple loop.
/// The Winograd F(2x2, 3x3) and F(4x4, 3x3) forward passes at level 0 (forward filter, bias
/// and ReLU; and the flipped, transposed filter of an input gradient) and the F(3x3, 2x2)
/// and F(3x3, 4x4) weight gradients against the direct sums in double.
static void check_winograd(long n, long c, long o, long h, long w, long pad) {
    const long oh = h + 2 * pad - 2, ow = w + 2 * pad - 2, out = n * o * oh * ow;
    float *x = random_array(n * c * h * w), *weight = random_array(o * c * 9);
    float *bias = random_array(o), *y = malloc((size_t)out * sizeof(float));
    float *flipped = malloc((size_t)(o * c * 9) * sizeof(float));
    double *expected = calloc((size_t)out, sizeof(double));
    double *relu = calloc((size_t)out, sizeof(double));
    for (long s = 0; s < n; s++)
        for (long q = 0; q < o; q++)
            for (long oy = 0; oy < oh; oy++)
                for (long ox = 0; ox < ow; ox++) {
                    double sum = bias[q];
                    for (long ch = 0; ch < c; ch++)
                        for (long i = 0; i < 3; i++)
                            for (long j = 0; j < 3; j++) {
                                const long iy = oy + i - pad, ix = ox + j - pad;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                sum += (double)weight[((q * c + ch) * 3 + i) * 3 + j]
                                    * x[((s * c + ch) * h + iy) * w + ix];
                            }
                    const long at = ((s * o + q) * oh + oy) * ow + ox;
                    expected[at] = sum;
                    relu[at] = sum < 0 ? 0 : sum;
                }
    // The same filter given as [C][O][3][3], rotated by 180 degrees.
    for (long q = 0; q < o; q++)
        for (long ch = 0; ch < c; ch++)
            for (long t = 0; t < 9; t++) flipped[(ch * o + q) * 9 + 8 - t] = weight[(q * c + ch) * 9 + t];
    const swiftcnn_winograd_shape shape = {
        c, h, w, o, oh, ow, pad, pad, (oh + 1) / 2, (ow + 1) / 2};
    const swiftcnn_winograd_shape shape4 = {
        c, h, w, o, oh, ow, pad, pad, (oh + 3) / 4, (ow + 3) / 4};
    float *packed = malloc((size_t)swiftcnn_winograd4_filter_count(o, c) * sizeof(float));
    const long blocks = (o + 7) / 8;
    char name[96];
    for (int tile = 2; tile <= 4; tile += 2) {
        for (int variant = 0; variant < 3; variant++) {
            const float *filter = variant == 2 ? flipped : weight;
            if (tile == 2) {
                swiftcnn_winograd_pack_filter(filter, o, c, variant == 2, 0, blocks, packed);
            } else {
                swiftcnn_winograd4_pack_filter(filter, o, c, variant == 2, 0, blocks, packed);
            }
            // Samples in two calls (blocks of 1 and n - 1).
            const long first = 1, sample = o * oh * ow;
            for (int call = 0; call < 2; call++) {
                const long start = call ? first : 0, count = call ? n - first : first;
                const float *in = x + start * c * h * w;
                float *outp = y + start * sample;
                if (tile == 2) {
                    swiftcnn_winograd_forward(
                        0, &shape, packed, bias, in, count, outp, variant == 1);
                } else {
                    swiftcnn_winograd4_forward(
                        0, &shape4, packed, bias, in, count, outp, variant == 1);
                }
            }
            snprintf(name, sizeof name, "winograd F(%dx%d) %ld->%ld %ldx%ld p%ld%s", tile, tile, c,
                o, h, w, pad, variant == 1 ? " relu" : variant == 2 ? " flipped" : "");
            // F(4x4, 3x3) multiplies by up to 8 in its transforms: about 5x the rounding.
            expect_close(name, y, variant == 1 ? relu : expected, out, tile == 4 ? 8e-5 : 1e-5);
        }
    }
    // The weight gradient F(3x3, 2x2) of a random output gradient, in blocks of 2 samples,
    // overwriting and then accumulating.
    float *dy = random_array(out), *dw = malloc((size_t)(o * c * 9) * sizeof(float));
    double *dw_expected = calloc((size_t)(o * c * 9), sizeof(double));
    for (long s = 0; s < n; s++)
        for (long q = 0; q < o; q++)
            for (long ch = 0; ch < c; ch++)
                for (long i = 0; i < 3; i++)
                    for (long j = 0; j < 3; j++)
                        for (long oy = 0; oy < oh; oy++)
                            for (long ox = 0; ox < ow; ox++) {
                                const long iy = oy + i - pad, ix = ox + j - pad;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                dw_expected[((q * c + ch) * 3 + i) * 3 + j] +=
                                    (double)dy[((s * o + q) * oh + oy) * ow + ox]
                                    * x[((s * c + ch) * h + iy) * w + ix];
                            }
    for (int tile = 2; tile <= 4; tile += 2) {
        for (int pass = 0; pass < 2; pass++) {
            const int status = tile == 2
                ? swiftcnn_winograd_weight_gradient(0, &shape, x, dy, n, 2, dw, pass)
                : swiftcnn_winograd4_weight_gradient(0, &shape4, x, dy, n, 2, dw, pass);
            if (status != 0) failures++;
            if (pass == 1)
                for (long i = 0; i < o * c * 9; i++) dw_expected[i] *= 2;
            snprintf(name, sizeof name, "winograd F(3x3, %dx%d) %ld->%ld %ldx%ld p%ld dw%s", tile,
                tile, c, o, h, w, pad, pass ? " accumulated" : "");
            // Sums of n·OH·OW products (the transforms' halves and differences round more
            // than the direct sum): 5e-5 with 2x2 tiles, as DirectKernelTests allows 1e-4 for
            // weight gradients; 4x4 tiles multiply by up to 8 in their transforms.
            expect_close(name, dw, dw_expected, o * c * 9, tile == 4 ? 4e-4 : 5e-5);
        }
        for (long i = 0; i < o * c * 9; i++) dw_expected[i] /= 2;
    }
    free(x); free(weight); free(bias); free(y); free(flipped); free(expected); free(relu);
    free(packed); free(dy); free(dw); free(dw_expected);
}

static void check_gemm(long m, long n, long k) {
    float *a = random_array(m * k), *b = random_array(k * n);
    float *c = malloc((size_t)(m * n) * sizeof(float));
    double *expected = calloc((size_t)(m * n), sizeof(double));
    for (long i = 0; i < m; i++)
        for (long j = 0; j < n; j++)
            for (long p = 0; p < k; p++) expected[i * n + j] += (double)a[i * k + p] * b[p * n + j];
    swiftcnn_sgemm(0, 0, 0, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
    char name[96];
    snprintf(name, sizeof name, "sgemm level 0 %ldx%ldx%ld", m, n, k);
    expect_close(name, c, expected, m * n, 1e-4);
    free(a); free(b); free(c); free(expected);
}

int main(void) {
    printf("vector level %d (CPU), kernels checked at level 0 (%d lanes)\n",
        swiftcnn_vector_level(), swiftcnn_direct_lanes(0));
    check_convolution(3, 1, 6, 28, 28, 5);   // LeNet's first layer
    check_convolution(2, 5, 9, 7, 7, 3);     // odd planes, tile remainders
    check_convolution(3, 4, 13, 2, 3, 3);    // planes smaller than a vector
    check_convolution(2, 6, 36, 8, 8, 3);    // many outputs
    check_convolution(2, 3, 33, 6, 6, 1);    // 1x1
    check_phases(3, 10, 10);
    check_phases(2, 9, 7);
    check_pooling(28, 28);
    check_pooling(10, 34);
    check_pooling(6, 2);
    check_winograd(3, 17, 19, 7, 9, 1);     // odd planes, tile and output remainders
    check_winograd(2, 16, 8, 8, 8, 1);
    check_winograd(2, 5, 9, 6, 5, 0);        // no padding
    check_winograd(3, 6, 4, 5, 6, 2);        // padding 2
    check_winograd(3, 9, 10, 13, 18, 1);     // F(4x4): tile rows longer than a vector, cut tiles
    check_winograd(4, 8, 8, 1, 1, 1);        // one output pixel per sample
    check_gemm(37, 29, 300);
    if (failures) {
        printf("%d check(s) failed\n", failures);
        return 1;
    }
    printf("every check passed\n");
    return 0;
}
