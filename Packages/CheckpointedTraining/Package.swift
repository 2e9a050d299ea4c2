// swift-tools-version:6.0
// CheckpointedTraining: the bridge between a NeuralNet Trainer and a Checkpoints training
// checkpoint file, so that a run saves and resumes in two calls.
import PackageDescription

let package = Package(
    name: "CheckpointedTraining",
    products: [
        .library(name: "CheckpointedTraining", targets: ["CheckpointedTraining"])
    ],
    dependencies: [
        .package(path: "../TensorMath"),
        .package(path: "../NeuralNet"),
        .package(path: "../Checkpoints"),
    ],
    targets: [
        .target(
            name: "CheckpointedTraining",
            dependencies: [
                .product(name: "TensorMath", package: "TensorMath"),
                .product(name: "NeuralNet", package: "NeuralNet"),
                .product(name: "Checkpoints", package: "Checkpoints"),
            ]
        ),
        .testTarget(
            name: "CheckpointedTrainingTests",
            dependencies: [
                "CheckpointedTraining",
                .product(name: "TensorMath", package: "TensorMath"),
                .product(name: "TensorMathTesting", package: "TensorMath"),
                .product(name: "NeuralNet", package: "NeuralNet"),
                .product(name: "Checkpoints", package: "Checkpoints"),
            ]
        ),
    ],
    swiftLanguageModes: [.v5]
)
