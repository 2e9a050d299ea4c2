import Foundation

extension ReadmeSamplePackage {
    /// Builds the package (debug), one README's target at a time so that each README's errors
    /// are reported even when another's fail; returns one message per block that does not
    /// compile, naming the README, the block's fence line and each compiler error at its README
    /// line, or the whole output when the errors are not in a README (the libraries failing).
    func build() throws -> [String] {
        var messages: [String] = []
        for readme in readmes {
            let target = Self.targetName(readme: readme)
            do {
                try SwiftPackageTool.run(
                    ["swift", "build", "--package-path", folder.path, "--target", target])
            } catch let failure as SwiftPackageTool.CommandFailure {
                let found = failures(in: failure.output)
                messages += found.isEmpty ? ["swift build of \(target) failed:\n\(failure)"] : found
            }
        }
        return messages
    }

    /// The errors of a build's output, grouped by the sample block they fall in.
    func failures(in output: String) -> [String] {
        var errors: [(sample: ReadmeSample, text: String)] = []
        var unplaced: [String] = []
        for line in output.components(separatedBy: "\n") {
            guard let error = Diagnostic(line) else { continue }
            let sample = samples.first {
                root.appendingPathComponent($0.readme).path == error.file
                    && error.line >= $0.firstCodeLine
                    && error.line < $0.firstCodeLine + $0.code.count
            }
            if let sample {
                let text = "line \(error.line): error: \(error.message)"
                if !errors.contains(where: { $0.sample == sample && $0.text == text }) {
                    errors.append((sample, text))
                }
            } else if !unplaced.contains(line) {
                unplaced.append(line)
            }
        }
        var messages: [String] = []
        for sample in samples where errors.contains(where: { $0.sample == sample }) {
            let texts = errors.filter { $0.sample == sample }.map(\.text)
            messages.append(
                "\(sample.readme): the swift block at line \(sample.line) "
                    + "does not compile:\n" + texts.joined(separator: "\n"))
        }
        if !unplaced.isEmpty {
            messages.append(
                "errors outside the README samples:\n"
                    + unplaced.joined(separator: "\n"))
        }
        return messages
    }
}

/// One `file:line:column: error: message` line of compiler output.
private struct Diagnostic {
    let file: String
    let line: Int
    let message: String

    init?(_ text: String) {
        guard let range = text.range(of: ": error: ") else { return nil }
        let location = text[..<range.lowerBound].split(separator: ":")
        guard location.count >= 3, let line = Int(location[location.count - 2]) else {
            return nil
        }
        file = location.dropLast(2).joined(separator: ":")
        self.line = line
        message = String(text[range.upperBound...])
    }
}
