// swift-tools-version:6.0
// Checkpoints: safetensors model files with metadata, and training checkpoints.
import PackageDescription

let package = Package(
    name: "Checkpoints",
    products: [
        .library(name: "Checkpoints", targets: ["Checkpoints"])
    ],
    dependencies: [
        .package(path: "../TensorMath")
    ],
    targets: [
        .target(
            name: "Checkpoints",
            dependencies: [.product(name: "TensorMath", package: "TensorMath")]
        ),
        .testTarget(
            name: "CheckpointsTests",
            dependencies: [
                "Checkpoints",
                .product(name: "TensorMath", package: "TensorMath"),
                .product(name: "TensorMathTesting", package: "TensorMath"),
            ],
            // Golden files written by Tools/reference/checkpoints_golden.py (each under 2 KB).
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v5]
)
