// glibc's malloc thresholds, for AllocatorTuning.swift (mallopt is in <malloc.h>, which Swift's
// Glibc module does not bring in). Under AddressSanitizer malloc is the sanitizer's, which
// ignores mallopt: both functions then report that they can do nothing.
#include "tensor_kernels.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SWIFTCNN_SANITIZED_MALLOC 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define SWIFTCNN_SANITIZED_MALLOC 1
#endif

#if defined(__GLIBC__) && !defined(SWIFTCNN_SANITIZED_MALLOC) \
    && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#define SWIFTCNN_GLIBC_MALLOC 1
#include <malloc.h>
#endif

int swiftcnn_tune_allocator(int mmap_threshold, int trim_threshold) {
#if defined(SWIFTCNN_GLIBC_MALLOC)
    return mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1
        && mallopt(M_TRIM_THRESHOLD, trim_threshold) == 1;
#else
    (void)mmap_threshold;
    (void)trim_threshold;
    return 0;
#endif
}

long swiftcnn_allocator_mapped_bytes(void) {
#if defined(SWIFTCNN_GLIBC_MALLOC)
    return (long)mallinfo2().hblkhd;
#else
    return -1;
#endif
}
