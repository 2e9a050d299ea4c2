import Foundation
import Testing

/// The root `Package.swift` re-declares the targets of every `Packages/*/Package.swift`. It has
/// to: a package that another project depends on by URL (by revision, branch or version) may
/// not itself have `path:` dependencies. SwiftPM 6.3 refuses the consumer with "error: package
/// '<repository>' is required using a revision-based requirement and it depends on local
/// package '<package>', which is not supported" (for a version requirement: "… package
/// '<repository>' is required using a stable-version but '<repository>' depends on an
/// unstable-version package '<package>'"). So these tests fail, naming the target and the
/// field, whenever the two copies drift. `swift package dump-package` reads manifests only:
/// no build, no network, well under a second each.
@Suite struct ManifestDriftTests {
    /// The dumps of the root manifest and of every `Packages/*/Package.swift` under `root`,
    /// read in parallel.
    static func load(root: URL = SwiftPackageTool.repositoryRoot) throws -> ManifestDrift {
        let folders = try SwiftPackageTool.packageFolders(in: root) + [root]
        var results = [Result<JSON, Error>?](repeating: nil, count: folders.count)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: folders.count) { index in
            let result = Result { try SwiftPackageTool.dumpPackage(at: folders[index]) }
            lock.withLock { results[index] = result }
        }
        let dumps = try results.map { try $0!.get() }
        var drift = ManifestDrift(root: dumps.last!, packages: [:])
        for (folder, dump) in zip(folders.dropLast(), dumps) {
            drift.packages[folder.lastPathComponent] = dump
            drift.sourceRoots[folder.lastPathComponent] =
                ["Sources", "Source", "src", "srcs"]
                .first {
                    FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path)
                } ?? "Sources"
        }
        return drift
    }

    @Test func rootManifestRedeclaresEveryPackageAlike() throws {
        let drift = try Self.load()
        #expect(drift.packages.count >= 4, "packages found: \(drift.packages.keys.sorted())")
        for difference in drift.differences() {
            Issue.record(
                "\(difference)\n(keep Package.swift in step with Packages/*/Package.swift)")
        }
    }

    /// The test is not vacuous: a copy of the manifests with one linker setting changed in
    /// `Packages/Datasets/Package.swift` is reported, naming the target and the setting.
    @Test func changedLinkerSettingInACopyIsReported() throws {
        let source = SwiftPackageTool.repositoryRoot
        let copy = FileManager.default.temporaryDirectory
            .appendingPathComponent("swiftcnn-drift-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: copy) }
        for folder in ["", "Packages/TensorMath", "Packages/Datasets"] {
            let target = copy.appendingPathComponent(folder)
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            var manifest = try String(
                contentsOf: source.appendingPathComponent(folder + "/Package.swift"),
                encoding: .utf8)
            if folder == "Packages/Datasets" {
                #expect(manifest.contains(".linkedLibrary(\"jpeg\")"))
                manifest = manifest.replacingOccurrences(
                    of: ".linkedLibrary(\"jpeg\")", with: ".linkedLibrary(\"turbojpeg\")")
            }
            try manifest.write(
                to: target.appendingPathComponent("Package.swift"), atomically: true,
                encoding: .utf8)
        }
        let differences = try Self.load(root: copy).differences(folder: "Datasets")
        #expect(differences.count == 1, "\(differences)")
        #expect(
            differences.first?.hasPrefix("Packages/Datasets: target CDatasetCodecs: settings:")
                == true && differences.first?.contains("turbojpeg") == true, "\(differences)")
    }
}
