// Per-thread scratch memory for the C kernels (GEMM packing, direct-convolution partial
// sums): allocated once per thread and slot, grown on demand, freed when the thread exits, so
// repeated calls neither allocate nor page-fault.
#include "sgemm_internal.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct {
    float *data[SWIFTCNN_BUFFER_SLOTS];
    size_t capacity[SWIFTCNN_BUFFER_SLOTS];
} thread_buffers;

static pthread_key_t buffer_key;
static pthread_once_t buffer_once = PTHREAD_ONCE_INIT;

static void free_buffers(void *raw) {
    thread_buffers *buffers = raw;
    for (int slot = 0; slot < SWIFTCNN_BUFFER_SLOTS; slot++) free(buffers->data[slot]);
    free(buffers);
}

static void make_buffer_key(void) { pthread_key_create(&buffer_key, free_buffers); }

float *swiftcnn_thread_buffer(int slot, size_t count) {
    if (slot < 0 || slot >= SWIFTCNN_BUFFER_SLOTS) return NULL;
    pthread_once(&buffer_once, make_buffer_key);
    thread_buffers *buffers = pthread_getspecific(buffer_key);
    if (buffers == NULL) {
        buffers = calloc(1, sizeof(thread_buffers));
        if (buffers == NULL) return NULL;
        pthread_setspecific(buffer_key, buffers);
    }
    if (buffers->capacity[slot] < count) {
        free(buffers->data[slot]);
        const size_t bytes = (count * sizeof(float) + 63) / 64 * 64;
        buffers->data[slot] = aligned_alloc(64, bytes);
        buffers->capacity[slot] = buffers->data[slot] ? count : 0;
    }
    return buffers->data[slot];
}
