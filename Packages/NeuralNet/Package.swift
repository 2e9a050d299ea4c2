// swift-tools-version:6.0
// NeuralNet: layers, losses, optimizers, schedules and training utilities on TensorMath.
import PackageDescription

let package = Package(
    name: "NeuralNet",
    products: [
        .library(name: "NeuralNet", targets: ["NeuralNet"])
    ],
    dependencies: [
        .package(path: "../TensorMath")
    ],
    targets: [
        .target(
            name: "NeuralNet", dependencies: [.product(name: "TensorMath", package: "TensorMath")]),
        .testTarget(
            name: "NeuralNetTests",
            dependencies: [
                "NeuralNet",
                .product(name: "TensorMath", package: "TensorMath"),
                .product(name: "TensorMathTesting", package: "TensorMath"),
            ]
        ),
    ],
    swiftLanguageModes: [.v5]
)
