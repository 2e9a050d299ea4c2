extension ManifestDrift {
    /// Each package product must be a root product of the same type, targets and settings.
    func compareProducts(_ package: JSON) -> [String] {
        let rootProducts = root["products"].elements
        return package["products"].elements.compactMap { product in
            let name = product["name"].string ?? "?"
            guard let copy = rootProducts.first(where: { $0["name"].string == name }) else {
                return "product \(name) is missing from the root manifest"
            }
            let fields = Set(product.keys).union(copy.keys).subtracting(["name"])
            let differing = fields.sorted().filter { product[$0] != copy[$0] }
            guard !differing.isEmpty else { return nil }
            return "product \(name): "
                + differing.map { "\($0): package \(product[$0]), root \(copy[$0])" }
                .joined(separator: "; ")
        }
    }

    /// Package-wide fields that apply to the targets (language modes and standards,
    /// platforms), and each remote dependency, which the root must declare alike.
    func comparePackageFields(_ package: JSON) -> [String] {
        var found: [String] = []
        for field in [
            "swiftLanguageVersions", "cLanguageStandard", "cxxLanguageStandard",
            "platforms",
        ] where package[field] != root[field] {
            found.append("\(field): package \(package[field]), root \(root[field])")
        }
        for dependency in package["dependencies"].elements {
            guard
                let remote =
                    (dependency["sourceControl"].elements.first
                        ?? dependency["registry"].elements.first),
                let identity = remote["identity"].string
            else { continue }
            let copy = root["dependencies"].elements
                .compactMap {
                    ($0["sourceControl"].elements.first
                        ?? $0["registry"].elements.first)
                }
                .first { $0["identity"].string == identity }
            guard let copy else {
                found.append("dependency \(identity) is missing from the root manifest")
                continue
            }
            if copy["requirement"] != remote["requirement"] {
                found.append(
                    "dependency \(identity): requirement: package "
                        + "\(remote["requirement"]), root \(copy["requirement"])")
            }
        }
        return found
    }
}
