import Testing

/// `ManifestDrift` on small hand-written dumps (the shapes `swift package dump-package` prints).
@Suite struct ManifestDriftComparisonTests {
    /// Package `Codecs` in `Packages/Codecs`: a C target with a linker setting, a library on it
    /// and on a sibling package's product, a bench that no product vends, and a test target.
    static let package = """
        {"name": "Codecs", "swiftLanguageVersions": ["5"], "platforms": [],
         "dependencies": [{"fileSystem": [{"identity": "tensormath",
                                          "path": "/repo/Packages/TensorMath"}]}],
         "products": [{"name": "Codecs", "settings": [], "targets": ["Codecs"],
                       "type": {"library": ["automatic"]}}],
         "targets": [
           {"name": "CCodecs", "type": "regular", "dependencies": [], "resources": [],
            "settings": [{"kind": {"linkedLibrary": {"_0": "png16"}}, "tool": "linker"}]},
           {"name": "Codecs", "type": "regular", "resources": [], "settings": [],
            "dependencies": [{"byName": ["CCodecs", null]},
                             {"product": ["TensorMath", "TensorMath", null, null]}]},
           {"name": "CodecsBench", "type": "executable", "dependencies": [], "settings": []},
           {"name": "CodecsTests", "type": "test", "dependencies": [], "settings": []}]}
        """
    static let tensorMath = """
        {"name": "TensorMath", "dependencies": [], "targets": [],
         "products": [{"name": "TensorMath", "targets": ["TensorMath", "CTensorKernels"]}]}
        """

    /// The root's copy, with `edit` applied to its text first.
    static func drift(editingRoot edit: (String) -> String = { $0 }) throws -> ManifestDrift {
        let root = """
            {"name": "Root", "swiftLanguageVersions": ["5"], "platforms": [], "dependencies": [],
             "products": [{"name": "Codecs", "settings": [], "targets": ["Codecs"],
                           "type": {"library": ["automatic"]}}],
             "targets": [
               {"name": "CCodecs", "type": "regular", "dependencies": [], "resources": [],
                "path": "Packages/Codecs/Sources/CCodecs",
                "settings": [{"kind": {"linkedLibrary": {"_0": "png16"}}, "tool": "linker"}]},
               {"name": "Codecs", "type": "regular", "resources": [], "settings": [],
                "path": "./Packages/Codecs/Sources/Codecs/",
                "dependencies": [{"byName": ["CCodecs", null]}, {"byName": ["TensorMath", null]},
                                 {"target": ["CTensorKernels", null]}]}]}
            """
        return ManifestDrift(
            root: try JSON(parsing: edit(root)),
            packages: [
                "Codecs": try JSON(parsing: package),
                "TensorMath": try JSON(parsing: tensorMath),
            ])
    }

    @Test func identicalDeclarationsHaveNoDifference() throws {
        #expect(try Self.drift().differences(folder: "Codecs") == [])
    }

    @Test func changedLinkerSettingNamesTargetAndSetting() throws {
        let drift = try Self.drift { $0.replacingOccurrences(of: "png16", with: "png") }
        #expect(
            drift.differences(folder: "Codecs") == [
                "Packages/Codecs: target CCodecs: settings: package "
                    + #"[{"kind":{"linkedLibrary":{"_0":"png16"}},"tool":"linker"}], "#
                    + #"root [{"kind":{"linkedLibrary":{"_0":"png"}},"tool":"linker"}]"#
            ])
    }

    @Test func missingTargetDependencyPathAndProductAreNamed() throws {
        let drift = try Self.drift {
            $0.replacingOccurrences(
                of: #"["CTensorKernels", null]"#,
                with: #"["CTensorKernels", {"platformNames": ["linux"]}]"#
            )
            .replacingOccurrences(of: "Sources/CCodecs", with: "Sources/CCodec")
            .replacingOccurrences(
                of: #""name": "Codecs", "settings""#,
                with: #""name": "CodecsKit", "settings""#)
        }
        #expect(
            drift.differences(folder: "Codecs") == [
                "Packages/Codecs: target CCodecs: path is Packages/Codecs/Sources/CCodec in the root, "
                    + "expected Packages/Codecs/Sources/CCodecs",
                "Packages/Codecs: target Codecs: dependencies differ: the root lacks CTensorKernels; "
                    + #"the root adds CTensorKernels when {"platformNames":["linux"]}"#,
                "Packages/Codecs: product Codecs is missing from the root manifest",
            ])
        let withoutTarget = try Self.drift {
            $0.replacingOccurrences(of: #""name": "CCodecs""#, with: #""name": "COther""#)
        }
        #expect(
            withoutTarget.differences(folder: "Codecs").first
                == "Packages/Codecs: target CCodecs is missing from the root manifest")
    }
}
