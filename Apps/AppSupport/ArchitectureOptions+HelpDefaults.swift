import ImageModels

/// The defaults `--help` shows after `--activation`, `--pooling`, `--dropout` and
/// `--batch-norm`: what each preset network has, set by the app before it parses, e.g.
/// `(default: lenet5 relu, cnn relu, mlp relu)`.
extension ArchitectureOptions {
    /// Flag name (without dashes) → the default shown; empty until an app sets it.
    nonisolated(unsafe) static var helpDefaults: [String: String] = [:]

    /// ` (default: …)` for `flag`, or nothing.
    static func defaultNote(_ flag: String) -> String {
        helpDefaults[flag].map { " (default: \($0))" } ?? ""
    }

    /// Shows what each labelled network has in `--help`; a value equal in every network is
    /// shown once.
    public static func showDefaults(_ networks: [(label: String, layers: LayerSpecification)]) {
        func value(_ flag: String, _ text: ([LayerSpecification.Element]) -> String) {
            let values = networks.map { text(elements($0.layers.layers)) }
            guard let first = values.first else { return }
            helpDefaults[flag] =
                values.allSatisfy { $0 == first }
                ? first
                : zip(networks, values).map { "\($0.0.label) \($0.1)" }.joined(separator: ", ")
        }
        value("activation") { layers in
            layers.lazy.compactMap { element -> String? in
                switch element {
                case .relu: return "relu"
                case .leakyReLU: return "leakyrelu"
                case .tanh: return "tanh"
                case .sigmoid: return "sigmoid"
                default: return nil
                }
            }.first ?? "none"
        }
        value("pooling") { layers in
            layers.lazy.compactMap { element -> String? in
                guard case let .pooling(pooling) = element else { return nil }
                return pooling.kind.rawValue
            }.first ?? "none"
        }
        value("dropout") { layers in
            layers.lazy.compactMap { element -> String? in
                guard case let .dropout(rate) = element else { return nil }
                return "\(rate)"
            }.first ?? "none"
        }
        value("batch-norm") { layers in layers.contains(.batchNorm) ? "on" : "off" }
    }

    /// `layers` with the layers of residual blocks in place of the blocks.
    private static func elements(_ layers: [LayerSpecification.Element])
        -> [LayerSpecification.Element]
    {
        layers.flatMap { element -> [LayerSpecification.Element] in
            guard case let .residual(block) = element else { return [element] }
            return elements(block.body)
        }
    }
}
