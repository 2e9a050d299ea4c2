// CBLAS from OpenBLAS (Debian: libopenblas-dev); the include path comes from pkg-config.
// OpenBLAS's cblas.h also declares openblas_set_num_threads / openblas_get_num_threads.
#include <cblas.h>
