// The direct convolution and pooling kernels for AVX2 + FMA (8 lanes): direct_kernels.h with
// smaller register tiles (16 ymm registers), vmaskmovps for loads at a channel's edges and plain
// stores for partial vectors (store_run).
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define LANES 8
#define SUFFIX avx2
#define KERNEL_TARGET __attribute__((target("avx2,fma")))
#include "direct_vector.h"

#define TILE_MR 8
#define TILE_NV 2
#define TILE_ACC 12
#define GR 3
#define GK 3
#define WIDE_OV 2
#define WIDE_ACC 12
#define FAULTLESS_MASKED_LOAD 0

KERNEL_TARGET INLINE vf vfma(vf a, vf b, vf c) { return (vf)_mm256_fmadd_ps(a, b, c); }

KERNEL_TARGET INLINE vf masked_load(const float *p, uint32_t entry, vi mask) {
    (void)entry;
    return and_mask(vload(p), mask);
}

KERNEL_TARGET INLINE vf edge_load(const float *p, uint32_t entry, vi mask) {
    (void)entry;
    return (vf)_mm256_maskload_ps(p, (__m256i)mask);
}

/// Stores lanes first ..< first + count of `v` (0 < count < LANES) at p + first as plain
/// stores of 4, 2 and 1 lanes: vmaskmovps stores are microcoded on AMD Zen (about 13 cycles
/// each on an EPYC with Zen 4, against 1 for a plain store; they held a fifth of the F(4x4)
/// output transform's time there), while its masked loads cost no more than plain ones.
KERNEL_TARGET INLINE void store_run(float *p, vf v, int first, int count) {
    const __m256i from =
        _mm256_add_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(first));
    const __m256 moved = first ? _mm256_permutevar8x32_ps((__m256)v, from) : (__m256)v;
    float *q = p + first;
    __m128 x = _mm256_castps256_ps128(moved);
    if (count & 4) {
        _mm_storeu_ps(q, x);
        x = _mm256_extractf128_ps(moved, 1);
        q += 4;
    }
    if (count & 2) {
        _mm_storel_pi((__m64 *)q, x);
        x = _mm_movehl_ps(x, x);
        q += 2;
    }
    if (count & 1) _mm_store_ss(q, x);
}

/// Stores the lanes of `v` that `entry` selects (`mask` its lanes), never touching the
/// others: a run of consecutive lanes (the F(4x4) output's only kind) by store_run.
KERNEL_TARGET INLINE void masked_store(float *p, vf v, uint32_t entry, vi mask) {
    if (entry == 0) return;
    if (entry == (1u << LANES) - 1u) {
        vstore(p, v);
        return;
    }
    const int first = __builtin_ctz(entry);
    const uint32_t run = entry >> first;
    if ((run & (run + 1)) == 0) {
        store_run(p, v, first, __builtin_popcount(run));
    } else {
        _mm256_maskstore_ps(p, (__m256i)mask, (__m256)v);
    }
}

/// Lanes summed pairwise: (0+4, 1+5, 2+6, 3+7), then (0+2, 1+3), then 0+1.
KERNEL_TARGET INLINE float reduce_add(vf v) {
    const __m128 half = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    const __m128 quarter = _mm_add_ps(half, _mm_movehl_ps(half, half));
    return _mm_cvtss_f32(_mm_add_ss(quarter, _mm_movehdup_ps(quarter)));
}

/// Lanes below `count` (vmaskmovps never touches the others).
KERNEL_TARGET INLINE __m256i lanes_below(long count) {
    return (__m256i)(lane_index() < splat_i((int32_t)count));
}

KERNEL_TARGET INLINE vf load_partial(const float *p, long count) {
    return (vf)_mm256_maskload_ps(p, lanes_below(count));
}

KERNEL_TARGET INLINE void store_partial(float *p, vf v, long count) {
    store_run(p, v, 0, (int)count);
}

KERNEL_TARGET INLINE void store_partial_i(int32_t *p, vi v, long count) {
    store_run((float *)p, (vf)v, 0, (int)count);
}

#include "direct_kernels.h"

#define WINO_MR 8
#define WINO_NV 1
#define W4_GROUPS 4 // level 1, one thread: FourClassNet's layers +5-10%, 8 no better
#include "winograd_kernels.h"
#include "winograd4_kernels.h"
#include "fma_peak.h"
#endif
