// swift-tools-version:6.0
// SwiftCNN: the root manifest. It vends every library under Packages/ as a product, so another
// project can depend on this repository by URL (SwiftPM cannot depend on a sub-folder), and it
// builds the apps and the end-to-end tests. Each package under Packages/ also has a manifest of
// its own, so `cd Packages/X && swift test` works alone.
import PackageDescription

let tensorMath = "Packages/TensorMath/Sources"
let datasets = "Packages/Datasets/Sources"

let package = Package(
    name: "SwiftCNN",
    products: [
        .library(name: "TensorMath", targets: ["TensorMath"]),
        .library(name: "NeuralNet", targets: ["NeuralNet"]),
        .library(name: "Datasets", targets: ["Datasets"]),
        .library(name: "Checkpoints", targets: ["Checkpoints"]),
        .library(name: "ImageModels", targets: ["ImageModels"]),
    ],
    targets: [
        // Packages/TensorMath
        .systemLibrary(
            name: "COpenBLAS", path: "\(tensorMath)/COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(
            name: "TensorMath",
            dependencies: [.target(name: "COpenBLAS", condition: .when(platforms: [.linux]))],
            path: "\(tensorMath)/TensorMath"
        ),
        .target(
            name: "TensorMathTesting", dependencies: ["TensorMath"],
            path: "\(tensorMath)/TensorMathTesting"
        ),
        // Packages/NeuralNet
        .target(
            name: "NeuralNet", dependencies: ["TensorMath"],
            path: "Packages/NeuralNet/Sources/NeuralNet"
        ),
        // Packages/Datasets
        .target(
            name: "CDatasetCodecs", path: "\(datasets)/CDatasetCodecs",
            linkerSettings: [
                .linkedLibrary("png16"), .linkedLibrary("jpeg"), .linkedLibrary("z"),
            ]
        ),
        .target(
            name: "Datasets", dependencies: ["CDatasetCodecs", "TensorMath"],
            path: "\(datasets)/Datasets"
        ),
        // Packages/Checkpoints
        .target(
            name: "Checkpoints", dependencies: ["TensorMath"],
            path: "Packages/Checkpoints/Sources/Checkpoints"
        ),
        // Apps
        .target(
            name: "ImageModels", dependencies: ["TensorMath", "NeuralNet", "Checkpoints"],
            path: "Apps/ImageModels"
        ),
        .testTarget(
            name: "ImageModelsTests",
            dependencies: ["ImageModels", "NeuralNet", "TensorMath", "TensorMathTesting"],
            path: "Tests/ImageModelsTests"
        ),
        // End-to-end tests of the packages working together and of the apps.
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["TensorMath", "NeuralNet", "Datasets", "Checkpoints"],
            path: "Tests/IntegrationTests"
        ),
    ],
    swiftLanguageModes: [.v5]
)
