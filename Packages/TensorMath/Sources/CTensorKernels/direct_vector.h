// Vector types and helpers of the per-ISA kernel template (internal; see direct_kernels.h).
// Written with GCC/Clang vector extensions only, for a lane count the including file sets:
//   LANES          4, 8 or 16 floats per vector
//   KERNEL_TARGET  the function attribute of the instruction set (empty for portable code)
// Include once per translation unit, before the ISA's hooks and the template.
#ifndef SWIFTCNN_DIRECT_VECTOR_H
#define SWIFTCNN_DIRECT_VECTOR_H

#include "tensor_kernels.h"

#include <stdint.h>
#include <string.h>

#if !defined(LANES) || !defined(KERNEL_TARGET)
#error "define LANES and KERNEL_TARGET before including direct_vector.h"
#endif

#define INLINE static inline __attribute__((always_inline))

/// Unrolls the next loop completely (register tiles index their accumulators by loop
/// counters: a loop left rolled would keep them in memory).
#if defined(__clang__)
#define UNROLL _Pragma("clang loop unroll(full)")
#else
#define UNROLL _Pragma("GCC unroll 16")
#endif

typedef float vf __attribute__((vector_size(LANES * 4)));
typedef int32_t vi __attribute__((vector_size(LANES * 4)));

/// Bit 31 of a mask-table entry: the vector's load range leaves its channel's memory, so only
/// its valid lanes may be read (see swiftcnn_direct_masks).
#define SWIFTCNN_MASK_EDGE 0x80000000u

static const int32_t lane_index_table[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
static const int32_t lane_bit_table[16] = {
    1 << 0, 1 << 1, 1 << 2, 1 << 3, 1 << 4, 1 << 5, 1 << 6, 1 << 7,
    1 << 8, 1 << 9, 1 << 10, 1 << 11, 1 << 12, 1 << 13, 1 << 14, 1 << 15};

KERNEL_TARGET INLINE vf vload(const float *p) {
    vf v;
    memcpy(&v, p, sizeof v);
    return v;
}

KERNEL_TARGET INLINE void vstore(float *p, vf v) { memcpy(p, &v, sizeof v); }

KERNEL_TARGET INLINE vi vload_i(const int32_t *p) {
    vi v;
    memcpy(&v, p, sizeof v);
    return v;
}

KERNEL_TARGET INLINE void vstore_i(int32_t *p, vi v) { memcpy(p, &v, sizeof v); }

/// Every lane `x` (x − (+0) is x for every float, −0 and NaN included).
KERNEL_TARGET INLINE vf splat(float x) { return x - (vf){0}; }

KERNEL_TARGET INLINE vi splat_i(int32_t x) { return x + (vi){0}; }

/// The lane numbers 0, 1, ….
KERNEL_TARGET INLINE vi lane_index(void) { return vload_i(lane_index_table); }

/// All-ones lanes where bit `lane` of `bits` is set, zero lanes elsewhere.
KERNEL_TARGET INLINE vi lane_mask(uint32_t bits) {
    return (splat_i((int32_t)(bits & 0xFFFFu)) & vload_i(lane_bit_table)) != 0;
}

/// `x` where `mask` is all ones, +0 elsewhere.
KERNEL_TARGET INLINE vf and_mask(vf x, vi mask) { return (vf)((vi)x & mask); }

/// `a` where `mask` is all ones, `b` elsewhere.
KERNEL_TARGET INLINE vf select_f(vi mask, vf a, vf b) {
    return (vf)(((vi)a & mask) | ((vi)b & ~mask));
}

KERNEL_TARGET INLINE vi select_i(vi mask, vi a, vi b) { return (a & mask) | (b & ~mask); }

/// Lanes 0..<count (0 < count < LANES) of `p`, zero beyond; out of line and lane by lane, for
/// instruction sets without masked loads (taking a vector's address or indexing it by a
/// variable inside a kernel would keep the kernel's accumulators in memory).
KERNEL_TARGET __attribute__((noinline, unused)) static vf load_partial_scalar(
    const float *p, long count) {
    float lanes[LANES] = {0};
    for (long lane = 0; lane < count; lane++) lanes[lane] = p[lane];
    vf v;
    memcpy(&v, lanes, sizeof v);
    return v;
}

/// Stores lanes 0..<count (0 < count < LANES) of `v`, lane by lane, out of line.
KERNEL_TARGET __attribute__((noinline, unused)) static void store_partial_scalar(
    float *p, vf v, long count) {
    float lanes[LANES];
    memcpy(lanes, &v, sizeof v);
    for (long lane = 0; lane < count; lane++) p[lane] = lanes[lane];
}

KERNEL_TARGET __attribute__((noinline, unused)) static void store_partial_i_scalar(
    int32_t *p, vi v, long count) {
    int32_t lanes[LANES];
    memcpy(lanes, &v, sizeof v);
    for (long lane = 0; lane < count; lane++) p[lane] = lanes[lane];
}

/// The valid lanes (bits of `entry`) read one by one: never touches the others.
KERNEL_TARGET INLINE vf load_lanes(const float *p, uint32_t entry) {
    vf v = {0};
    for (int lane = 0; lane < LANES; lane++) {
        if (entry & (1u << lane)) v[lane] = p[lane];
    }
    return v;
}

/// Stores the lanes of `v` selected by `entry` one by one: never touches the others.
KERNEL_TARGET INLINE void store_lanes(float *p, vf v, uint32_t entry) {
    for (int lane = 0; lane < LANES; lane++) {
        if (entry & (1u << lane)) p[lane] = v[lane];
    }
}

// Lane index lists for __builtin_shufflevector: even and odd lanes of two vectors, and the
// interleaving of two vectors (low and high halves).
#if LANES == 16
#define EVEN_LANES 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30
#define ODD_LANES 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31
#define LOW_LANES 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23
#define HIGH_LANES 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31
#elif LANES == 8
#define EVEN_LANES 0, 2, 4, 6, 8, 10, 12, 14
#define ODD_LANES 1, 3, 5, 7, 9, 11, 13, 15
#define LOW_LANES 0, 8, 1, 9, 2, 10, 3, 11
#define HIGH_LANES 4, 12, 5, 13, 6, 14, 7, 15
#elif LANES == 4
#define EVEN_LANES 0, 2, 4, 6
#define ODD_LANES 1, 3, 5, 7
#define LOW_LANES 0, 4, 1, 5
#define HIGH_LANES 2, 6, 3, 7
#else
#error "LANES must be 4, 8 or 16"
#endif

#define CAT_(a, b) a##_##b
#define CAT(a, b) CAT_(a, b)
/// The exported name of a template function for this instruction set.
#define FN(name) CAT(name, SUFFIX)

#endif
