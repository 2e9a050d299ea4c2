// swift-tools-version:6.0
// Distributed: a small communicator (rank, size, all-reduce, broadcast, barrier) for
// data-parallel training, with a single-process implementation and one over Open MPI. Only the
// CMPI system library here imports <mpi.h>; nothing else in SwiftCNN does.
import PackageDescription

let package = Package(
    name: "Distributed",
    products: [
        .library(name: "Distributed", targets: ["Distributed"])
    ],
    targets: [
        .systemLibrary(
            name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]
        ),
        .target(name: "Distributed", dependencies: ["CMPI"]),
        // The MPI checks the tests run under `mpirun -np 2` (a test cannot be an MPI rank).
        .executableTarget(name: "DistributedCheck", dependencies: ["Distributed"]),
        .testTarget(name: "DistributedTests", dependencies: ["Distributed"]),
    ],
    swiftLanguageModes: [.v5]
)
