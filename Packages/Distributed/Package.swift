// swift-tools-version:6.0
// Distributed: a small communicator (rank, size, all-reduce, broadcast, barrier) for
// data-parallel training, with a single-process implementation and one over Open MPI. Only the
// CMPI system library here imports <mpi.h>; nothing else in SwiftCNN does.
import PackageDescription

let package = Package(
    name: "Distributed",
    products: [
        .library(name: "Distributed", targets: ["Distributed"]),
        .library(name: "DistributedTraining", targets: ["DistributedTraining"]),
    ],
    dependencies: [
        .package(path: "../TensorMath"),
        .package(path: "../NeuralNet"),
    ],
    targets: [
        .systemLibrary(
            name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]
        ),
        .target(name: "Distributed", dependencies: ["CMPI"]),
        // The bridge to NeuralNet's Trainer (Distributed alone depends on nothing else).
        .target(
            name: "DistributedTraining",
            dependencies: [
                "Distributed",
                .product(name: "NeuralNet", package: "NeuralNet"),
                .product(name: "TensorMath", package: "TensorMath"),
            ]
        ),
        // The MPI checks the tests run under `mpirun -np 2` (a test cannot be an MPI rank).
        .executableTarget(
            name: "DistributedCheck",
            dependencies: [
                "Distributed", "DistributedTraining",
                .product(name: "NeuralNet", package: "NeuralNet"),
                .product(name: "TensorMath", package: "TensorMath"),
            ]
        ),
        .testTarget(
            name: "DistributedTests",
            dependencies: ["Distributed"]
        ),
    ],
    swiftLanguageModes: [.v5]
)
