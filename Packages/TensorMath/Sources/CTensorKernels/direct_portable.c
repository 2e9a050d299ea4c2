// The direct convolution and pooling kernels for any CPU (4 lanes, no target attribute):
// direct_kernels.h in plain vector extensions, which compile to SSE on x86-64 and NEON on
// ARM64. Loads at a channel's edges read their valid lanes one by one.
#define LANES 4
#define SUFFIX portable
#define KERNEL_TARGET
#include "direct_vector.h"

#define TILE_MR 4
#define TILE_NV 3
#define TILE_ACC 12
#define GR 3
#define GK 3
#define WIDE_OV 2
#define WIDE_ACC 12
#define FAULTLESS_MASKED_LOAD 0

INLINE vf vfma(vf a, vf b, vf c) { return a * b + c; }

INLINE vf masked_load(const float *p, uint32_t entry, vi mask) {
    (void)entry;
    return and_mask(vload(p), mask);
}

INLINE vf edge_load(const float *p, uint32_t entry, vi mask) {
    (void)mask;
    return load_lanes(p, entry);
}

INLINE void masked_store(float *p, vf v, uint32_t entry, vi mask) {
    (void)mask;
    store_lanes(p, v, entry);
}

/// Lanes summed pairwise: (0+2, 1+3), then 0+1.
INLINE float reduce_add(vf v) { return (v[0] + v[2]) + (v[1] + v[3]); }

#define load_partial load_partial_scalar
#define store_partial store_partial_scalar
#define store_partial_i store_partial_i_scalar

#include "direct_kernels.h"

#define WINO_MR 4
#define WINO_NV 3
#include "winograd_kernels.h"
#include "winograd4_kernels.h"
#include "fma_peak.h"
