// swift-tools-version:6.0
// libFuzzer targets for every parser a user's bytes reach, through the same Swift entry points
// the apps use. Built and run by Tools/fuzz (`make fuzz`), with
// `-sanitize=fuzzer,address` for the Swift code and `-fsanitize=fuzzer-no-link,address` for the
// C shims, so coverage guides the fuzzer through SwiftCNN's own code (the system libpng,
// libjpeg and zlib are not instrumented). Not part of the root package: its executables have
// their `main` hands over to
// libFuzzer's driver.
import PackageDescription

let products = [
    "Datasets", "Checkpoints", "CheckpointedTraining", "ImageClassification", "AppSupport",
]
let targets = [
    "FuzzImage", "FuzzIDX", "FuzzSafeTensors", "FuzzModelFile", "FuzzCheckpoint", "FuzzFlags",
]

let package = Package(
    name: "SwiftCNNFuzz",
    dependencies: [
        .package(name: "SwiftCNN", path: "../.."),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [.target(name: "FuzzDriver", path: "Sources/FuzzDriver")]
        + targets.map { name in
            .executableTarget(
                name: name,
                dependencies: ["FuzzDriver"]
                    + (products + ["TensorMath"]).map { .product(name: $0, package: "SwiftCNN") }
                    + (name == "FuzzFlags"
                        ? [.product(name: "ArgumentParser", package: "swift-argument-parser")]
                        : []),
                path: "Sources/\(name)")
        }
)
