// The direct convolution and pooling kernels for AVX-512 (16 lanes): direct_kernels.h with
// masked loads and stores that never touch masked-off lanes.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define LANES 16
#define SUFFIX avx512
#define KERNEL_TARGET __attribute__((target("avx512f,avx512vl,fma")))
#include "direct_vector.h"

#define TILE_MR 8
#define TILE_NV 3
#define TILE_ACC 24
#define GR 4
#define GK 6
#define WIDE_OV 4
#define WIDE_ACC 24
#define FAULTLESS_MASKED_LOAD 1

KERNEL_TARGET INLINE vf vfma(vf a, vf b, vf c) { return (vf)_mm512_fmadd_ps(a, b, c); }

KERNEL_TARGET INLINE vf masked_load(const float *p, uint32_t entry, vi mask) {
    (void)mask;
    return (vf)_mm512_maskz_loadu_ps((__mmask16)entry, p);
}

/// Stores the lanes of `v` that `entry` selects, never touching the others.
KERNEL_TARGET INLINE void masked_store(float *p, vf v, uint32_t entry, vi mask) {
    (void)mask;
    _mm512_mask_storeu_ps(p, (__mmask16)entry, v);
}

KERNEL_TARGET INLINE float reduce_add(vf v) { return _mm512_reduce_add_ps(v); }

KERNEL_TARGET INLINE vf load_partial(const float *p, long count) {
    return (vf)_mm512_maskz_loadu_ps((__mmask16)((1u << count) - 1), p);
}

KERNEL_TARGET INLINE void store_partial(float *p, vf v, long count) {
    _mm512_mask_storeu_ps(p, (__mmask16)((1u << count) - 1), v);
}

KERNEL_TARGET INLINE void store_partial_i(int32_t *p, vi v, long count) {
    _mm512_mask_storeu_epi32(p, (__mmask16)((1u << count) - 1), (__m512i)v);
}

#include "direct_kernels.h"

#define WINO_MR 8
#define WINO_NV 3
#include "winograd_kernels.h"
#include "winograd4_kernels.h"
#include "fma_peak.h"
#endif
