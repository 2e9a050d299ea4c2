#include "tensor_kernels.h"

#include <stdatomic.h>
#include <stdlib.h>

int swiftcnn_cpu_vector_level(void) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return 2;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 1;
#endif
    return 0;
}

int swiftcnn_vector_level(void) {
    // -1 until computed; computing it twice concurrently gives the same value.
    static atomic_int cached = -1;
    int level = atomic_load_explicit(&cached, memory_order_relaxed);
    if (level >= 0) return level;
    level = swiftcnn_cpu_vector_level();
    const char *text = getenv("SWIFTCNN_VECTOR_LEVEL");
    if (text != NULL && text[0] >= '0' && text[0] <= '9' && text[1] == '\0') {
        int requested = text[0] - '0';
        if (requested < level) level = requested;
    }
    atomic_store_explicit(&cached, level, memory_order_relaxed);
    return level;
}
