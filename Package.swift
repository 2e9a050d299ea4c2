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
        .executable(name: "mnist", targets: ["MNISTCommand"]),
        .executable(name: "classify", targets: ["ClassifyCommand"]),
        .executable(name: "four-class", targets: ["FourClassCommand"]),
        .executable(name: "skip-connections", targets: ["SkipConnectionsCommand"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Packages/TensorMath
        .systemLibrary(
            name: "COpenBLAS", path: "\(tensorMath)/COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(name: "CTensorKernels", path: "\(tensorMath)/CTensorKernels"),
        .target(
            name: "TensorMath",
            dependencies: [
                "CTensorKernels",
                .target(name: "COpenBLAS", condition: .when(platforms: [.linux])),
            ],
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
            name: "ImageModels",
            dependencies: ["TensorMath", "NeuralNet", "Datasets", "Checkpoints"],
            path: "Apps/ImageModels"
        ),
        .target(
            name: "AppSupport",
            dependencies: [
                "TensorMath", "NeuralNet", "Datasets", "Checkpoints", "ImageModels",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Apps/AppSupport"
        ),
        .executableTarget(
            name: "MNISTCommand",
            dependencies: [
                "AppSupport", "ImageModels", "NeuralNet", "Datasets", "Checkpoints", "TensorMath",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Apps/MNIST"
        ),
        .executableTarget(
            name: "ClassifyCommand",
            dependencies: [
                "AppSupport", "ImageModels", "Datasets", "Checkpoints", "TensorMath",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Apps/Classify",
            resources: [.copy("Resources")]
        ),
        .executableTarget(
            name: "FourClassCommand",
            dependencies: [
                "AppSupport", "ImageModels", "NeuralNet", "Datasets", "Checkpoints", "TensorMath",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Apps/FourClass"
        ),
        .executableTarget(
            name: "SkipConnectionsCommand",
            dependencies: [
                "AppSupport", "ImageModels", "NeuralNet", "Datasets", "Checkpoints", "TensorMath",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Apps/SkipConnections"
        ),
        // Tools/RenderDigits: draws sample digit images (for the demo and the tests).
        .executableTarget(
            name: "RenderDigits",
            dependencies: ["Datasets", "TensorMath"],
            path: "Tools/RenderDigits"
        ),
        .testTarget(
            name: "ImageModelsTests",
            dependencies: ["ImageModels", "NeuralNet", "TensorMath", "TensorMathTesting"],
            path: "Tests/ImageModelsTests"
        ),
        .testTarget(
            name: "AppTests",
            dependencies: ["AppSupport", "ImageModels", "Datasets", "Checkpoints", "TensorMath"],
            path: "Tests/AppTests"
        ),
        // End-to-end tests of the packages working together and of the apps.
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "TensorMath", "NeuralNet", "Datasets", "Checkpoints", "ImageModels", "AppSupport",
                "TensorMathTesting",
            ],
            path: "Tests/IntegrationTests",
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v5]
)
