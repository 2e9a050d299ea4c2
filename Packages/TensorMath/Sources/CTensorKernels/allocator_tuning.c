// glibc's malloc thresholds, for AllocatorTuning.swift (mallopt is in <malloc.h>, which Swift's
// Glibc module does not bring in).
#include "tensor_kernels.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

int swiftcnn_tune_allocator(int mmap_threshold, int trim_threshold) {
#if defined(__GLIBC__)
    return mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1
        && mallopt(M_TRIM_THRESHOLD, trim_threshold) == 1;
#else
    (void)mmap_threshold;
    (void)trim_threshold;
    return 0;
#endif
}

long swiftcnn_allocator_mapped_bytes(void) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    return (long)mallinfo2().hblkhd;
#else
    return -1;
#endif
}
