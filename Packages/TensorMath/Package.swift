// swift-tools-version:6.0
// TensorMath: tensors, arithmetic, reductions, GEMM and convolution kernels (C, AVX-512/AVX2;
// OpenBLAS or Accelerate for GEMM only at vector level 0, on CPUs without AVX2).
import PackageDescription

let package = Package(
    name: "TensorMath",
    products: [
        .library(name: "TensorMath", targets: ["TensorMath"]),
        .library(name: "TensorMathTesting", targets: ["TensorMathTesting"]),
    ],
    targets: [
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(name: "CTensorKernels"),
        .target(
            name: "TensorMath",
            dependencies: [
                "CTensorKernels",
                .target(name: "COpenBLAS", condition: .when(platforms: [.linux])),
            ]
        ),
        .target(name: "TensorMathTesting", dependencies: ["TensorMath"]),
        .executableTarget(name: "TensorMathBench", dependencies: ["TensorMath", "CTensorKernels"]),
        .testTarget(name: "TensorMathTests", dependencies: ["TensorMath", "TensorMathTesting"]),
    ],
    swiftLanguageModes: [.v5]
)
