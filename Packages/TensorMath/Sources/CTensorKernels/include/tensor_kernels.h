// CTensorKernels: hand-vectorized C kernels for TensorMath, compiled for several x86-64 levels
// with function target attributes and chosen at run time (no global compiler flags, so the
// package stays usable as a dependency by version).
#ifndef SWIFTCNN_TENSOR_KERNELS_H
#define SWIFTCNN_TENSOR_KERNELS_H

#ifdef __cplusplus
extern "C" {
#endif

/// The widest vector level this CPU runs: 0 scalar, 1 AVX2+FMA, 2 AVX-512F.
int swiftcnn_cpu_vector_level(void);

#ifdef __cplusplus
}
#endif

#endif
