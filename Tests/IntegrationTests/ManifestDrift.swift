/// Compares each `Packages/X/Package.swift` with the root manifest's copy of its targets, from
/// `swift package dump-package` output (see `ManifestDriftTests` for why the copy exists).
///
/// A package target must be re-declared by the root when a product of the package vends it,
/// directly or through its dependencies (that is what a by-URL consumer gets); other non-test
/// targets (benchmarks) are compared only if the root declares them too. A re-declared target
/// must have the same type, the path `Packages/X/` + the package's path, the same dependencies
/// (a product of a sibling package counts as that product's targets; conditions included), and
/// every other field equal (settings, resources, exclude, sources, pkgConfig, providers, …).
/// Each package product must be a root product of the same type and targets, each remote
/// dependency a root dependency with the same requirement, and the language modes equal.
struct ManifestDrift {
    /// The root manifest's dump.
    let root: JSON
    /// Each package's dump, by folder name under `Packages/` (`"TensorMath"`).
    var packages: [String: JSON]
    /// The source folder of a package whose target has no `path` (SwiftPM's `Sources`,
    /// `Source`, `src` or `srcs`), by folder name; `Sources` when absent.
    var sourceRoots: [String: String] = [:]

    /// Every difference, one sentence each, naming the package, the target and the field.
    func differences() -> [String] {
        packages.keys.sorted().flatMap { differences(folder: $0) }
    }

    /// The differences between `Packages/<folder>/Package.swift` and the root manifest.
    func differences(folder: String) -> [String] {
        guard let package = packages[folder] else { return ["Packages/\(folder): no dump"] }
        let prefix = "Packages/\(folder)"
        var found: [String] = []
        let rootTargets = Dictionary(
            root["targets"].elements.map { ($0["name"].string ?? "", $0) },
            uniquingKeysWith: { first, _ in first })
        let vended = vendedTargets(of: package)
        for target in package["targets"].elements where target["type"].string != "test" {
            let name = target["name"].string ?? "?"
            guard let copy = rootTargets[name] else {
                if vended.contains(name) {
                    found.append("\(prefix): target \(name) is missing from the root manifest")
                }
                continue
            }
            found += compare(target, copy, folder: folder).map {
                "\(prefix): target \(name): \($0)"
            }
        }
        let declared = Set(package["targets"].elements.compactMap { $0["name"].string })
        for copy in root["targets"].elements {
            guard let name = copy["name"].string, !declared.contains(name),
                let path = copy["path"].string, normalized(path).hasPrefix(prefix + "/")
            else { continue }
            found.append(
                "\(prefix): the root declares target \(name) at \(path), "
                    + "but the package has no such target")
        }
        found += compareProducts(package).map { "\(prefix): \($0)" }
        found += comparePackageFields(package).map { "\(prefix): \($0)" }
        return found
    }

    /// The targets the package's products vend, with everything they depend on in the package.
    func vendedTargets(of package: JSON) -> Set<String> {
        let byName = Dictionary(
            package["targets"].elements.map { ($0["name"].string ?? "", $0) },
            uniquingKeysWith: { first, _ in first })
        var pending = package["products"].elements.flatMap { $0["targets"].elements }
            .compactMap(\.string)
        var seen: Set<String> = []
        while let name = pending.popLast() {
            guard seen.insert(name).inserted, let target = byName[name] else { continue }
            pending += target["dependencies"].elements.compactMap { dependency in
                (dependency["byName"].elements.first ?? dependency["target"].elements.first)?
                    .string
            }
        }
        return seen.intersection(byName.keys)
    }
}
