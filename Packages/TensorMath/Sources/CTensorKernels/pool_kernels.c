// Pooling kernels (AVX-512): 2x2 max pooling with stride 2, the layer of nearly every CNN.
#include "tensor_kernels.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include "avx512_support.h"

static const int32_t even_lanes[16] = {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30};
static const int32_t odd_lanes[16] = {1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31};

/// Takes `value` (at flat index `index`) where it beats `best` or is NaN: windows are visited
/// in row-major order, so the first maximum wins ties and the last NaN wins, as PyTorch does.
AVX512_TARGET static inline void take_better(
    __m512 value, __m512i index, __m512 *best, __m512i *best_index) {
    const __mmask16 better = _mm512_cmp_ps_mask(value, *best, _CMP_GT_OQ)
        | _mm512_cmp_ps_mask(value, value, _CMP_UNORD_Q);
    *best = _mm512_mask_mov_ps(*best, better, value);
    *best_index = _mm512_mask_mov_epi32(*best_index, better, index);
}

AVX512_TARGET void swiftcnn_max_pool_2x2(
    const float *x, long width, long out_rows, long out_width, float *y, int32_t *indices) {
    const __m512i even = _mm512_loadu_si512(even_lanes), odd = _mm512_loadu_si512(odd_lanes);
    for (long oy = 0; oy < out_rows; oy++) {
        const float *top = x + 2 * oy * width, *bottom = top + width;
        for (long ox = 0; ox < out_width; ox += 16) {
            const long count = out_width - ox;
            const __mmask16 store = swiftcnn_lanes_below(count);
            const __mmask16 low = swiftcnn_lanes_below(2 * count);
            const __mmask16 high = swiftcnn_lanes_below(2 * count - 16);
            const __m512 t0 = _mm512_maskz_loadu_ps(low, top + 2 * ox);
            const __m512 t1 = _mm512_maskz_loadu_ps(high, top + 2 * ox + 16);
            const __m512 b0 = _mm512_maskz_loadu_ps(low, bottom + 2 * ox);
            const __m512 b1 = _mm512_maskz_loadu_ps(high, bottom + 2 * ox + 16);
            // Flat index of each window's top-left pixel (2·lane + the row's start).
            const __m512i first = _mm512_add_epi32(
                even, _mm512_set1_epi32((int32_t)(2 * oy * width + 2 * ox)));
            __m512 best = _mm512_permutex2var_ps(t0, even, t1);
            __m512i best_index = first;
            const __m512i one = _mm512_set1_epi32(1), down = _mm512_set1_epi32((int32_t)width);
            take_better(_mm512_permutex2var_ps(t0, odd, t1), _mm512_add_epi32(first, one),
                &best, &best_index);
            take_better(_mm512_permutex2var_ps(b0, even, b1), _mm512_add_epi32(first, down),
                &best, &best_index);
            take_better(_mm512_permutex2var_ps(b0, odd, b1),
                _mm512_add_epi32(first, _mm512_add_epi32(down, one)), &best, &best_index);
            _mm512_mask_storeu_ps(y + oy * out_width + ox, store, best);
            _mm512_mask_storeu_epi32(indices + oy * out_width + ox, store, best_index);
        }
    }
}

#else

void swiftcnn_max_pool_2x2(
    const float *x, long width, long out_rows, long out_width, float *y, int32_t *indices) {}

#endif
