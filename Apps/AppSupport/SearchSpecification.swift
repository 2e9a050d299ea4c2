import ArgumentParser
import Foundation
import NeuralNet

/// The text form of a search space, as `search --grid` and `--range` take it: dimensions
/// separated by `;`, each `NAME=VALUES` with NAME a flag of `train` (without dashes) and
/// VALUES either a comma-separated list (`64,128`, `sgd,adam`) or a range `LOW..HIGH`
/// (integers when both bounds are, else real numbers) with `:log` for log-uniform sampling
/// (rates) or `:int` for integers.
///
/// ```
/// learning-rate=0.1,0.03,0.01; batch-size=64,128          (grid)
/// learning-rate=1e-4..1e-1:log; batch-size=32,64,128      (random)
/// ```
public enum SearchSpecification {
    /// Parses `text` into a search space.
    /// - Parameters:
    ///   - text: The specification.
    ///   - flag: The flag that gave it (`--grid`), for messages.
    /// - Throws: `ValidationError` naming the flag and the part that is wrong.
    public static func space(_ text: String, flag: String) throws -> SearchSpace {
        var dimensions: [(String, SearchSpace.Domain)] = []
        for part in text.split(separator: ";") {
            let part = part.trimmingCharacters(in: .whitespaces)
            if part.isEmpty { continue }
            guard let equals = part.firstIndex(of: "=") else {
                throw ValidationError("\(flag): \"\(part)\" is not NAME=VALUES (batch-size=64,128)")
            }
            var name = part[..<equals].trimmingCharacters(in: .whitespaces)
            if name.hasPrefix("--") { name.removeFirst(2) }
            let values = part[part.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, !values.isEmpty else {
                throw ValidationError("\(flag): \"\(part)\" needs a flag name and values")
            }
            dimensions.append((name, try domain(values, name: name, flag: flag)))
        }
        guard !dimensions.isEmpty else {
            throw ValidationError("\(flag): give at least one NAME=VALUES")
        }
        do {
            return try SearchSpace(dimensions)
        } catch {
            throw ValidationError("\(flag): \(error)")
        }
    }

    /// The domain of one dimension's values.
    static func domain(_ text: String, name: String, flag: String) throws -> SearchSpace.Domain {
        guard text.contains("..") else {
            let values = text.split(separator: ",", omittingEmptySubsequences: false)
                .map { value($0.trimmingCharacters(in: .whitespaces)) }
            guard !values.contains(.string("")) else {
                throw ValidationError("\(flag): \(name)=\(text) has an empty value")
            }
            return .choices(values)
        }
        var range = Substring(text)
        var kind = ""
        if let colon = text.lastIndex(of: ":") {
            kind = String(text[text.index(after: colon)...])
            range = text[..<colon]
        }
        let bounds = range.components(separatedBy: "..").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        let wrong = ValidationError(
            "\(flag): \(name)=\(text) is not a range LOW..HIGH[:log|:int] (1e-4..1e-1:log)")
        guard bounds.count == 2, let low = Double(bounds[0]), let high = Double(bounds[1]),
            low.isFinite, high.isFinite, low < high, ["", "log", "int"].contains(kind)
        else { throw wrong }
        let integers = Int(bounds[0]) != nil && Int(bounds[1]) != nil
        switch kind {
        case "log":
            guard low > 0 else {
                throw ValidationError("\(flag): \(name)=\(text): a :log range must be above 0")
            }
            return .logUniform(low...high)
        case "int":
            guard low.rounded() == low, high.rounded() == high, abs(high) < 1e15 else {
                throw wrong
            }
            return .integers(Int(low)...Int(high))
        default:
            return integers ? .integers(Int(bounds[0])!...Int(bounds[1])!) : .uniform(low...high)
        }
    }

    /// `64` → an integer, `0.1` → a real number, anything else a string.
    static func value(_ text: String) -> HyperparameterValue {
        if let integer = Int(text) { return .int(integer) }
        if let real = Double(text), real.isFinite { return .double(real) }
        return .string(text)
    }
}
