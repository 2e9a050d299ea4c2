import ArgumentParser

/// One `--vary NAME=V1,V2,...` of `compare`: a flag of `train` (without its dashes) and the
/// values to try. The flag is not known to `compare`: each value becomes the arguments
/// `--NAME V`, or, for an on/off flag, `--NAME` (`true`, `on`, `yes`) or nothing (`false`,
/// `off`, `no`) when `train` does not take a value after it.
public struct VariedFlag: Equatable, Sendable, ExpressibleByArgument {
    /// The flag's name without dashes (`optimizer`).
    public var name: String
    /// The values, in order (`sgd`, `momentum`).
    public var values: [String]

    /// Parses `NAME=V1,V2,...` (spaces around names and values are ignored; a leading `--`
    /// on the name is allowed).
    public init?(argument: String) {
        guard let equals = argument.firstIndex(of: "=") else { return nil }
        var name = argument[..<equals].trimmingCharacters(in: .whitespaces)
        if name.hasPrefix("--") { name.removeFirst(2) }
        let values = argument[argument.index(after: equals)...]
            .split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard !name.isEmpty, !name.contains(" "), !values.contains(where: \.isEmpty),
            Set(values).count == values.count
        else { return nil }
        self.name = name
        self.values = values
    }

    /// The usage text of a malformed value.
    public static let usage =
        "NAME=V1,V2,... with a flag of train and distinct values: optimizer=sgd,adam"

    /// One variant: the values chosen, one per varied flag, in the order of the flags.
    public struct Variant: Equatable, Sendable {
        /// `(flag name, value)` per varied flag.
        public var choices: [(name: String, value: String)]

        /// `optimizer=sgd learning-rate=0.1`.
        public var name: String {
            choices.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
        }

        /// A file-name stem: `optimizer-sgd_learning-rate-0.1`, with characters other than
        /// letters, digits, `.`, `-` and `_` replaced by `-`.
        public var stem: String {
            let text = choices.map { "\($0.name)-\($0.value)" }.joined(separator: "_")
            return String(
                text.map { $0.isLetter || $0.isNumber || "._-".contains($0) ? $0 : "-" })
        }

        public static func == (a: Variant, b: Variant) -> Bool { a.name == b.name }
    }

    /// Every combination of the flags' values (the cartesian product), the last flag varying
    /// fastest.
    /// - Throws: `ValidationError` for a flag varied twice or more than `limit` variants.
    public static func variants(_ flags: [VariedFlag], limit: Int = 1000) throws -> [Variant] {
        let names = flags.map(\.name)
        if let repeated = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw ValidationError("--vary \(repeated) is given twice: list its values once")
        }
        var variants = [Variant(choices: [])]
        for flag in flags {
            variants = variants.flatMap { variant in
                flag.values.map { Variant(choices: variant.choices + [(flag.name, $0)]) }
            }
            if variants.count > limit {
                throw ValidationError("--vary gives more than \(limit) variants")
            }
        }
        return variants
    }

    /// The `train` arguments of `variant` on top of `base`: `--NAME VALUE` for every choice,
    /// or the on/off form for a flag that takes no value (tried when `accepts` rejects
    /// `--NAME VALUE`).
    /// - Parameter accepts: Whether `train` parses an argument list (it throws a usage error
    ///   otherwise).
    /// - Throws: `ValidationError` if `base` already gives a varied flag, or the error of
    ///   `accepts` for a value that fits no form.
    public static func arguments(
        of variant: Variant, base: [String], accepts: ([String]) throws -> Void
    ) throws -> [String] {
        var arguments = base
        for (name, value) in variant.choices {
            let flag = "--" + name
            if base.contains(where: { $0 == flag || $0.hasPrefix(flag + "=") }) {
                throw ValidationError("\(flag) is varied by --vary \(name)=...; leave it out")
            }
            let valued = arguments + [flag, value]
            do {
                try accepts(valued)
                arguments = valued
            } catch {
                let on = ["true", "on", "yes"].contains(value.lowercased())
                let off = ["false", "off", "no"].contains(value.lowercased())
                guard on || off else { throw error }
                let toggled = on ? arguments + [flag] : arguments
                guard (try? accepts(arguments + [flag])) != nil else { throw error }
                arguments = toggled
            }
        }
        return arguments
    }
}
