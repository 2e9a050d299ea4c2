// swift-tools-version:6.0
// Datasets: IDX (+gzip), PNG (libpng), JPEG (libjpeg-turbo), image folders and batching.
import PackageDescription

let package = Package(
    name: "Datasets",
    products: [
        .library(name: "Datasets", targets: ["Datasets"])
    ],
    dependencies: [
        .package(path: "../TensorMath")
    ],
    targets: [
        // C shims around libpng, libjpeg and zlib: they turn the libraries' longjmp/exit
        // error paths into error codes, so a corrupt file never reaches Swift as a crash.
        .target(
            name: "CDatasetCodecs",
            linkerSettings: [
                .linkedLibrary("png16"), .linkedLibrary("jpeg"), .linkedLibrary("z"),
            ]
        ),
        .target(
            name: "Datasets",
            dependencies: ["CDatasetCodecs", .product(name: "TensorMath", package: "TensorMath")]
        ),
        // `make bench` (Tools/bench-datasets): JPEG decoding and MNIST loading throughput.
        .executableTarget(
            name: "DatasetsBench",
            dependencies: ["Datasets", .product(name: "TensorMath", package: "TensorMath")]
        ),
        .testTarget(
            name: "DatasetsTests",
            dependencies: [
                "Datasets",
                .product(name: "TensorMath", package: "TensorMath"),
                .product(name: "TensorMathTesting", package: "TensorMath"),
            ]
        ),
    ],
    swiftLanguageModes: [.v5]
)
