extension ManifestDrift {
    /// The differences between a package's target and the root's copy of it.
    func compare(_ target: JSON, _ copy: JSON, folder: String) -> [String] {
        var found: [String] = []
        let name = target["name"].string ?? "?"
        let ownPath =
            target["path"].string
            ?? "\(sourceRoots[folder] ?? "Sources")/\(name)"
        let expected = normalized("Packages/\(folder)/\(ownPath)")
        let actual = copy["path"].string.map(normalized) ?? "(none)"
        if actual != expected {
            found.append("path is \(actual) in the root, expected \(expected)")
        }
        let own = Set(target["dependencies"].elements.flatMap { packageDependency($0, folder) })
        let copied = Set(copy["dependencies"].elements.map(rootDependency))
        if own != copied {
            let missing = own.subtracting(copied).sorted().joined(separator: ", ")
            let extra = copied.subtracting(own).sorted().joined(separator: ", ")
            found.append(
                "dependencies differ:"
                    + (missing.isEmpty ? "" : " the root lacks \(missing)")
                    + (missing.isEmpty || extra.isEmpty ? "" : ";")
                    + (extra.isEmpty ? "" : " the root adds \(extra)"))
        }
        let fields = Set(target.keys).union(copy.keys)
            .subtracting(["name", "path", "dependencies"])
        for field in fields.sorted() where target[field] != copy[field] {
            found.append("\(field): package \(target[field]), root \(copy[field])")
        }
        return found
    }

    /// A package target's dependency in the root's terms: a target name, or `product P@id`
    /// for a remote package's product; a sibling package's product becomes its targets.
    /// A condition is appended as ` when {…}`.
    func packageDependency(_ dependency: JSON, _ folder: String) -> [String] {
        let fields = dependency["product"].elements
        if fields.count >= 2, let product = fields[0].string, let packageName = fields[1].string {
            let condition = suffix(fields.count > 3 ? fields[3] : .null)
            guard let sibling = siblingFolder(packageName, from: folder),
                let vended = packages[sibling]?["products"].elements
                    .first(where: { $0["name"].string == product })
            else { return ["product \(product)@\(packageName.lowercased())\(condition)"] }
            return vended["targets"].elements.compactMap(\.string).map { $0 + condition }
        }
        return [rootDependency(dependency)]
    }

    /// A root target's dependency: a target name, or `product P@id` for a product.
    func rootDependency(_ dependency: JSON) -> String {
        for kind in ["byName", "target"] {
            let fields = dependency[kind].elements
            if let name = fields.first?.string {
                return name + suffix(fields.count > 1 ? fields[1] : .null)
            }
        }
        let fields = dependency["product"].elements
        guard fields.count >= 2, let product = fields[0].string,
            let packageName = fields[1].string
        else { return "unknown \(dependency)" }
        return "product \(product)@\(packageName.lowercased())"
            + suffix(fields.count > 3 ? fields[3] : .null)
    }

    /// The folder under `Packages/` of the local (`path:`) dependency named `packageName` in
    /// the package at `folder`, or `nil` for a remote package.
    func siblingFolder(_ packageName: String, from folder: String) -> String? {
        for dependency in packages[folder]?["dependencies"].elements ?? [] {
            guard let local = dependency["fileSystem"].elements.first,
                local["identity"].string == packageName.lowercased(),
                let path = local["path"].string
            else { continue }
            let name = normalized(path).split(separator: "/").last.map(String.init) ?? ""
            return packages[name] == nil ? nil : name
        }
        return nil
    }

    /// ` when <condition>`, or nothing for `null`.
    private func suffix(_ condition: JSON) -> String {
        condition == .null ? "" : " when \(condition)"
    }

    /// `path` without `./` components and trailing slashes.
    func normalized(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: true)
            .filter { $0 != "." }.joined(separator: "/")
    }
}
