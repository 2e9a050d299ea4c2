// swift-tools-version:6.0
// SwiftCNN: the root manifest. It vends every library under Packages/ as a product, so another
// project can depend on this repository by URL (SwiftPM cannot depend on a sub-folder), and it
// builds the apps and the end-to-end tests. Each package under Packages/ also has a manifest of
// its own, so `cd Packages/X && swift test` works alone; SwiftPM forbids `path:` dependencies in
// a package depended on by URL, hence the copies here. Tests/IntegrationTests/ManifestDriftTests
// fails when they differ from the packages' manifests.
import PackageDescription

let tensorMath = "Packages/TensorMath/Sources"
let datasets = "Packages/Datasets/Sources"

let package = Package(
    name: "SwiftCNN",
    products: [
        .library(name: "TensorMath", targets: ["TensorMath"]),
        .library(name: "TensorMathTesting", targets: ["TensorMathTesting"]),
        .library(name: "NeuralNet", targets: ["NeuralNet"]),
        .library(name: "Datasets", targets: ["Datasets"]),
        .library(name: "Checkpoints", targets: ["Checkpoints"]),
        .library(name: "CheckpointedTraining", targets: ["CheckpointedTraining"]),
        .library(name: "Distributed", targets: ["Distributed"]),
        .library(name: "DistributedTraining", targets: ["DistributedTraining"]),
        .library(name: "ImageModels", targets: ["ImageModels"]),
        .library(name: "ImageClassification", targets: ["ImageClassification"]),
        // The apps' shared command-line code (flags, training sessions, logs), vended for
        // Tools/Fuzz's flag-value target; not a stable API.
        .library(name: "AppSupport", targets: ["AppSupport"]),
        .executable(name: "mnist", targets: ["MNISTCommand"]),
        .executable(name: "classify", targets: ["ClassifyCommand"]),
        .executable(name: "four-class", targets: ["FourClassCommand"]),
        .executable(name: "skip-connections", targets: ["SkipConnectionsCommand"]),
        .executable(name: "swiftcnn", targets: ["SwiftCNNCommand"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.20.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
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
        // Packages/CheckpointedTraining
        .target(
            name: "CheckpointedTraining", dependencies: ["TensorMath", "NeuralNet", "Checkpoints"],
            path: "Packages/CheckpointedTraining/Sources/CheckpointedTraining"
        ),
        // Packages/Distributed
        .systemLibrary(
            name: "CMPI", path: "Packages/Distributed/Sources/CMPI", pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev"])]
        ),
        .target(
            name: "Distributed", dependencies: ["CMPI"],
            path: "Packages/Distributed/Sources/Distributed"
        ),
        .target(
            name: "DistributedTraining", dependencies: ["Distributed", "NeuralNet", "TensorMath"],
            path: "Packages/Distributed/Sources/DistributedTraining"
        ),
        // Apps
        // The model zoo: networks only, no image codecs or model files.
        .target(
            name: "ImageModels", dependencies: ["TensorMath", "NeuralNet"],
            path: "Apps/ImageModels"
        ),
        // The inference runtime: registry, preprocessing, classifier, visualization.
        .target(
            name: "ImageClassification",
            dependencies: ["ImageModels", "NeuralNet", "Datasets", "Checkpoints", "TensorMath"],
            path: "Apps/ImageClassification"
        ),
        // The protocol-buffer wire encodings that ONNX export and TensorBoard logs share.
        .target(name: "ProtocolBuffers", path: "Apps/ProtocolBuffers"),
        .target(
            name: "AppSupport",
            dependencies: [
                "TensorMath", "NeuralNet", "Datasets", "Checkpoints", "CheckpointedTraining",
                "ImageClassification", "ImageModels", "Distributed", "DistributedTraining",
                "ProtocolBuffers",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Apps/AppSupport"
        ),
        .executableTarget(
            name: "MNISTCommand",
            dependencies: [
                "AppSupport", "ImageModels", "ImageClassification", "NeuralNet", "Datasets",
                "Checkpoints", "TensorMath",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Apps/MNIST"
        ),
        // `classify serve`: the HTTP inference service (Hummingbird 2) and its web page.
        .target(
            name: "ImageServer",
            dependencies: [
                "ImageClassification", "ImageModels", "NeuralNet", "Checkpoints", "Datasets",
                "TensorMath",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Apps/ImageServer",
            resources: [.copy("Resources/web")]
        ),
        .executableTarget(
            name: "ClassifyCommand",
            dependencies: [
                "ImageClassification", "ImageServer", "TensorMath",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Apps/Classify",
            resources: [.copy("Resources")]
        ),
        .executableTarget(
            name: "FourClassCommand",
            dependencies: [
                "AppSupport", "ImageModels", "ImageClassification", "NeuralNet", "Datasets",
                "Checkpoints", "TensorMath",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Apps/FourClass"
        ),
        .executableTarget(
            name: "SkipConnectionsCommand",
            dependencies: [
                "AppSupport", "ImageModels", "ImageClassification", "NeuralNet", "Datasets",
                "Checkpoints", "TensorMath", "DistributedTraining",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Apps/SkipConnections"
        ),
        // ONNX and PyTorch export and PyTorch import (`swiftcnn export-onnx`, …).
        .target(
            name: "ModelExport",
            dependencies: [
                "ImageClassification", "ImageModels", "NeuralNet", "Checkpoints", "Datasets",
                "TensorMath", "ProtocolBuffers",
            ],
            path: "Apps/ModelExport"
        ),
        .executableTarget(
            name: "SwiftCNNCommand",
            dependencies: [
                "AppSupport", "ImageClassification", "ImageModels", "NeuralNet", "Checkpoints",
                "CheckpointedTraining", "ModelExport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Apps/SwiftCNN"
        ),
        // Tools/RenderDigits: draws sample digit images (for the demo and the tests).
        .executableTarget(
            name: "RenderDigits",
            dependencies: ["Datasets", "TensorMath"],
            path: "Tools/RenderDigits"
        ),
        // Tools/TrainingBench: training and inference throughput and peak memory of the apps'
        // networks (Tools/bench-training runs it in release mode beside PyTorch).
        .executableTarget(
            name: "TrainingBench", dependencies: ["ImageModels", "NeuralNet", "TensorMath"],
            path: "Tools/TrainingBench"
        ),
        .testTarget(
            name: "ImageModelsTests",
            dependencies: ["ImageModels", "NeuralNet", "TensorMath", "TensorMathTesting"],
            path: "Tests/ImageModelsTests"
        ),
        .testTarget(
            name: "ImageClassificationTests",
            dependencies: [
                "ImageClassification", "ImageModels", "NeuralNet", "Datasets", "Checkpoints",
                "TensorMath",
            ],
            path: "Tests/ImageClassificationTests"
        ),
        .testTarget(
            name: "ModelExportTests",
            dependencies: [
                "ModelExport", "ImageClassification", "ImageModels", "NeuralNet", "Checkpoints",
                "TensorMath",
            ],
            path: "Tests/ModelExportTests",
            exclude: ["Golden"]
        ),
        .testTarget(
            name: "AppTests",
            dependencies: [
                "AppSupport", "ImageModels", "ImageClassification", "Datasets", "Checkpoints",
                "CheckpointedTraining", "NeuralNet", "TensorMath",
            ],
            path: "Tests/AppTests"
        ),
        // `classify serve` end to end over loopback (in-process and the real binary).
        .testTarget(
            name: "ImageServerTests",
            dependencies: [
                "ImageServer", "ImageClassification", "Datasets", "TensorMath", "Checkpoints",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Tests/ImageServerTests"
        ),
        // mpirun -np 2 of the apps (skipped without Open MPI).
        .testTarget(
            name: "DistributedTrainingTests", dependencies: ["Datasets", "Checkpoints"],
            path: "Tests/DistributedTrainingTests"
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
        // The page of `classify serve` in headless Chromium (skipped without Chromium). It runs
        // the built `classify` as a child process, so it links nothing of the project.
        .testTarget(name: "BrowserTests", path: "Tests/BrowserTests"),
    ],
    swiftLanguageModes: [.v5]
)
