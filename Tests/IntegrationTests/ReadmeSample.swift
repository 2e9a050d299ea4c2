import Foundation

/// One ```` ```swift ```` fenced block of a README, with what the marker before it asks for
/// (the conventions are described in `ReadmeSamplesTests`).
struct ReadmeSample: Equatable {
    /// How the block is checked.
    enum Kind: Equatable {
        /// Statements, compiled as the body of a throwing function with these parameters
        /// (`""`, or the text after `given` in `<!-- sample: given x: Int -->`).
        case statements(parameters: String)
        /// Top-level declarations (`<!-- sample: declarations -->`), compiled as they are.
        case declarations
        /// A `Package.swift` excerpt (recognised by `.package(` or `PackageDescription`):
        /// each `.product(name:package: "SwiftCNN")` must name a library of the root.
        case manifest
        /// Not checked (`<!-- sample: skip -->`).
        case skip
    }

    /// The README's path relative to the repository root (`Packages/NeuralNet/README.md`).
    var readme: String
    /// The 1-based line of the opening fence.
    var line: Int
    /// The lines between the fences.
    var code: [String]
    var kind: Kind

    /// The 1-based line of the block's first code line.
    var firstCodeLine: Int { line + 1 }

    /// Every ```` ```swift ```` block of `text`, the README at `readme`.
    /// - Throws: for a block that never closes or a marker this test does not know.
    static func extract(from text: String, readme: String) throws -> [ReadmeSample] {
        let lines = text.components(separatedBy: "\n")
        var samples: [ReadmeSample] = []
        var index = 0
        while index < lines.count {
            let fence = lines[index].trimmingCharacters(in: .whitespaces)
            guard fence == "```swift" else {
                index += 1
                continue
            }
            guard
                let end = lines[(index + 1)...].firstIndex(where: {
                    $0.trimmingCharacters(in: .whitespaces) == "```"
                })
            else {
                throw SampleError(readme: readme, line: index + 1, message: "unclosed block")
            }
            let code = Array(lines[(index + 1)..<end])
            let markerIndex = lines[..<index].lastIndex {
                !$0.trimmingCharacters(in: .whitespaces).isEmpty
            }
            let kind = try kind(
                marker: markerIndex.map { lines[$0] }, code: code, readme: readme,
                line: (markerIndex ?? 0) + 1)
            samples.append(ReadmeSample(readme: readme, line: index + 1, code: code, kind: kind))
            index = end + 1
        }
        return samples
    }

    /// The kind from the marker (`<!-- sample: … -->`) on the last non-blank line before a
    /// block, at 1-based `line`, or else from the code: a manifest excerpt or statements.
    private static func kind(
        marker: String?, code: [String], readme: String, line: Int
    ) throws -> Kind {
        let text = marker?.trimmingCharacters(in: .whitespaces) ?? ""
        if text.hasPrefix("<!-- sample:"), text.hasSuffix("-->") {
            let body = text.dropFirst("<!-- sample:".count).dropLast("-->".count)
                .trimmingCharacters(in: .whitespaces)
            switch body {
            case "skip": return .skip
            case "declarations": return .declarations
            case _ where body.hasPrefix("given "):
                return .statements(parameters: String(body.dropFirst("given ".count)))
            default:
                throw SampleError(readme: readme, line: line, message: "unknown marker \(text)")
            }
        }
        let joined = code.joined(separator: "\n")
        if joined.contains(".package(") || joined.contains("PackageDescription") {
            return .manifest
        }
        return .statements(parameters: "")
    }
}

/// A README that cannot be read or a block that does not compile or check.
struct SampleError: Error, CustomStringConvertible {
    let readme: String
    let line: Int
    let message: String
    var description: String { "\(readme):\(line): \(message)" }
}
