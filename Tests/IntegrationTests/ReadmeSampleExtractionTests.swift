import Foundation
import Testing

/// `ReadmeSample.extract` and `ReadmeSamplePackage`'s wrapping on a hand-written README.
@Suite struct ReadmeSampleExtractionTests {
    static let readme = """
        # Title

        ```swift
        import TensorMath
        let x = try Tensor.zeros([2])
        ```

        <!-- sample: given batches: [Int] -->
        ```swift
        print(batches)
        ```
        <!-- sample: skip -->

        ```swift
        not swift at all
        ```
        <!-- sample: declarations -->
        ```swift
        struct Point { var x: Int }
        ```
        ```sh
        swift build
        ```
        ```swift
        .package(url: "https://github.com/<owner>/SwiftCNN", branch: "main"),
        ```
        """

    @Test func markersChooseHowEachBlockIsChecked() throws {
        let samples = try ReadmeSample.extract(from: Self.readme, readme: "README.md")
        #expect(samples.map(\.line) == [3, 9, 14, 18, 24])
        #expect(
            samples.map(\.kind) == [
                .statements(parameters: ""), .statements(parameters: "batches: [Int]"), .skip,
                .declarations, .manifest,
            ])
        #expect(samples[0].code == ["import TensorMath", "let x = try Tensor.zeros([2])"])
    }

    @Test func unknownMarkerAndUnclosedBlockAreErrors() {
        #expect(throws: SampleError.self) {
            try ReadmeSample.extract(from: "<!-- sample: run -->\n```swift\nx\n```", readme: "R")
        }
        #expect(throws: SampleError.self) {
            try ReadmeSample.extract(from: "```swift\nlet x = 1\n", readme: "R")
        }
    }

    @Test func blocksAreWrappedAtTheirReadmeLines() throws {
        let root = URL(fileURLWithPath: "/repo")
        let samples = try ReadmeSample.extract(from: Self.readme, readme: "Packages/A/README.md")
            .filter { $0.kind != .skip && $0.kind != .manifest }
        let package = ReadmeSamplePackage(
            root: root, folder: root, libraries: ["TensorMath"], samples: samples)
        #expect(ReadmeSamplePackage.targetName(readme: "Packages/A/README.md") == "AReadme")
        #expect(ReadmeSamplePackage.targetName(readme: "README.md") == "Readme")
        #expect(
            ReadmeSamplePackage.targetName(readme: "Packages/A/Sources/A/A.docc/Getting.md")
                == "ADocCGetting")
        let source = package.source(readme: "Packages/A/README.md")
        #expect(
            source.contains(
                """
                import TensorMath

                func sample_line3() throws {
                #sourceLocation(file: "/repo/Packages/A/README.md", line: 4)

                let x = try Tensor.zeros([2])
                #sourceLocation()
                }

                func sample_line9(batches: [Int]) throws {
                #sourceLocation(file: "/repo/Packages/A/README.md", line: 10)
                print(batches)
                #sourceLocation()
                }

                #sourceLocation(file: "/repo/Packages/A/README.md", line: 19)
                struct Point { var x: Int }
                #sourceLocation()
                """), "\(source)")
        #expect(
            package.manifest.contains(
                #".product(name: "TensorMath", package: "repo")"#))
        let output = "/repo/Packages/A/README.md:10:7: error: cannot find 'batches' in scope\n"
        #expect(
            package.failures(in: output) == [
                "Packages/A/README.md: the swift block at line 9 does not compile:\n"
                    + "line 10: error: cannot find 'batches' in scope"
            ])
    }
}
