import Foundation
import Testing

/// Every ```` ```swift ```` block of `README.md`, `Packages/*/README.md` and the packages' DocC
/// articles (`Packages/*/Sources/*/*.docc/*.md`, built by `make docs`) compiles against the
/// working tree.
///
/// The blocks are written into a package at `.build/readme-samples` (kept between runs, so only
/// what changed is rebuilt) that depends on this checkout by `path:` and on every library the
/// root vends; one target per README, whose blocks share the `import` lines they contain (a
/// sample must show its imports). The build is a debug `swift build`, one README target at a
/// time so that every README's errors are reported; a failure names the README, the block's
/// line and each compiler error at its line in the README. The first run builds the libraries
/// in debug (about 40 s of CPU; 70 s on a busy 2-core machine), later runs 3-5 s.
///
/// How a block is compiled depends on an HTML comment (invisible on GitHub) on the last
/// non-blank line before its fence:
/// - none: statements, the body of `func sample_lineN() throws` (`async throws` if it awaits);
/// - `<!-- sample: given batches: [(images: Tensor, labels: [Int])] -->`: statements that use
///   values the README does not build; the text after `given` becomes the function's
///   parameters, so the values are typed but need not be constructed;
/// - `<!-- sample: declarations -->`: top-level declarations (types, functions), compiled as is;
/// - `<!-- sample: skip -->`: not compiled (pseudo code, output, other languages' syntax).
/// A block containing `.package(` or `PackageDescription` is a `Package.swift` excerpt: it is
/// not compiled, but each `.product(name: "X", package: "SwiftCNN")` in it must name a library
/// product of the root manifest.
@Suite(.serialized) struct ReadmeSamplesTests {
    static let root = SwiftPackageTool.repositoryRoot

    /// `README.md`, each `Packages/*/README.md` and each DocC article, relative to the root.
    static func readmes() throws -> [String] {
        let folders = try SwiftPackageTool.packageFolders(in: root)
        let packages = folders.map { "Packages/\($0.lastPathComponent)/README.md" }
        return (["README.md"] + packages).filter {
            FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path)
        } + folders.flatMap(docCArticles)
    }

    /// The Markdown files of the DocC catalogs of the package in `folder`
    /// (`Packages/X/Sources/<target>/<name>.docc/*.md`), relative to the root, sorted.
    static func docCArticles(in folder: URL) -> [String] {
        let files = FileManager.default
        let package = "Packages/\(folder.lastPathComponent)"
        let sources = folder.appendingPathComponent("Sources")
        var found: [String] = []
        for target in (try? files.contentsOfDirectory(atPath: sources.path)) ?? [] {
            let targetFolder = sources.appendingPathComponent(target)
            for catalog in (try? files.contentsOfDirectory(atPath: targetFolder.path)) ?? []
            where catalog.hasSuffix(".docc") {
                let catalogFolder = targetFolder.appendingPathComponent(catalog)
                for file in (try? files.contentsOfDirectory(atPath: catalogFolder.path)) ?? []
                where file.hasSuffix(".md") {
                    found.append("\(package)/Sources/\(target)/\(catalog)/\(file)")
                }
            }
        }
        return found.sorted()
    }

    static func samples() throws -> [ReadmeSample] {
        try readmes().flatMap { readme in
            try ReadmeSample.extract(
                from: String(contentsOf: root.appendingPathComponent(readme), encoding: .utf8),
                readme: readme)
        }
    }

    /// The root manifest's library products.
    static func libraries() throws -> [String] {
        try SwiftPackageTool.dumpPackage(at: root)["products"].elements
            .filter { $0["type"]["library"] != .null }.compactMap { $0["name"].string }
    }

    @Test func everySwiftSampleCompiles() throws {
        let compiled = try Self.samples().filter {
            if case .statements = $0.kind { return true }
            return $0.kind == .declarations
        }
        #expect(compiled.count >= 4, "samples found: \(compiled.map(\.readme))")
        let package = ReadmeSamplePackage(
            root: Self.root,
            folder: Self.root.appendingPathComponent(".build/readme-samples"),
            libraries: try Self.libraries(), samples: compiled)
        try package.write()
        let start = Date()
        for failure in try package.build() {
            Issue.record("\(failure)")
        }
        print(
            "README samples: \(compiled.count) blocks built in "
                + String(format: "%.1f s", Date().timeIntervalSince(start)))
    }

    @Test func manifestExcerptsNameRootLibraries() throws {
        let libraries = try Self.libraries()
        for sample in try Self.samples() where sample.kind == .manifest {
            for (offset, line) in sample.code.enumerated() {
                for product in Self.swiftCNNProducts(in: line) where !libraries.contains(product) {
                    Issue.record(
                        """
                        \(sample.readme):\(sample.firstCodeLine + offset): product \(product) \
                        is not a library of the root manifest (libraries: \(libraries))
                        """)
                }
            }
        }
    }

    /// The `X` of each `.product(name: "X", package: "SwiftCNN")` in `line`.
    static func swiftCNNProducts(in line: String) -> [String] {
        line.components(separatedBy: ".product(name: \"").dropFirst().compactMap { rest in
            let parts = rest.components(separatedBy: "\"")
            return parts.count > 2 && parts[1] == ", package: " && parts[2] == "SwiftCNN"
                ? parts[0] : nil
        }
    }
}
